"""The coverage board at a glance: the summary line, compact cards, forms that open on demand."""
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from eventapp.models import AttendanceMode, Event, Sector, utcnow
from eventapp.services.coverage import delegation
from eventapp.services.demo import seed_demo

from ..factories import create_event, create_organisation, create_registration
from ..helpers import csrf_token

START = datetime(2031, 12, 10, 8, 0, tzinfo=timezone.utc)
RELEASE = datetime(2031, 11, 30, 22, 30, tzinfo=timezone.utc)  # already 1 December in Riga
ANSWER_BY = datetime(2031, 11, 20, 15, 0, tzinfo=timezone.utc)  # 17:00 in Riga
JEKABPILS = "2025-09-03-jekabpils-regional-session"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",").replace(" :", ":").strip()


def summary(page: str) -> str:
    return text(re.search(r'data-testid="coverage-summary">(.*?)</p>', page, re.S).group(1))


def cards(page: str) -> dict[str, str]:
    """{track id: the card's HTML}."""
    found = re.findall(r'<section [^>]*id="track-(\d+)" data-testid="coverage-track".*?</section>', page, re.S)
    sections = re.split(r'(?=<section [^>]*data-testid="coverage-track")', page)[1:]
    return dict(zip(found, sections))


def four_tracks(session, request_deadline: datetime | None = None) -> tuple[str, list[int]]:
    """Four tracks with a minimum of 1: four people in person in the first (covered), one remote in the
    second (at risk), nobody in the third and fourth (uncovered); seats held until RELEASE."""
    event = create_event(session, tracks=4, state_admin_minimum=1, remote_allowed=True, starts_at=START,
                         held_seats_release_at=RELEASE)
    first, second, _third, fourth = event.tracks
    for name in ["Anna Ozola", "Baiba Liepa", "Cilda Kalna", "Dārta Egle"]:
        create_registration(session, event, full_name=name, sector=Sector.STATE_ADMINISTRATION,
                            organisation_name="Labklājības ministrija", track_ids={first.slot_id: first.id})
    create_registration(session, event, full_name="Ēriks Remote", sector=Sector.STATE_ADMINISTRATION,
                        organisation_name="Kultūras ministrija", attendance_mode=AttendanceMode.REMOTE,
                        track_ids={second.slot_id: second.id})
    if request_deadline:
        ministry = create_organisation(session, "Tieslietu ministrija", Sector.STATE_ADMINISTRATION)
        delegation.send_request(session, None, fourth, ministry, "kanceleja@tm.gov.lv", "", utcnow(),
                                deadline=request_deadline)
    return event.slug, [track.id for track in event.tracks]


def test_the_summary_counts_the_tracks_and_names_the_seat_release_in_the_dative(client, login, make):
    slug, _tracks = make.run(four_tracks)
    login("organiser")
    page = client.get(f"/admin/events/{slug}/coverage").get_data(as_text=True)
    assert summary(page) == ("4 darba grupas: 1 nodrošināta, 1 apdraudēta, 2 nav nodrošinātas · nākamais termiņš: "
                             "vietas valsts pārvaldei tiek turētas līdz 2031. gada 1. decembrim plkst. 00:30")
    assert "tiek turētas valsts pārvaldei līdz 2031. gada 1. decembrim plkst. 00:30." in page
    assert "termiņš: 2031" not in page  # the old work-around of the grammar


def test_an_earlier_answer_deadline_comes_first_in_both_languages(client, login, make):
    slug, tracks = make.run(lambda s: four_tracks(s, request_deadline=ANSWER_BY))
    login("organiser")
    page = client.get(f"/admin/events/{slug}/coverage").get_data(as_text=True)
    assert summary(page) == ("4 darba grupas: 1 nodrošināta, 2 apdraudētas, 1 nav nodrošināta · nākamais termiņš: "
                             "iestādes atbilde uz deleģēšanas lūgumu līdz 2031. gada 20. novembrim plkst. 17:00")
    assert "gaida atbildi līdz 2031. gada 20. novembrim plkst. 17:00" in text(cards(page)[str(tracks[3])])

    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get(f"/admin/events/{slug}/coverage").get_data(as_text=True)
    assert summary(page) == ("4 tracks: 1 covered, 2 at risk, 1 uncovered · next deadline: an institution's answer "
                             "to a delegation request until 20 November 2031, 17:00")
    assert "held for state administration until 1 December 2031, 00:30." in page


