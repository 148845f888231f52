"""Demo data: the council's real 2025 events and organisations, plus one example event to try.

Where the source gives no time or capacity, the demo uses ordinary ones (a regional
session from 10:00 to 16:00 with its workshops at 13:00) and says so in the description.
"""
import json
import secrets
from datetime import date, datetime, time, timedelta
from importlib.resources import files

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..formatting import long_date, riga_datetime_from_local, to_riga
from ..models import (
    AttendanceMode,
    CheckIn,
    Event,
    EventKind,
    EventStatus,
    FeedbackInvitation,
    JoinKind,
    Registration,
    RemoteJoin,
    Slot,
    StateAdminPresence,
    Summary,
    SummaryStatus,
    Track,
    User,
    UserRole,
)
from . import organisations
from .events import default_state_admin_minimum, slugify
from .feedback import answers as feedback_answers
from .feedback import invitations as feedback_invitations
from .registration import seat_allocation
from .registration.lifecycle import RegistrationData, new_registration

DATA = files("eventapp") / "data"
DEMO_ORGANISER_EMAIL = "organizators@example.lv"
DEMO_ORGANISER_PASSWORD = "demo-parole-2025"
EXAMPLE_SLUG = "piemers-izbraukuma-sede"

DEFAULT_HOURS = {  # (start, end, workshops start, workshops end) when the source is silent
    EventKind.REGIONAL_SESSION: (time(10), time(16), time(13), time(14, 30)),
    EventKind.FORUM: (time(10), time(16), time(13), time(14, 30)),
}
DEFAULT_CAPACITY = {EventKind.REGIONAL_SESSION: 60, EventKind.FORUM: 90}
TRACK_CAPACITY = 15
WORLD_CAFE_TABLE_CAPACITY = 22


def load_events_file() -> dict:
    return json.loads((DATA / "events_2025.json").read_text(encoding="utf-8"))


def load_summaries_file() -> dict:
    return json.loads((DATA / "demo_summaries.json").read_text(encoding="utf-8"))


def event_slug(item: dict) -> str:
    return slugify(f"{item['date']} {item['city']} {EventKind(item['kind']).value.replace('_', ' ')}")


def seed_demo(session: Session, now: datetime, with_demo_user: bool = True) -> list[str]:
    """Load the demo data; returns what it added. Running it again adds nothing."""
    added = []
    result = organisations.import_organisations(
        session, organisations.read_csv((DATA / "organisations.csv").read_bytes())
    )
    if result.created:
        added.append(f"{result.created} organisations")
    for item in load_events_file()["events"]:
        event = _seed_event(session, item)
        if event:
            added.append(event.slug)
            if event.city == "Jēkabpils":
                _seed_jekabpils_people(session, event)
    added += _seed_jekabpils_remote_join(session, now)
    added += _seed_example_summaries(session, now)
    added += _seed_jekabpils_feedback(session, now)
    added += _seed_online_meetings(session, now)
    example = _seed_example_event(session, now)
    if example:
        added.append(example.slug)
    if with_demo_user and session.scalar(select(User).where(User.email == DEMO_ORGANISER_EMAIL)) is None:
        user = User(email=DEMO_ORGANISER_EMAIL, name="Demo organizators", role=UserRole.ORGANISER)
        user.set_password(DEMO_ORGANISER_PASSWORD)
        session.add(user)
        added.append(f"user {DEMO_ORGANISER_EMAIL}")
    from .working_groups_demo import seed_working_groups  # it imports this module

    added += seed_working_groups(session, now)
    session.flush()
    return added


def _seed_event(session: Session, item: dict) -> Event | None:
    kind = EventKind(item["kind"])
    day = date.fromisoformat(item["date"])
    slug = event_slug(item)
    if session.scalar(select(Event.id).where(Event.slug == slug)) is not None:
        return None
    start_t, end_t, ws_start, ws_end = DEFAULT_HOURS.get(kind, (time(10), time(12), None, None))
    if item.get("start_time"):
        start_t = time.fromisoformat(item["start_time"])
    if item.get("end_time"):
        end_t = time.fromisoformat(item["end_time"])
    event = Event(
        slug=slug,
        kind=kind,
        status=EventStatus.PUBLISHED,
        title_lv=item["title_lv"],
        title_en=item["title_en"],
        description_lv=item.get("description_lv", ""),
        description_en=item.get("description_en", ""),
        agenda_lv="\n".join(item.get("agenda_lv", [])),
        agenda_en="\n".join(item.get("agenda_en", [])),
        venue=_venue_name(item.get("venue") or ""),
        address=item.get("venue") or "",
        city=item["city"],
        starts_at=riga_datetime_from_local(day, start_t),
        ends_at=riga_datetime_from_local(day, end_t),
        capacity=item.get("expected_participants") or DEFAULT_CAPACITY.get(kind),
        remote_allowed=bool(item.get("remote")),
        remote_link="https://zoom.us/" if item.get("remote") else "",
        is_demo=True,
    )
    if item.get("co_host"):
        co_host = organisations.find_organisation(session, item["co_host"])
        if co_host:
            event.co_hosts = [co_host]
    session.add(event)
    if item.get("parallel_tracks_lv"):
        _add_workshops(event, day, ws_start, ws_end, item["parallel_tracks_lv"], item.get("parallel_tracks_en", []))
    session.flush()
    return event


