"""The organisers' registrations list: search, check-in filter, paging, and actions on selected rows."""
import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from eventapp.models import (
    AttendanceMode,
    AuditEntry,
    CheckIn,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Sector,
    Track,
    TrackChoice,
    utcnow,
)

from ..factories import create_event, create_organisation, create_registration
from ..helpers import csrf_token

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED,
)
LIST = "/admin/events/jekabpils/registrations"
BULK = LIST + "/bulk"


@pytest.fixture
def setup(make):
    """Two tracks of one seat in one time block: Anna and Pēteris seated, Jānis waiting for track 1;
    Līga remote; Anna checked in at the door. Another event with its own person."""

    def build(s):
        co_host = create_organisation(s, name='biedrība "Vidusdaugavas NVO centrs"')
        alliance = create_organisation(s, name="Latvijas Pilsoniskā alianse")
        event = create_event(s, tracks=2, track_capacity=1, remote_allowed=True, slug="jekabpils")
        event.co_hosts = [co_host]
        first, second = event.tracks
        anna = create_registration(s, event, full_name="Anna Bērziņa", email="anna@example.lv",
                                   organisation_name=alliance.name)
        janis = create_registration(s, event, full_name="Jānis Ozoliņš", email="janis@example.lv")
        peteris = create_registration(
            s, event, full_name="Pēteris Zariņš", email="peteris@example.lv", sector=Sector.STATE_ADMINISTRATION,
            organisation_name="Valsts kanceleja", track_ids={first.slot_id: second.id})
        liga = create_registration(s, event, full_name="Līga Kalniņa", email="liga@example.lv",
                                   attendance_mode=AttendanceMode.REMOTE)
        s.add(CheckIn(registration=anna, scan_id="door-anna", scanned_at=utcnow()))
        s.add(CheckIn(registration=janis, scan_id="door-janis", scanned_at=utcnow(), undone_at=utcnow()))
        other = create_event(s, tracks=1, slug="liepaja")
        stranger = create_registration(s, other, full_name="Svešais Cilvēks", email="svesais@example.lv")
        return {"co_host": co_host.id, "first": first.id, "second": second.id, "anna": anna.id, "janis": janis.id,
                "peteris": peteris.id, "liga": liga.id, "stranger": stranger.id}

    return make.run(build)


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def names(page: str) -> list[str]:
    return re.findall(r'<td class="reg-person"[^>]*><strong>(.*?)</strong>', page)


def flashes(page: str) -> list[str]:
    return re.findall(r'class="flash flash-\w+"[^>]*>(.*?)</p>', page, re.S)


def status_of(make, registration_id: int) -> RegistrationStatus:
    return make.run(lambda s: s.get(Registration, registration_id).status)


def bulk(client, action: str, ids, query: str = "", token: str | None = None):
    token = token or csrf_token(client, LIST)
    return client.post(f"{BULK}{query}", data={"csrf_token": token, "action": action, "ids": [str(i) for i in ids]})


@pytest.mark.parametrize(("q", "expected"), [
    ("berzina", ["Anna Bērziņa"]),
    ("LATVIJAS PILSONISKA", ["Anna Bērziņa"]),
    ("ZARINS kanceleja", ["Pēteris Zariņš"]),
    ("liga@", ["Līga Kalniņa"]),
    ("nobody", []),
])
def test_search_ignores_case_and_latvian_letters(client, login, setup, q, expected):
    login("organiser")
    page = html(client.get(LIST, query_string={"q": q}))
    assert names(page) == expected
    assert f'value="{q}"' in page  # the search stays in its box
    if not expected:
        assert "Atlasei neatbilst neviena reģistrācija." in page


