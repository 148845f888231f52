"""The coverage board, delegation requests through real mail, the year view and the reports."""
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import DelegationRequest, DelegationStatus, Event, Organisation, Sector, utcnow
from eventapp.services.demo import EXAMPLE_SLUG, seed_demo
from eventapp.services.mail import outbox

from ..factories import create_event
from ..helpers import csrf_token
from ..pdf_tools import pdf_text

JEKABPILS = "2025-09-03-jekabpils-regional-session"


@pytest.fixture
def demo(make):
    make.run(lambda s: seed_demo(s, utcnow()))


def states(page: str) -> list[str]:
    return re.findall(r'data-testid="coverage-track" data-state="(\w+)"', page)


def test_board_shows_the_jekabpils_lesson(client, login, demo):
    """After the event the board shows who came (the check-ins), not what was planned."""
    login("organiser")
    page = client.get(f"/admin/events/{JEKABPILS}/coverage").get_data(as_text=True)
    assert states(page) == ["covered", "covered", "covered_remotely", "uncovered"]
    assert "Inese Kalniņa" in page and "Viedās administrācijas un reģionālās attīstības ministrija" in page
    assert re.search(r"Dace Liepiņa.*?pievienojās attālināti", page, re.S)  # the demo records her join
    assert "nodrošināta attālināti" in page and "nav nodrošināta" in page  # words, not colour alone
    assert "Pasākums ir beidzies" in page


def test_a_past_event_s_board_offers_no_request_and_a_late_request_is_answered_plainly(client, login, demo, make):
    login("organiser")
    page = client.get(f"/admin/events/{JEKABPILS}/coverage").get_data(as_text=True)
    assert "delegation-requests" not in page and "Nosūtīt lūgumu" not in page
    track_id = make.run(lambda s: s.scalar(select(Event).where(Event.slug == JEKABPILS)).tracks[3].id)
    ministry_id = make.run(lambda s: s.scalar(select(Organisation.id).where(Organisation.sector == Sector.STATE_ADMINISTRATION).limit(1)))
    response = client.post(f"/admin/events/{JEKABPILS}/tracks/{track_id}/delegation-requests", data={
        f"t{track_id}-csrf_token": csrf_token(client, "/admin/"), f"t{track_id}-organisation_id": ministry_id,
        f"t{track_id}-contact_email": "kanceleja@mk.gov.lv", f"t{track_id}-message": "",
    })
    assert response.status_code == 302
    assert "Par šo pasākumu deleģēšanas lūgumus vairs nevar sūtīt" in client.get(response.location).get_data(as_text=True)
    assert make.run(lambda s: s.scalar(select(DelegationRequest.id))) is None


def test_the_day_before_an_event_the_board_offers_no_request(client, login, make):
    from datetime import timedelta

    from ..factories import create_event

    slug = make.run(lambda s: create_event(s, tracks=1, state_admin_minimum=1,
                                           starts_at=utcnow() + timedelta(hours=12)).slug)
    login("organiser")
    page = client.get(f"/admin/events/{slug}/coverage").get_data(as_text=True)
    assert states(page) == ["uncovered"]
    assert "delegation-requests" not in page and "deleģēšanas lūgumus vairs nevar sūtīt" in page