# Who came to Jēkabpils in the demo: the council's lesson in data. Three tracks have a ministry's
# person (one only remotely); the bureaucracy track has none.
JEKABPILS_PEOPLE = [
    # (name, organisation, track number, remote, checked in)
    ("Inese Kalniņa", "Viedās administrācijas un reģionālās attīstības ministrija", 1, False, True),
    ("Māris Ozoliņš", "Labklājības ministrija", 2, False, True),
    ("Dace Liepiņa", "Kultūras ministrija", 3, True, False),
    ("Ērika Bērziņa", 'biedrība "Vidusdaugavas NVO centrs"', 1, False, True),
    ("Jānis Vītols", 'kopienu sadarbības tīkls "Sēlijas salas"', 1, False, True),
    ("Zane Krūmiņa", "Jēkabpils novada pašvaldība", 2, False, True),
    ("Aivars Zariņš", 'biedrība "Latvijas Lauku forums"', 2, False, False),
    ("Olga Petrova", 'biedrība "Latgaliešu kultūras biedrība"', 3, False, True),
    ("Guntis Šmits", 'biedrība "Latvijas Pilsoniskā alianse"', 4, False, True),
    ("Līga Ābele", 'biedrība "Sabiedriskās politikas centrs Providus"', 4, False, True),
]


def _seed_jekabpils_people(session: Session, event: Event) -> None:
    tracks = event.slots[0].tracks
    registered = event.starts_at - timedelta(days=10)
    for n, (name, organisation_name, track_number, remote, came) in enumerate(JEKABPILS_PEOPLE, start=1):
        organisation = organisations.find_organisation(session, organisation_name)
        track = tracks[track_number - 1]
        registration = new_registration(event, RegistrationData(
            full_name=name, email=f"demo{n}@example.lv", sector=organisation.sector,
            attendance_mode=AttendanceMode.REMOTE if remote else AttendanceMode.IN_PERSON,
            track_ids={track.slot_id: track.id}, consent_data=True, organisation_name=organisation.name,
        ), registered, organisation_id=organisation.id)
        seat_allocation.admit(registration)  # the demo's people all have their seats
        session.add(registration)
        if came:
            arrived = event.starts_at - timedelta(minutes=20) + timedelta(minutes=n)
            session.add(CheckIn(registration=registration, scan_id=f"demo-{event.slug}-{n}",
                                scanned_at=arrived, recorded_at=arrived))


# In Jēkabpils the Culture Ministry's expert (Dace Liepiņa, registered remote) took part through her
# join link to the session's meeting: the council's own fallback, so the minorities track reads
# "covered remotely".
JEKABPILS_REMOTE_EMAIL = "demo3@example.lv"


def _seed_jekabpils_remote_join(session: Session, now: datetime) -> list[str]:
    """Her join of the event's meeting, where it is not recorded yet (and the event has begun)."""
    item = next(e for e in load_events_file()["events"] if e["city"] == "Jēkabpils")
    registration = session.scalar(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Event.slug == event_slug(item), Registration.email == JEKABPILS_REMOTE_EMAIL)
    )
    if registration is None or now < registration.event.starts_at:
        return []
    if session.scalar(select(RemoteJoin.id).where(RemoteJoin.registration_id == registration.id).limit(1)):
        return []
    session.add(RemoteJoin(registration_id=registration.id, track_id=None, how=JoinKind.LINK,
                           joined_at=registration.event.starts_at + timedelta(minutes=3)))
    session.flush()
    return [f"{registration.event.slug}: 1 remote join"]