def test_checkin_filter_and_column(client, login, setup):
    login("organiser")
    assert names(html(client.get(LIST + "?checkin=yes"))) == ["Anna Bērziņa"]
    page = html(client.get(LIST + "?checkin=no"))
    assert names(page) == ["Jānis Ozoliņš", "Pēteris Zariņš", "Līga Kalniņa"]  # Jānis's check-in was undone
    cells = re.findall(r'data-testid="checkin">(.*?)</td>', html(client.get(LIST)), re.S)
    assert "✓" in cells[0] and re.search(r"\d\d:\d\d", cells[0])
    assert "✓" not in cells[1] and "—" in cells[1]
    assert "Attālināti" in cells[3] or "attālināti" in cells[3].lower()


def test_export_follows_search_and_checkin_with_a_checkin_column(client, login, setup):
    login("organiser")
    response = client.get(LIST + ".csv?q=berzina&checkin=yes&page=7")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][-1] == "Ierašanās atzīmēta"
    assert [row[0] for row in rows[1:]] == ["Anna Bērziņa"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[1][-1])
    rows = list(csv.reader(io.StringIO(client.get(LIST + ".csv?checkin=no").data.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Jānis Ozoliņš", "Pēteris Zariņš", "Līga Kalniņa"]
    assert rows[1][-1] == ""


@pytest.fixture
def crowd(make):
    """120 people at an event without tracks."""

    def build(s):
        event = create_event(s, slug="jekabpils", remote_allowed=True)
        for n in range(1, 121):
            create_registration(s, event, full_name=f"Dalībnieks {n:03d}", email=f"d{n}@example.lv")
        return event.slug

    return make.run(build)


def showing(page: str) -> str:
    return re.search(r'data-testid="showing"[^>]*>(.*?)</p>', page).group(1)


def test_paging_shows_fifty_at_a_time(client, login, crowd):
    login("organiser")
    first = html(client.get(LIST))
    assert showing(first) == "Rāda 1–50 no 120"
    assert names(first)[0] == "Dalībnieks 001" and len(names(first)) == 50
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = html(client.get(LIST + "?page=2"))
    assert showing(second) == "Rāda 51–100 no 120"
    assert names(second)[0] == "Dalībnieks 051"
    assert 'aria-current="page"><span class="visually-hidden">Lapa </span>2<' in second
    last = html(client.get(LIST + "?page=3"))
    assert showing(last) == "Rāda 101–120 no 120" and len(names(last)) == 20
    assert 'rel="next"' not in last
    # Filters stay in the page links.
    filtered = html(client.get(LIST + "?q=dalibnieks&status=confirmed"))
    assert "page=2" in filtered
    link = re.search(r'href="([^"]*page=2[^"]*)"', filtered).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {"q": ["dalibnieks"], "status": ["confirmed"], "page": ["2"]}


@pytest.mark.parametrize(("page", "expected"), [
    ("99", "Rāda 101–120 no 120"),  # past the end: the last page
    ("0", "Rāda 1–50 no 120"), ("-3", "Rāda 1–50 no 120"), ("abc", "Rāda 1–50 no 120"),
    ("9" * 40, "Rāda 1–50 no 120"), ("2.5", "Rāda 1–50 no 120"),
])
def test_odd_pages_never_fail(client, login, crowd, page, expected):
    login("organiser")
    assert showing(html(client.get(LIST, query_string={"page": page}))) == expected


@pytest.mark.parametrize("query", [
    "?q=%01%ff%1b", "?q=" + "x" * 3000, "?checkin=maybe", "?checkin=yes&checkin=no", "?track=999999999999",
    "?status=everything&sector=%27;--", "?q=%5B(*.%5C&mode=remote", "?q=%E2%80%AE%F0%9F%98%80",
])
def test_junk_in_the_address_is_ignored(client, login, setup, query):
    login("organiser")
    html(client.get(LIST + query))
    assert client.get(LIST + ".csv" + query).status_code == 200


def test_bulk_cancel_cancels_exactly_those_and_seats_the_next_waiting(client, login, make, setup):
    login("organiser")
    query = "?q=a&status=confirmed&page=1"
    response = bulk(client, "cancel", [setup["anna"], setup["liga"]], query)
    assert response.status_code == 302
    back = urlsplit(response.location)
    assert back.path == LIST and parse_qs(back.query) == {"q": ["a"], "status": ["confirmed"]}
    assert status_of(make, setup["anna"]) is CANCELLED and status_of(make, setup["liga"]) is CANCELLED
    assert status_of(make, setup["peteris"]) is CONFIRMED
    # Jānis waited for Anna's seat in track 1: it is his now, and he is told.
    assert make.run(lambda s: s.scalar(select(TrackChoice.status).where(TrackChoice.registration_id == setup["janis"]))) \
        is CONFIRMED
    kinds = make.run(lambda s: sorted(s.scalars(select(OutboxMessage.kind).where(
        OutboxMessage.registration_id.in_([setup["anna"], setup["liga"], setup["janis"]])))))
    assert kinds.count("cancelled") == 2 and kinds.count("promoted") == 1
    page = html(client.get(response.location))
    assert any("Atceltas 2 reģistrācijas" in text for text in flashes(page))
    assert make.run(lambda s: s.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "registration.cancel"))) == 2


def test_a_second_bulk_cancel_changes_nothing_more(client, login, make, setup):
    login("organiser")
    token = csrf_token(client, LIST)
    bulk(client, "cancel", [setup["anna"]], token=token)
    mails = make.run(lambda s: s.scalar(select(func.count()).select_from(OutboxMessage)))
    response = bulk(client, "cancel", [setup["anna"]], token=token)
    assert response.status_code == 302
    assert make.run(lambda s: s.scalar(select(func.count()).select_from(OutboxMessage))) == mails
    assert status_of(make, setup["janis"]) is CONFIRMED
    text = " ".join(flashes(html(client.get(response.location))))
    assert "Anna Bērziņa: jau atcelta" in text


def test_bulk_with_a_registration_of_another_event_changes_nothing(client, login, make, setup):
    login("organiser")
    for ids in ([setup["anna"], setup["stranger"]], [setup["anna"], "abc"], [setup["anna"], 10**8]):
        response = bulk(client, "cancel", ids)
        assert response.status_code == 400
    assert status_of(make, setup["anna"]) is CONFIRMED
    assert status_of(make, setup["stranger"]) is CONFIRMED


def test_bulk_refuses_an_action_not_offered_and_asks_when_nothing_is_chosen(client, login, make, setup):
    login("organiser")
    assert bulk(client, "delete", [setup["anna"]]).status_code == 400
    assert bulk(client, "move-999999", [setup["anna"]]).status_code == 400
    response = bulk(client, "cancel", [])
    assert response.status_code == 302
    response = bulk(client, "", [setup["anna"]])
    assert response.status_code == 302
    assert status_of(make, setup["anna"]) is CONFIRMED
    assert client.post(BULK, data={"action": "cancel", "ids": [str(setup["anna"])]}).status_code == 400  # no CSRF


def test_bulk_resend_queues_one_message_each_once(client, login, make, setup):
    login("organiser")
    ids = [setup["anna"], setup["peteris"], setup["liga"]]
    response = bulk(client, "resend", ids, "?checkin=no")
    assert parse_qs(urlsplit(response.location).query) == {"checkin": ["no"]}
    sent = make.run(lambda s: s.execute(select(OutboxMessage.registration_id, OutboxMessage.to_address, OutboxMessage.body_text)
                                        .where(OutboxMessage.kind == "link_resent")).all())
    assert sorted(row[0] for row in sent) == sorted(ids)
    secrets = make.run(lambda s: {r.id: r.secret for r in s.scalars(select(Registration))})
    for registration_id, _address, body in sent:
        assert f"/r/{secrets[registration_id]}" in body
    bulk(client, "resend", ids)  # sent twice: no more mail
    assert make.run(lambda s: s.scalar(select(func.count()).select_from(OutboxMessage)
                                       .where(OutboxMessage.kind == "link_resent"))) == 3
    assert make.run(lambda s: s.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "registration.resend_link"))) == 3