def test_request_mailed_and_registered_through_turns_the_track_covered(mail_app, smtp_server):
    with mail_app.app_context():
        seed_demo(db.session, utcnow())
        db.session.commit()
        event = db.session.scalar(select(Event).where(Event.slug == EXAMPLE_SLUG))
        track = event.tracks[3]  # Birokrātijas mazināšanas iespējas ...
        track_id, track_title = track.id, track.title_lv
    organiser = mail_app.test_client()
    board_url = f"/admin/events/{EXAMPLE_SLUG}/coverage"
    organiser.post("/admin/login", data={"email": "organizators@example.lv", "password": "demo-parole-2025",
                                         "csrf_token": csrf_token(organiser, "/admin/login")})
    page = organiser.get(board_url).get_data(as_text=True)
    assert states(page) == ["uncovered"] * 4
    suggested = re.search(rf'id="t{track_id}-organisation_id".*?<option selected value="(\d+)">([^<]+)<', page, re.S)
    assert suggested.group(2).startswith("Valsts kanceleja")

    response = organiser.post(f"/admin/events/{EXAMPLE_SLUG}/tracks/{track_id}/delegation-requests", data={
        f"t{track_id}-csrf_token": csrf_token(organiser, board_url), f"t{track_id}-organisation_id": suggested.group(1),
        f"t{track_id}-contact_email": "kanceleja@mk.gov.lv", f"t{track_id}-message": "Ļoti gaidām!",
    })
    assert response.status_code == 302
    assert states(organiser.get(board_url).get_data(as_text=True))[3] == "at_risk"

    with mail_app.app_context():
        assert outbox.deliver_due(db.session, utcnow()).sent == 1
    [request_mail] = smtp_server.messages
    assert request_mail["To"] == "kanceleja@mk.gov.lv"
    assert request_mail["Subject"].startswith("Lūgums deleģēt ekspertu: PIEMĒRS")
    text = request_mail.get_body(("plain",)).get_content()
    assert track_title in text and "Ļoti gaidām!" in text
    link = re.search(r"http://eventapp\.test(/delegate/[\w-]+)\s", text).group(1)

    expert = mail_app.test_client()
    form = expert.get(link).get_data(as_text=True)
    assert 'data-testid="delegation"' in form and "Valsts kanceleja" in form
    slot_field = re.search(r'name="(slot_\d+)" value="(\d+)"', form)
    response = expert.post(link, data={
        "csrf_token": csrf_token(expert, link), "full_name": "Ilze Krūmiņa", "email": "ilze.krumina@mk.gov.lv",
        "organisation": "Valsts kanceleja", "sector": "state_administration", slot_field.group(1): slot_field.group(2),
        "attendance_mode": "in_person", "consent_data": "y", "language": "lv",
    })
    assert response.status_code == 302
    assert states(organiser.get(board_url).get_data(as_text=True))[3] == "covered"
    with mail_app.app_context():
        assert db.session.scalar(select(DelegationRequest.status)) is DelegationStatus.ACCEPTED


def test_decline_link_answers_the_request(app, client, login, demo, make):
    def request_for_first_track(s):
        from eventapp.models import Organisation
        from eventapp.services.coverage import delegation

        event = s.scalar(select(Event).where(Event.slug == EXAMPLE_SLUG))
        ministry = s.scalar(select(Organisation).where(Organisation.name == "Labklājības ministrija"))
        return delegation.send_request(s, None, event.tracks[1], ministry, "lm@lm.gov.lv", "", utcnow()).secret

    secret = make.run(request_for_first_track)
    page = client.get(f"/delegate/{secret}/decline").get_data(as_text=True)
    assert "Labklājības ministrija" in page
    response = client.post(f"/delegate/{secret}/decline", data={"csrf_token": csrf_token(client, f"/delegate/{secret}/decline")})
    assert response.status_code == 302
    assert make.run(lambda s: s.scalar(select(DelegationRequest.status))) is DelegationStatus.DECLINED
    assert "Šis lūgums vairs nav spēkā" in client.get(f"/delegate/{secret}").get_data(as_text=True)
    assert client.get("/delegate/nav-tada").status_code == 404


def test_year_view_shows_the_sessions_side_by_side(client, login, demo):
    login("organiser")
    page = client.get("/admin/coverage?year=2025").get_data(as_text=True)
    assert page.index("Jēkabpils") < page.index("Liepāja")
    assert "<svg" in page and "klātienē 1, attālināti 0, minimums 1" in page
    assert client.get("/admin/coverage?year=abc").status_code == 200
    assert client.get("/admin/coverage?year=99999").status_code == 404


def test_reports_planned_against_check_ins(client, login, demo):
    login("organiser")
    csv_text = client.get(f"/admin/events/{JEKABPILS}/coverage-report.csv").get_data().decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0].startswith("Laika bloks,Darba grupa,Minimums")
    # remote only: nobody arrived, the Culture Ministry's expert joined remotely
    assert any("Mazākumtautību" in line and ",0,1,0,1,nodrošināta attālināti," in line for line in lines)
    assert any("Senioru" in line and ",1,0,1,0,nodrošināta," in line for line in lines)

    pdf = client.get(f"/admin/events/{JEKABPILS}/coverage-report.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed: make browser installs it"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True).stdout.decode()
    assert "Memoranda padomes izbraukuma sēde Jēkabpilī" in text and "Senioru līdzdalības jautājumi" in text
    assert "Ierašanās: ieradušies / minimums" in " ".join(text.split())