# The survey after Jēkabpils: more of the people who came, and what everyone answered. The
# bureaucracy track, where no state-administration person came, says so (the council's lesson);
# in the minorities track the Culture Ministry's expert was there only on the screen.
JEKABPILS_MORE_PEOPLE = [
    # (name, organisation, track number): all came in person
    ("Ilze Pētersone", 'biedrība "Latvijas Sieviešu nevalstisko organizāciju sadarbības tīkls"', 2),
    ("Sergejs Ivanovs", 'biedrība "Latvijas Pilsoniskā alianse"', 3),
    ("Anna Griķe", "Jēkabpils novada pašvaldība", 3),
    ("Rūta Dārziņa", 'nodibinājums "Sabiedrības līdzdalības fonds"', 4),
    ("Kārlis Lūsis", 'biedrība "Latvijas Lauku forums"', 4),
]
Y, N, DK = StateAdminPresence.YES, StateAdminPresence.NO, StateAdminPresence.DONT_KNOW
JEKABPILS_FEEDBACK = {
    # track number: (rating, was state administration present?, what should change, comments) per person
    1: [(5, Y, "", "Ministrijas pārstāve atbildēja uz mūsu jautājumiem uzreiz."),
        (4, Y, "Vairāk laika diskusijai.", ""), (4, Y, "", "")],
    2: [(4, Y, "", ""), (5, Y, "", "Labi, ka Labklājības ministrija bija klāt."), (3, DK, "Skaidrāk pateikt, kurš ir no ministrijas.", "")],
    3: [(4, Y, "Pārbaudīt skaņu attālinātajam pieslēgumam.", ""), (3, Y, "", ""), (3, DK, "", "")],
    4: [(2, N, "Valsts kancelejai jābūt klāt birokrātijas mazināšanas grupā.", ""),
        (3, N, "", "Nebija neviena, kam uzdot jautājumus par birokrātiju."),
        (2, N, "Ja vadība nevar atbraukt, lai deleģē jomas ekspertu.", ""), (3, N, "", "")],
}


def _seed_jekabpils_feedback(session: Session, now: datetime) -> list[str]:
    """Invitations and answers of the Jēkabpils survey, where there are none yet."""
    item = next(e for e in load_events_file()["events"] if e["city"] == "Jēkabpils")
    event = session.scalar(select(Event).where(Event.slug == event_slug(item)))
    if event is None or now < event.ends_at or not event.tracks:
        return []
    if session.scalar(select(FeedbackInvitation.id).where(FeedbackInvitation.event_id == event.id).limit(1)):
        return []
    tracks = event.slots[0].tracks
    registered = event.starts_at - timedelta(days=7)
    for n, (name, organisation_name, track_number) in enumerate(JEKABPILS_MORE_PEOPLE, start=1):
        email = f"demo-aptauja{n}@example.lv"
        if session.scalar(select(Registration.id).where(Registration.event_id == event.id, Registration.email == email)):
            continue
        organisation = organisations.find_organisation(session, organisation_name)
        track = tracks[track_number - 1]
        registration = new_registration(event, RegistrationData(
            full_name=name, email=email, sector=organisation.sector, attendance_mode=AttendanceMode.IN_PERSON,
            track_ids={track.slot_id: track.id}, consent_data=True, organisation_name=organisation.name,
        ), registered, organisation_id=organisation.id)
        seat_allocation.admit(registration)
        session.add(registration)
        arrived = event.starts_at - timedelta(minutes=5) + timedelta(minutes=n)
        session.add(CheckIn(registration=registration, scan_id=f"demo-{event.slug}-aptauja-{n}",
                            scanned_at=arrived, recorded_at=arrived))
    session.flush()
    sent = event.ends_at + timedelta(days=1)
    answers = {number: list(rows) for number, rows in JEKABPILS_FEEDBACK.items()}
    answered = 0
    for attendance in feedback_invitations.attended_registrations(session, event):
        invitation = FeedbackInvitation(registration=attendance.registration, event=event,
                                        token=secrets.token_urlsafe(32), sent_at=sent)
        session.add(invitation)
        session.flush()
        track = attendance.tracks[0] if attendance.tracks else None
        rows = answers.get(track.position) if track is not None else None
        if not rows:
            continue
        rating, present, what_to_change, comments = rows.pop(0)
        feedback_answers.submit_feedback(session, invitation, feedback_answers.SurveyAnswers(
            [feedback_answers.TrackAnswer(track.id, rating, present)], what_to_change, comments,
        ), sent + timedelta(hours=answered + 1))
        answered += 1
    return [f"{event.slug}: {answered} feedback answers"]