def test_bulk_move_moves_those_it_can(client, login, make, setup):
    """Track 2 has one seat, held by Pēteris: Anna cannot take it; Līga (remote) can; Pēteris is there."""
    login("organiser")
    response = bulk(client, f"move-{setup['second']}", [setup["anna"], setup["liga"], setup["peteris"]])
    assert response.status_code == 302
    track = make.run(lambda s: dict(s.execute(select(TrackChoice.registration_id, TrackChoice.track_id)).all()))
    assert track[setup["liga"]] == setup["second"]
    assert track[setup["anna"]] == setup["first"]
    text = " ".join(flashes(html(client.get(response.location))))
    assert "Pārcelts 1 cilvēks." in text and "Pēteris Zariņš: jau ir šajā darba grupā" in text
    assert "Anna Bērziņa:" in text


def test_row_resend_sends_the_link_and_goes_back_to_the_same_page(client, login, make, setup):
    login("organiser")
    token = csrf_token(client, LIST)
    response = client.post(f"{LIST}/{setup['anna']}/resend?q=anna&page=x", data={"csrf_token": token})
    assert response.status_code == 302 and parse_qs(urlsplit(response.location).query) == {"q": ["anna"]}
    assert make.run(lambda s: s.scalar(select(func.count()).select_from(OutboxMessage)
                                       .where(OutboxMessage.kind == "link_resent"))) == 1
    assert client.post(f"{LIST}/{setup['stranger']}/resend", data={"csrf_token": token}).status_code == 404