BUREAUCRACY = "Birokrātijas mazināšanas iespējas sadarbībā ar nevalstiskajām organizācijām"


def test_reports_what_participants_saw_beside_the_plan_and_the_check_ins(client, login, demo, tmp_path):
    """In Jēkabpils the bureaucracy group's participants all said state administration was not there."""
    login("organiser")
    csv_text = client.get(f"/admin/events/{JEKABPILS}/coverage-report.csv").get_data().decode("utf-8-sig")
    header, *lines = csv_text.splitlines()
    assert header.endswith(",Faktiskā pārstāvība,\"Valsts pārvalde klāt, pēc dalībnieku atbildēm\"")
    said = {line.split(",")[1].strip('"'): line.rsplit(",", 1)[1] for line in lines}
    assert said[BUREAUCRACY] == "jā 0 · nē 4 · nezina 0"
    assert [track for track, text in said.items() if " nē 0 " not in text] == [BUREAUCRACY]

    text = pdf_text(client.get(f"/admin/events/{JEKABPILS}/coverage-report.pdf").data, tmp_path)
    assert "Valsts pārvalde klāt, pēc" in text and "Plānots: reģistrējušies" in text and "Ierašanās: ieradušies" in text
    flat = " ".join(text.split())
    assert "jā 0 · nē 4 · nezina 0" in flat
    assert flat.count("nē 0") == len(lines) - 1  # every other track: nobody said absent

    with client.session_transaction() as session:
        session["lang"] = "en"
    english = client.get(f"/admin/events/{JEKABPILS}/coverage-report.csv").get_data().decode("utf-8-sig")
    assert "State administration present, participants say" in english and "yes 0 · no 4 · don't know 0" in english


def test_the_past_board_shows_what_participants_said(client, login, demo, make):
    login("organiser")
    page = client.get(f"/admin/events/{JEKABPILS}/coverage").get_data(as_text=True)
    said = re.findall(r'data-testid="participants-said">.*?<span class="cov-fig">(.*?)</span>', page, re.S)
    assert len(said) == len(states(page)) and "jā 0 · nē 4 · nezina 0" in said
    assert re.search(r"reģistrējās 1 no 1 nepieciešamā</span> ·\s*<span[^>]*>ieradās 0 · pievienojās attālināti 1 no "
                     r"1 nepieciešamā", page)

    past = make.run(lambda s: create_event(s, tracks=2, starts_at=utcnow() - timedelta(days=3)).slug)
    page = client.get(f"/admin/events/{past}/coverage").get_data(as_text=True)
    assert page.count('<span class="cov-fig">aptauja netika rīkota</span>') == 2


@pytest.mark.parametrize("role", ["partner", "facilitator"])
def test_only_organisers_see_the_board(client, login, demo, role):
    login(role)
    assert client.get(f"/admin/events/{JEKABPILS}/coverage").status_code == 403
    assert client.get("/admin/coverage").status_code == 403


def test_declining_a_request_already_accepted_says_so_and_changes_nothing(client, demo, make):
    def accepted_request(s):
        from eventapp.models import DelegationStatus, Organisation
        from eventapp.services.coverage import delegation

        event = s.scalar(select(Event).where(Event.slug == EXAMPLE_SLUG))
        ministry = s.scalar(select(Organisation).where(Organisation.name == "Labklājības ministrija"))
        sent = delegation.send_request(s, None, event.tracks[1], ministry, "lm@lm.gov.lv", "", utcnow())
        sent.status = DelegationStatus.ACCEPTED
        return sent.secret

    secret = make.run(accepted_request)
    url = f"/delegate/{secret}/decline"
    response = client.post(url, data={"csrf_token": csrf_token(client, url)}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Paldies, ka paziņojāt" not in page and "jau ir atbildēts" in page
    assert make.run(lambda s: s.scalar(select(DelegationRequest.status))) is DelegationStatus.ACCEPTED
