"""The organisers' view of an event's registrations: the rows, their counts, and the export."""
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, literal, select
from sqlalchemy.orm import Session, joinedload, object_session

from ...languages import in_language
from ...models import (
    AttendanceMode,
    CheckIn,
    Event,
    Organisation,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
    Sector,
    Slot,
    Track,
    TrackChoice,
)
from ..documents import spreadsheets
from . import registration_state, seat_allocation
from .answers import ANSWERED, UNANSWERED, AnswerValue, answer_text, answers_by_registration, filter_by_answer
from .questions import event_questions
from .seat_counts import seats_left, taken_seats_by_track

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED,
)
_ID = re.compile(r"[0-9]{1,9}")
# A filter on the answer to a question: `a<question id>=<value>` in the address.
_ANSWER_ARG = re.compile(r"a([0-9]{1,9})")
# A search: at most this many characters, and this many words (each must match).
MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 6
CHECKIN_VALUES = ("yes", "no")

# The letters a search takes as plain ones, in both cases: Latvian first, then those of the
# neighbours' names met in registrations. 'berzina' finds 'Bērziņa'.
_PLAIN = dict(zip("āčēģīķļņšūžąęėįųõäöüéō", "acegiklnsuzaeeiuoaoueo", strict=True))
_FOLD_TABLE = {ord(letter): plain for letter, plain in _PLAIN.items()} | {
    ord(letter.upper()): plain for letter, plain in _PLAIN.items()
}
_VARIANTS: dict[str, str] = {}
for _letter, _plain in _PLAIN.items():
    _VARIANTS[_plain] = _VARIANTS.get(_plain, "") + _letter + _letter.upper()



def enum_labels() -> dict:
    """The words of the sectors and ways of attending, worded once for a page or an export rather than on each row."""
    return {member: member.label for kind in (Sector, AttendanceMode) for member in kind}

def _enum_value(enum_class, value):
    """The member whose value is exactly `value`, or None for anything else (junk is ignored)."""
    if isinstance(value, str):
        for member in enum_class:
            if member.value == value:
                return member
    return None


@dataclass(frozen=True)
class RegistrationFilters:
    """What the list is narrowed to; every field None means the whole event."""

    track_id: int | None = None
    status: RegistrationStatus | None = None
    sector: Sector | None = None
    mode: AttendanceMode | None = None
    q: str | None = None  # words searched for in name, email and organisation
    checkin: str | None = None  # "yes": checked in at the door; "no": not (yet)
    # (question, value) pairs: the person's answer to the question is the value (`filter_by_answer`).
    answers: tuple[tuple[Question, str], ...] = ()

    @classmethod
    def from_args(
        cls, args: Mapping, event: Event, questions: list[Question] | None = None
    ) -> "RegistrationFilters":
        """The filters of a query string (`track`, `status`, `sector`, `mode`, `q`, `checkin`, and
        `a<question id>` for an answer).

        Only known values are taken: a value that is unknown, malformed or of another event
        is ignored, so nothing typed in the address ever reaches a query. A search is cut to
        `MAX_QUERY_LENGTH` characters and its spaces tidied; an empty one is no search.
        `questions`: the event's questions (archived ones too), when the caller holds them;
        otherwise they are read only if the address filters on an answer.
        """
        track = args.get("track")
        track_id = int(track) if isinstance(track, str) and _ID.fullmatch(track) else None
        checkin = args.get("checkin")
        return cls(
            track_id=track_id if track_id in {t.id for t in event.tracks} else None,
            status=_enum_value(RegistrationStatus, args.get("status")),
            sector=_enum_value(Sector, args.get("sector")),
            mode=_enum_value(AttendanceMode, args.get("mode")),
            q=_clean_query(args.get("q")),
            checkin=checkin if checkin in CHECKIN_VALUES else None,
            answers=_answer_filters(args, event, questions),
        )

    def as_args(self) -> dict[str, str]:
        """The query string that gives these filters back (for links and redirects)."""
        args = {
            "q": self.q, "track": self.track_id, "status": self.status, "sector": self.sector,
            "mode": self.mode, "checkin": self.checkin,
        }
        return {
            name: str(value.value if hasattr(value, "value") else value)
            for name, value in args.items() if value is not None
        } | {answer_arg(question): value for question, value in self.answers}

    def answer_value(self, question: Question) -> str | None:
        """The value the list is narrowed to for the answer to `question`, or None."""
        return next((value for asked, value in self.answers if asked.id == question.id), None)

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def answer_arg(question: Question) -> str:
    """The name in the address of the filter on the answer to `question`."""
    return f"a{question.id}"