def test_the_list_has_labelled_boxes_and_one_menu_per_row(client, login, setup):
    login("organiser")
    page = html(client.get(LIST))
    assert f'<label for="select-{setup["anna"]}" class="visually-hidden">Atlasīt: Anna Bērziņa</label>' in page
    assert page.count('name="ids"') == 4 and page.count('form="bulk"') == 4
    assert page.count('<details class="menu">') == 4
    assert 'id="bulk"' in page and 'data-confirm=' in page
    assert "style=" not in page and "onclick" not in page


def test_co_hosting_partner_sees_the_list_but_no_actions(client, login, make, setup):
    login("partner", organisation_id=setup["co_host"])
    page = html(client.get(LIST + "?q=berzina"))
    assert names(page) == ["Anna Bērziņa"]
    assert 'name="ids"' not in page and 'id="bulk"' not in page and "<details" not in page
    token = csrf_token(client, LIST)
    assert client.post(BULK, data={"csrf_token": token, "action": "cancel", "ids": [str(setup["anna"])]}).status_code == 403
    assert client.post(f"{LIST}/{setup['anna']}/resend", data={"csrf_token": token}).status_code == 403
    assert status_of(make, setup["anna"]) is CONFIRMED


def test_tracks_of_two_time_blocks_share_one_cell_and_one_menu(client, login, make):
    """Four tracks in two time blocks: one line per block in the tracks cell, a move form per block in the menu."""
    from ..unit.test_query_counts import more_time_blocks

    def build(s):
        event = create_event(s, tracks=2, slug="jekabpils")
        more_time_blocks(s, event, 2)
        return create_registration(s, event, full_name="Anna Bērziņa").id

    anna = make.run(build)
    login("organiser")
    page = html(client.get(LIST))
    row = re.search(rf'<tr data-registration="{anna}">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td[ >]", row)
    assert len(cells) == 7  # box, person, organisation, status, tracks, check-in, actions
    tracks = re.search(r'<ul class="reg-tracks">(.*?)</ul>', row, re.S).group(1)
    assert tracks.count("<li>") == 2 and "Darba grupa 1" in tracks and "Grupa 1" in tracks
    assert row.count('class="menu-move"') == 2


def test_bulk_with_too_many_people_goes_back_to_the_list_and_says_so(client, login, make, setup):
    login("organiser")
    response = bulk(client, "cancel", [setup["anna"], *range(10**6, 10**6 + 5000)], "?checkin=no&q=anna")
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.location).query) == {"checkin": ["no"], "q": ["anna"]}
    text = " ".join(flashes(html(client.get(response.location))))
    assert "Choose at most 200 people at a time." in text or "ne vairāk kā 200" in text
    assert status_of(make, setup["anna"]) is CONFIRMED