def _seed_example_summaries(session: Session, now: datetime) -> list[str]:
    """The forum's World Café tables and published example summaries for it and for Jēkabpils.

    Each part is added only where missing (a forum without time blocks, a track without a
    summary), so that running the seed again adds nothing and a database seeded before the
    summaries existed gets them.
    """
    texts = load_summaries_file()
    items = {item["kind"] + item["city"]: item for item in load_events_file()["events"]}
    forum = session.scalar(select(Event).where(Event.slug == event_slug(items["forumRīga"])))
    jekabpils_slug = event_slug(items["regional_sessionJēkabpils"])
    jekabpils = session.scalar(select(Event).where(Event.slug == jekabpils_slug))
    added = []
    if forum is not None and not forum.slots:
        _add_world_cafe(forum, texts["forum"])
        session.flush()
        added.append(f"{forum.slug}: World Café")
    pairs = []
    if forum is not None:
        pairs += zip(forum.tracks, [table["summary"] for table in texts["forum"]["tables"]])
    if jekabpils is not None:
        pairs += zip(jekabpils.tracks, texts["jekabpils"])
    created = 0
    for track, text in pairs:
        if session.scalar(select(Summary.id).where(Summary.track_id == track.id)) is None:
            session.add(Summary(track=track, status=SummaryStatus.PUBLISHED, published_at=now, **text))
            created += 1
    if created:
        session.flush()
        added.append(f"{created} example summaries")
    return added


def _add_world_cafe(forum: Event, texts: dict) -> None:
    """The forum's World Café: one time block whose tracks are its tables."""
    day = to_riga(forum.starts_at).date()
    _start, _end, table_start, table_end = DEFAULT_HOURS[EventKind.FORUM]
    slot = Slot(
        title_lv=texts["slot_lv"], title_en=texts["slot_en"],
        starts_at=riga_datetime_from_local(day, table_start), ends_at=riga_datetime_from_local(day, table_end),
    )
    forum.slots.append(slot)
    for position, table in enumerate(texts["tables"], start=1):
        slot.tracks.append(Track(
            position=position, title_lv=table["title_lv"], title_en=table["title_en"],
            capacity=WORLD_CAFE_TABLE_CAPACITY, state_admin_minimum=default_state_admin_minimum(forum),
        ))


def _venue_name(venue: str) -> str:
    """'Latvijas Pilsoniskās alianses birojs, Akmeņu iela 21A, Rīga' -> its first part."""
    return venue.split(",")[0].strip()


def _add_workshops(event: Event, day: date, start: time, end: time, titles_lv: list, titles_en: list) -> None:
    slot = Slot(
        title_lv="Paralēlās darba grupas",
        title_en="Parallel working groups",
        starts_at=riga_datetime_from_local(day, start),
        ends_at=riga_datetime_from_local(day, end),
    )
    event.slots.append(slot)
    for position, title_lv in enumerate(titles_lv, start=1):
        slot.tracks.append(
            Track(
                position=position,
                title_lv=title_lv,
                title_en=titles_en[position - 1] if position <= len(titles_en) else "",
                capacity=TRACK_CAPACITY,
                state_admin_minimum=default_state_admin_minimum(event),
            )
        )


def _seed_example_event(session: Session, now: datetime) -> Event | None:
    """A clearly labelled event four weeks ahead, with small tracks, to try registration on."""
    if session.scalar(select(Event.id).where(Event.slug == EXAMPLE_SLUG)) is not None:
        return None
    day = (now + timedelta(days=28)).date()
    jekabpils = next(e for e in load_events_file()["events"] if e["city"] == "Jēkabpils")
    event = Event(
        slug=EXAMPLE_SLUG,
        kind=EventKind.REGIONAL_SESSION,
        status=EventStatus.PUBLISHED,
        title_lv="PIEMĒRS: izbraukuma sēde reģistrācijas izmēģināšanai",
        title_en="EXAMPLE: a visiting session to try registration on",
        description_lv="Šis nav īsts pasākums: tas ir paraugs, kurā var izmēģināt reģistrāciju, "
        "gaidīšanas sarakstu un reģistrācijas pārvaldību. Darba grupās ir tikai piecas vietas.",
        description_en="This is not a real event: it is an example on which registration, the "
        "waiting list and managing a registration can be tried. Each working group has only five seats.",
        agenda_lv="\n".join(jekabpils["agenda_lv"]),
        agenda_en="\n".join(jekabpils["agenda_en"]),
        venue="Kopienu centrs (piemērs)",
        city="Jēkabpils",
        starts_at=riga_datetime_from_local(day, time(10)),
        ends_at=riga_datetime_from_local(day, time(16)),
        capacity=40,
        registration_opens_at=now,
        registration_closes_at=riga_datetime_from_local(day - timedelta(days=1), time(23, 59)),
        remote_allowed=True,
        remote_link="https://example.org/attalinati",
        is_demo=True,
    )
    session.add(event)
    _add_workshops(event, day, time(13), time(14, 30), jekabpils["parallel_tracks_lv"], jekabpils["parallel_tracks_en"])
    for track in event.slots[0].tracks:
        track.capacity = 5
    session.flush()
    return event