def answer_filter_values(question: Question) -> set[str]:
    """The values the filter on `question` takes (those of `answers.filter_choices`)."""
    if question.kind is QuestionKind.YES_NO:
        values = {"yes", "no"}
    elif question.kind.has_options:
        values = {str(option.id) for option in question.options}
    else:
        values = {ANSWERED}
    return values | {UNANSWERED}


def _answer_filters(args: Mapping, event: Event, questions: list[Question] | None) -> tuple[tuple[Question, str], ...]:
    """(question, value) of each `a<id>` in `args` naming a question of the event and a value it takes."""
    asked = {int(match.group(1)) for key in args if isinstance(key, str) and (match := _ANSWER_ARG.fullmatch(key))}
    if not asked:
        return ()
    if questions is None:
        session = object_session(event)
        questions = event_questions(session, event, archived=True) if session is not None else []
    found = []
    for question in questions:
        value = args.get(answer_arg(question)) if question.id in asked and question.event_id == event.id else None
        if isinstance(value, str) and value in answer_filter_values(question):
            found.append((question, value))
    return tuple(found)


def _clean_query(value) -> str | None:
    """A search as typed, cut to size, with its runs of spaces made one; None when empty."""
    if not isinstance(value, str):
        return None
    cleaned = " ".join("".join(ch for ch in value[:MAX_QUERY_LENGTH] if ch.isprintable()).split())
    return cleaned or None


def fold_search(text: str) -> str:
    """`text` as the search compares it: lower case, its Latvian (and neighbouring) letters plain.

    'Bērziņa' -> 'berzina'.
    """
    return text.translate(_FOLD_TABLE).lower()


def word_pattern(word: str) -> str:
    """A regular expression finding a folded `word` in unfolded text: each letter in both cases
    and with its diacritic forms ('be' -> '[bB][eEēĒęĘėĖéÉ]'), everything else literal.

    Written in what Python's `re` (SQLite's REGEXP, as SQLAlchemy provides it) and PostgreSQL's
    `~` read alike: bracket lists of letters and backslash before any other character, and no
    reliance on either database's idea of case. So both find the same rows.
    """
    parts = []
    for char in word:
        if char.isalnum():
            upper = char.upper()
            letters = char + (upper if len(upper) == 1 and upper != char else "") + _VARIANTS.get(char, "")
            parts.append(f"[{letters}]" if len(letters) > 1 else letters)
        else:
            parts.append("\\" + char)
    return "".join(parts)


def _searched_text():
    """Name, email and organisation (the directory's name, or as typed) of a registration."""
    directory_name = (
        select(Organisation.name).where(Organisation.id == Registration.organisation_id).scalar_subquery()
    )
    return (
        Registration.full_name + literal(" ") + Registration.email + literal(" ")
        + func.coalesce(directory_name, Registration.organisation_name, literal(""))
    )


def _arrived():
    """The registration has a check-in at the door that was not undone."""
    return exists().where(
        CheckIn.registration_id == Registration.id, CheckIn.track_id.is_(None), CheckIn.undone_at.is_(None)
    )