def test_a_long_summary_names_ten_people_and_counts_the_rest(client, login, make, setup):
    """Fifteen already cancelled, long names: the message (kept in the session cookie) stays short."""
    def build(s):
        event = s.get(Registration, setup["anna"]).event
        people = [create_registration(s, event, full_name=f"Dalībniece {n:02d} " + "Garvārde-" * 12,
                                      attendance_mode=AttendanceMode.REMOTE) for n in range(15)]
        for person in people:
            person.status = CANCELLED
        return [person.id for person in people]
    ids = make.run(build)
    login("organiser")
    response = bulk(client, "cancel", ids)
    text = " ".join(flashes(html(client.get(response.location))))
    assert text.count("Dalībniece") == 10 and "Dalībniece 09" in text and "Dalībniece 10" not in text
    assert "un vēl 5" in text and "Neizdevās 15 cilvēkiem" in text
    assert len(response.headers.get("Set-Cookie", "")) < 4000


def test_resending_to_nobody_says_nothing_was_sent(client, login, make, setup):
    login("organiser")
    bulk(client, "resend", [setup["anna"]])
    response = bulk(client, "resend", [setup["anna"]])  # a few minutes later: not again
    text = " ".join(flashes(html(client.get(response.location))))
    assert "Privātā saite netika nosūtīta nevienam." in text and "0 cilvēkiem" not in text
    assert "Anna Bērziņa:" in text


def test_moving_into_a_full_track_speaks_to_the_organiser(client, login, make, setup):
    login("organiser")
    response = bulk(client, f"move-{setup['second']}", [setup["anna"], setup["janis"], setup["peteris"]])
    text = " ".join(flashes(html(client.get(response.location))))
    assert "Anna Bērziņa: darba grupā nav brīvu vietu, saglabājas līdzšinējā vieta" in text
    assert "jums" not in text and ".;" not in text and ".." not in text
    token = csrf_token(client, LIST)
    response = client.post(f"{LIST}/{setup['anna']}/move",
                           data={"csrf_token": token, "slot_id": make.run(lambda s: s.get(Track, setup["second"]).slot_id),
                                 "track_id": setup["second"]})
    text = " ".join(flashes(html(client.get(response.location))))
    assert "Anna Bērziņa: darba grupā “Darba grupa 2” nav brīvu vietu, saglabājas līdzšinējā vieta." in text
    assert "jums" not in text


def test_cancelling_a_cancelled_registration_says_so(client, login, make, setup):
    login("organiser")
    token = csrf_token(client, LIST)
    first = client.post(f"{LIST}/{setup['anna']}/cancel", data={"csrf_token": token})
    assert "Reģistrācija atcelta;" in " ".join(flashes(html(client.get(first.location))))
    mails = make.run(lambda s: s.scalar(select(func.count()).select_from(OutboxMessage)))
    response = client.post(f"{LIST}/{setup['anna']}/cancel", data={"csrf_token": token})
    assert response.status_code == 302
    text = " ".join(flashes(html(client.get(response.location))))
    assert "Šī reģistrācija jau bija atcelta." in text and "Reģistrācija atcelta;" not in text
    assert make.run(lambda s: s.scalar(select(func.count()).select_from(OutboxMessage))) == mails