# Two example monthly online meetings with the signatory organisations, with who joined (for the
# attendance report: organisations, sectors, first-timers), and the next one to register for.
ONLINE_MEETING_PEOPLE = {
    # meeting day: (name, organisation) of each person who joined through their link
    date(2025, 11, 20): [
        ("Rasma Kalniņa", 'biedrība "Latvijas Pilsoniskā alianse"'),
        ("Edgars Krūmiņš", 'biedrība "Latvijas Jaunatnes padome"'),
        ("Ieva Zariņa", "Valsts kanceleja"),
        ("Mārtiņš Eglītis", 'biedrība "Latvijas Lauku forums"'),
    ],
    date(2025, 12, 18): [
        ("Rasma Kalniņa", 'biedrība "Latvijas Pilsoniskā alianse"'),
        ("Ieva Zariņa", "Valsts kanceleja"),
        ("Gunta Ozola", 'biedrība "Latgaliešu kultūras biedrība"'),
        ("Aivars Bērziņš", "Jēkabpils novada pašvaldība"),
        ("Linda Siliņa", 'nodibinājums "Teiču Dabas Fonds"'),
    ],
}
ONLINE_MEETING_LINK = "https://meet.example.lv/memorands"


def _online_meeting(session: Session, day: date, status: EventStatus) -> Event | None:
    slug = f"piemers-tiessaistes-tiksanas-{day.isoformat()}"
    if session.scalar(select(Event.id).where(Event.slug == slug)) is not None:
        return None
    event = Event(
        slug=slug, kind=EventKind.ONLINE_MEETING, status=status, is_demo=True,
        title_lv=f"PIEMĒRS: Tiešsaistes tikšanās ar memoranda parakstītājām organizācijām, {long_date(day, 'lv')}",
        title_en=f"EXAMPLE: Online meeting with the memorandum's signatory organisations, {long_date(day, 'en')}",
        description_lv="Izdomāts piemērs: ikmēneša tiešsaistes tikšanās nedēļā pēc padomes sēdes.",
        description_en="A made-up example: the monthly online meeting in the week after the council session.",
        starts_at=riga_datetime_from_local(day, time(10)), ends_at=riga_datetime_from_local(day, time(11, 30)),
        remote_allowed=True, remote_link=ONLINE_MEETING_LINK,
    )
    session.add(event)
    return event


def _seed_online_meetings(session: Session, now: datetime) -> list[str]:
    added = []
    for day, people in ONLINE_MEETING_PEOPLE.items():
        event = _online_meeting(session, day, EventStatus.PUBLISHED)
        if event is None:
            continue
        session.flush()
        for n, (name, organisation_name) in enumerate(people, start=1):
            organisation = organisations.find_organisation(session, organisation_name)
            registration = new_registration(event, RegistrationData(
                full_name=name, email=f"tiessaiste{n}-{day:%m}@example.lv",
                sector=organisation.sector, attendance_mode=AttendanceMode.REMOTE, track_ids={}, consent_data=True,
            ), event.starts_at - timedelta(days=5), organisation_id=organisation.id)
            seat_allocation.admit(registration)
            session.add(registration)
            if now >= event.starts_at:
                session.add(RemoteJoin(registration=registration, track_id=None, how=JoinKind.LINK,
                                       joined_at=event.starts_at + timedelta(minutes=n)))
        added.append(event.slug)
    upcoming = to_riga(now).date() + timedelta(days=14)
    upcoming += timedelta(days=(3 - upcoming.weekday()) % 7)  # a Thursday
    if not session.scalar(select(Event.id).where(Event.kind == EventKind.ONLINE_MEETING, Event.is_demo,
                                                 Event.starts_at > now).limit(1)):
        event = _online_meeting(session, upcoming, EventStatus.PUBLISHED)
        if event is not None:
            added.append(event.slug)
    session.flush()
    return added