def registrations_query(event: Event, filters: RegistrationFilters) -> Select:
    """The event's registrations narrowed by every one of `filters`, oldest first.

    A Select of Registration, for the list, its export, and messages to a filtered set of
    people. The search matches when every word of `filters.q` is found in the person's name,
    email or organisation, with case and Latvian diacritics ignored, alike on SQLite and
    PostgreSQL. `checkin` counts check-ins at the door that were not undone.
    """
    query = select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    if filters.status is not None:
        query = query.where(Registration.status == filters.status)
    if filters.sector is not None:
        query = query.where(Registration.sector == filters.sector)
    if filters.mode is not None:
        query = query.where(Registration.attendance_mode == filters.mode)
    if filters.track_id is not None:
        query = query.where(Registration.choices.any(TrackChoice.track_id == filters.track_id))
    if filters.checkin == "yes":
        query = query.where(_arrived())
    elif filters.checkin == "no":
        query = query.where(~_arrived())
    if filters.q:
        words = fold_search(filters.q).split()[:MAX_QUERY_WORDS]
        if words:
            searched = _searched_text()
            for word in words:
                query = query.where(searched.regexp_match(word_pattern(word)))
    for question, value in filters.answers:
        query = filter_by_answer(query, question, value)
    return query


@dataclass(frozen=True)
class ChoiceRow:
    """A person's track in one time block, as the list shows it."""

    track: Track
    status: RegistrationStatus
    position: int | None  # on the track's waiting list; None when not waiting


@dataclass(frozen=True)
class RegistrationRow:
    """One person in the organisers' list and export."""

    id: int
    full_name: str
    email: str
    organisation: str
    sector: Sector
    mode: AttendanceMode
    status: RegistrationStatus
    position: int | None  # on the event's waiting list; None when not waiting
    state: registration_state.StateSummary
    choices: dict[int, ChoiceRow]  # slot id -> the track chosen in it
    access_needs: str
    dietary_needs: str
    consent_photos: bool
    registered_at: datetime
    anonymised: bool
    arrived_at: datetime | None = None  # the first check-in at the door, not undone
    answers: Mapping[int, AnswerValue] = field(default_factory=dict)  # question id -> the person's answer


def arrival_times(session: Session, event: Event, people=None) -> dict[int, datetime]:
    """Registration id -> when the person was first checked in at the door (undone ones apart),
    for everyone of the event, or for the registrations of the ids `people` (the event's own)."""
    query = (
        select(CheckIn.registration_id, CheckIn.scanned_at)
        .where(CheckIn.track_id.is_(None), CheckIn.undone_at.is_(None))
        .order_by(CheckIn.scanned_at, CheckIn.id)
    )
    if people is None:
        query = query.join(Registration, Registration.id == CheckIn.registration_id).where(Registration.event_id == event.id)
    else:
        query = query.where(CheckIn.registration_id.in_(people))
    first: dict[int, datetime] = {}
    for registration_id, scanned_at in session.execute(query):
        first.setdefault(registration_id, scanned_at)
    return first


def registration_rows(
    session: Session, event: Event, filters: RegistrationFilters, *, offset: int = 0, limit: int | None = None,
    questions: list[Question] | None = None,
) -> list[RegistrationRow]:
    """The event's registrations, oldest first, narrowed by `filters`, with each chosen track
    (`limit` of them from `offset`, for a page), and with `questions` (any) their answers.

    A fixed number of queries, however many people registered: the choices and the organisation
    are joined to the registrations (loading a collection "in" a list of ids would take one query
    more for every 500 people).
    """
    query = registrations_query(event, filters)
    paged = bool(offset) or limit is not None
    if paged:
        query = query.offset(offset).limit(limit)
    registrations = session.scalars(
        query.options(joinedload(Registration.choices), joinedload(Registration.organisation))
    ).unique().all()
    # A page reads the answers of its own rows, the whole list those of the event; the arrivals
    # are read for the rows unless they are the whole event.
    ids = [registration.id for registration in registrations]
    answers = answers_by_registration(session, event, ids if paged else None) if questions else {}
    arrivals = arrival_times(session, event, ids if paged or filters.active else None)
    queues = seat_allocation.queue_positions(session, event)
    event_queue, track_queue = queues.event, queues.tracks
    tracks = {track.id: track for track in event.tracks}
    return [
        RegistrationRow(
            id=registration.id,
            full_name=registration.full_name,
            email=registration.email,
            organisation=registration.organisation_display,
            sector=registration.sector,
            mode=registration.attendance_mode,
            status=registration.status,
            position=event_queue.get(registration.id),
            state=registration_state.state_summary(registration, event_queue.get(registration.id), track_queue),
            choices={
                choice.slot_id: ChoiceRow(tracks[choice.track_id], choice.status, track_queue.get(choice.id))
                for choice in registration.choices
            },
            access_needs=registration.access_needs,
            dietary_needs=registration.dietary_needs,
            consent_photos=registration.consent_photos,
            registered_at=registration.created_at,
            anonymised=registration.anonymised_at is not None,
            arrived_at=arrivals.get(registration.id),
            answers=answers.get(registration.id, {}),
        )
        for registration in registrations
    ]