def test_no_deadline_once_the_seats_are_released_and_no_answer_is_awaited(client, login, make):
    def released(session):
        slug, tracks = four_tracks(session)
        session.scalar(select(Event).where(Event.slug == slug)).held_seats_release_at = utcnow()
        return slug

    slug = make.run(released)
    login("organiser")
    page = client.get(f"/admin/events/{slug}/coverage").get_data(as_text=True)
    assert "termiņš" not in summary(page) and 'data-testid="next-deadline"' not in page


def test_four_compact_cards_with_long_lists_collapsed(client, login, make):
    slug, tracks = make.run(four_tracks)
    login("organiser")
    page = client.get(f"/admin/events/{slug}/coverage").get_data(as_text=True)
    board = cards(page)
    assert list(board) == [str(track) for track in tracks]
    assert re.findall(r'data-testid="coverage-track" data-state="(\w+)"', page) == [
        "covered", "at_risk", "uncovered", "uncovered"]
    first = board[str(tracks[0])]
    assert "klātienē 4 no 1 nepieciešamā" in text(first)
    visible, _, more = first.partition('<details class="cov-more">')
    assert all(name in visible for name in ["Anna Ozola", "Baiba Liepa", "Cilda Kalna"])
    assert "Dārta Egle" not in visible and "Dārta Egle" in more and "un vēl 1" in more
    assert "klātienē 0 no 1 nepieciešamā · 1 attālināti" in text(board[str(tracks[1])])
    # The state is a word in a calm tag: no alarm marks.
    assert "✗" not in page and 'cov-tag cov-tag-uncovered"><span aria-hidden="true">○</span> nav nodrošināta' in page


def request_forms(page: str) -> dict[str, bool]:
    """{track id: whether its delegation request form is open}."""
    return {track: 'class="request-form" open' in card for track, card in cards(page).items()
            if 'data-testid="request-form"' in card}


def test_the_request_form_opens_only_on_demand_or_after_an_error(client, login, make):
    slug, tracks = make.run(four_tracks)
    login("organiser")
    board_url = f"/admin/events/{slug}/coverage"
    page = client.get(board_url).get_data(as_text=True)
    assert request_forms(page) == {str(tracks[1]): False, str(tracks[2]): False, str(tracks[3]): False}
    assert "<summary>Lūgt iestādei deleģēt ekspertu</summary>" in page and "Nosūtīt lūgumu" in page

    ministry = make.organisation(name="Tieslietu ministrija", sector=Sector.STATE_ADMINISTRATION)
    third = tracks[2]
    response = client.post(f"/admin/events/{slug}/tracks/{third}/delegation-requests", data={
        f"t{third}-csrf_token": csrf_token(client, board_url), f"t{third}-organisation_id": ministry,
        f"t{third}-contact_email": "nav e-pasts", f"t{third}-message": "",
    })
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert request_forms(page) == {str(tracks[1]): False, str(third): True, str(tracks[3]): False}
    assert 'class="error"' in cards(page)[str(third)]


@pytest.fixture
def demo(make):
    make.run(lambda s: seed_demo(s, utcnow()))


def test_after_the_event_the_summary_counts_check_ins(client, login, demo):
    login("organiser")
    page = client.get(f"/admin/events/{JEKABPILS}/coverage").get_data(as_text=True)
    # The minorities track: the Culture Ministry's expert joined remotely (the demo records her join).
    assert summary(page) == ("4 darba grupas: 2 nodrošinātas, 1 attālināti, 1 nav nodrošināta "
                             "(pēc ierašanās un attālinātās pievienošanās atzīmēm)")
    assert "ieradās 1 · pievienojās attālināti 0 no 1 nepieciešamā" in page
    assert "ieradās 0 · pievienojās attālināti 1 no 1 nepieciešamā" in page
    assert "ieradās 0 · pievienojās attālināti 0 no 1 nepieciešamā" in page
    assert 'data-testid="request-form"' not in page


def test_after_an_event_without_check_ins_the_summary_says_so(client, login, make):
    slug = make.run(lambda s: create_event(s, tracks=2, state_admin_minimum=1,
                                           starts_at=datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc)).slug)
    login("organiser")
    page = client.get(f"/admin/events/{slug}/coverage").get_data(as_text=True)
    assert summary(page) == "2 darba grupas: ierašanās netika atzīmēta, tāpēc nav zināms, kas ieradās"