PAGE_SIZE = 50


def page_number(value) -> int:
    """The page asked for in the address: a whole number from 1, anything else is page 1."""
    if isinstance(value, str) and _ID.fullmatch(value.strip()) and int(value) > 0:
        return int(value)
    return 1


@dataclass(frozen=True)
class Page:
    """One page of the list: its rows, where they lie among all that match, and the pages around."""

    rows: list[RegistrationRow]
    number: int  # from 1
    pages: int  # at least 1, even when nothing matches
    total: int  # rows matching the filters, on all pages
    size: int

    @property
    def first(self) -> int:
        """The position of the page's first row among all (from 1; 0 when there is none)."""
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None

    def numbers(self, around: int = 2) -> list[int | None]:
        """The page numbers to link to: the first, the last, and `around` either side of this one;
        None where numbers are left out."""
        shown = sorted({1, self.pages, *range(max(1, self.number - around), min(self.pages, self.number + around) + 1)})
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def registration_page(
    session: Session, event: Event, filters: RegistrationFilters, number: int, size: int = PAGE_SIZE,
    questions: list[Question] | None = None,
) -> Page:
    """Page `number` of the rows matching `filters`, with their answers to `questions` (one query
    for the page's rows); a number past the end gives the last page."""
    total = session.scalar(
        select(func.count()).select_from(registrations_query(event, filters).order_by(None).subquery())
    ) or 0
    pages = max(1, math.ceil(total / size))
    number = min(max(number, 1), pages)
    rows = registration_rows(session, event, filters, offset=(number - 1) * size, limit=size, questions=questions)
    return Page(rows, number, pages, total, size)


@dataclass(frozen=True)
class TrackCounts:
    slot: Slot
    track: Track
    in_person: int
    remote: int
    waiting: int
    seats_left: int | None  # None: no limit


@dataclass(frozen=True)
class EventTotals:
    registered: int  # active: in person, remote and waiting
    in_person: int
    remote: int
    waiting: int
    cancelled: int
    seats_left: int | None  # None: no limit


@dataclass(frozen=True)
class RegistrationSummary:
    tracks: list[TrackCounts]
    totals: EventTotals


def registration_summary(session: Session, event: Event) -> RegistrationSummary:
    """Counts above the list: per track, and for the whole event (cancelled ones apart)."""
    taken = taken_seats_by_track(session, event)
    remote: Counter = Counter()
    waiting: Counter = Counter()
    for track_id, mode, status, count in session.execute(
        select(TrackChoice.track_id, Registration.attendance_mode, TrackChoice.status, func.count())
        .join(Registration, Registration.id == TrackChoice.registration_id)
        .where(Registration.event_id == event.id, Registration.status != CANCELLED)
        .group_by(TrackChoice.track_id, Registration.attendance_mode, TrackChoice.status)
    ):
        if status is WAITLISTED:
            waiting[track_id] += count
        elif status is CONFIRMED and mode is AttendanceMode.REMOTE:
            remote[track_id] += count
    tracks = [
        TrackCounts(
            slot=slot, track=track, in_person=taken[track.id], remote=remote[track.id],
            waiting=waiting[track.id], seats_left=seats_left(track.capacity, taken[track.id]),
        )
        for slot in event.slots for track in slot.tracks
    ]

    people: Counter = Counter()
    for status, mode, count in session.execute(
        select(Registration.status, Registration.attendance_mode, func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status, Registration.attendance_mode)
    ):
        people[status, mode] += count
    in_person = people[CONFIRMED, AttendanceMode.IN_PERSON]
    remote_people = people[CONFIRMED, AttendanceMode.REMOTE]
    waiting_people = sum(count for (status, _), count in people.items() if status is WAITLISTED)
    totals = EventTotals(
        registered=in_person + remote_people + waiting_people,
        in_person=in_person,
        remote=remote_people,
        waiting=waiting_people,
        cancelled=sum(count for (status, _), count in people.items() if status is CANCELLED),
        seats_left=seats_left(event.capacity, in_person),
    )
    return RegistrationSummary(tracks, totals)


def registrations_table(
    rows: list[RegistrationRow], event: Event, locale: str = "lv", columns: list[tuple[Question, str]] = (),
) -> spreadsheets.Table:
    """The rows as the export's table, in `locale`: the list's columns and words, one column per
    time block with tracks, the moment of registering as a date, and one column per question of
    `columns` ((question, header) as `answers.question_columns` gives them, archived ones too).

    The words the rows share (sectors, states, track titles, answers) are worded once each."""
    slots = [slot for slot in event.slots if slot.tracks]
    with in_language(locale):
        header = [
            _("Name"), _("Email"), _("Organisation"), _("Sector"), _("Attendance"), _("Status"),
            *(slot.local("title", locale) for slot in slots),
            _("Accessibility needs"), _("Dietary needs"), _("Consent to photos"), _("Registered at"),
            _("Checked in"),
            *(title for _question, title in columns),
        ]
        labels = enum_labels()
        yes_no = {True: _("Yes"), False: _("No")}
        titles = {track.id: track.local("title", locale) for track in event.tracks}
        seat_words = {CANCELLED: _("cancelled"), WAITLISTED: _("waiting list"), "remote": _("remote"), "seat": _("seat")}
        states: dict = {}  # (state, remote) -> its word
        answers: dict = {}  # (question id, answer) -> its text

        def status(row: RegistrationRow) -> str:
            """The person's state in one word, as the list shows it, with what they wait for."""
            state = row.state
            word = states.get((state.state, state.remote))
            if word is None:
                word = states[state.state, state.remote] = state.word
            return f"{word}. {state.waits_text(locale)}" if state.waits else word

        def choice_text(choice: ChoiceRow | None, row: RegistrationRow) -> str:
            """The track, and what the person has in it, as the list shows it."""
            if choice is None:
                return ""
            if choice.status is WAITLISTED and choice.position:
                held = _("waiting list, number %(n)d", n=choice.position)
            elif choice.status is CANCELLED or choice.status is WAITLISTED:
                held = seat_words[choice.status]
            else:
                held = seat_words["remote" if row.mode is AttendanceMode.REMOTE else "seat"]
            return f"{titles[choice.track.id]} ({held})"

        def answer(question: Question, row: RegistrationRow) -> str:
            value = row.answers.get(question.id)
            if value is None:
                return ""
            key = (question.id, value)
            if key not in answers:
                answers[key] = answer_text(question, value, locale)
            return answers[key]

        cells = [
            [
                row.full_name, row.email, row.organisation, labels[row.sector], labels[row.mode], status(row),
                *(choice_text(row.choices.get(slot.id), row) for slot in slots),
                row.access_needs, row.dietary_needs, yes_no[bool(row.consent_photos)],
                row.registered_at, row.arrived_at,
                *(answer(question, row) for question, _header in columns),
            ]
            for row in rows
        ]
        return spreadsheets.Table(_("Registrations"), header, cells)
