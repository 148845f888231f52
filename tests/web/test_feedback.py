"""The survey after an event (/feedback/<token>) and its results for organisers."""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from eventapp.extensions import db
from eventapp.models import CheckIn, Event, FeedbackResponse, utcnow
from eventapp.services.feedback import answers as feedback
from eventapp.services.feedback import invitations

from ..factories import create_event, create_organisation, create_registration
from ..helpers import csrf_token

MINORITIES = "Mazākumtautību biedrību attīstības jautājumi"


def build_survey(session, languages=("lv",), answered=0):
    """A session that ended three days ago, co-hosted by an NGO; one checked-in person per language."""
    starts = utcnow().replace(microsecond=0) - timedelta(days=3)
    event = create_event(session, tracks=2, slug="jekabpils", starts_at=starts)
    event.tracks[0].title_lv = MINORITIES
    event.co_hosts = [create_organisation(session)]
    tokens = []
    for language in languages:
        registration = create_registration(session, event, now=starts - timedelta(days=5), language=language)
        session.add(CheckIn(registration=registration, scan_id=f"s-{registration.id}", scanned_at=starts))
    session.flush()
    invitations.invite_attendees(session, event, utcnow())
    from eventapp.models import FeedbackInvitation

    for invitation in session.scalars(select(FeedbackInvitation).order_by(FeedbackInvitation.id)):
        tokens.append(invitation.token)
    texts = ["Ļoti labi – paldies!", "Šogad pietrūka ministriju", "Zīmes pie ieejas"]
    for n, token in enumerate(tokens[:answered]):
        found = feedback.find_invitation(session, token)
        feedback.submit_feedback(session, found, feedback.SurveyAnswers(
            [feedback.TrackAnswer(event.tracks[0].id, 2 + n % 3, feedback.StateAdminPresence.NO)],
            what_to_change=texts[n % 3]), utcnow())
    return {"tokens": tokens, "track_id": event.tracks[0].id, "slug": event.slug,
            "co_host": event.co_hosts[0].id}


@pytest.fixture
def survey(make):
    return make.run(build_survey)


def valid_answers(client, token, track_id, **extra):
    return {"csrf_token": csrf_token(client, f"/feedback/{token}"), f"rating_{track_id}": "4",
            f"present_{track_id}": "no", "what_to_change": "Vairāk ministriju pārstāvju", "comments": "", **extra}


def responses(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(FeedbackResponse))


def test_the_survey_asks_per_track_in_latvian_and_records_one_answer(app, client, survey):
    token, track_id = survey["tokens"][0], survey["track_id"]
    page = client.get(f"/feedback/{token}").get_data(as_text=True)
    assert '<html lang="lv">' in page and "Kā jums patika?" in page
    assert f"<legend>{MINORITIES}</legend>" in page
    assert "Vai jūsu darba grupā bija valsts pārvaldes pārstāvji?" in page
    assert f'name="present_{track_id}" required type="radio" value="dont_know"' in page
    assert "Darba grupa 2" not in page  # a track the person did not attend

    response = client.post(f"/feedback/{token}", data=valid_answers(client, token, track_id))
    assert response.status_code == 302 and response.location.endswith(f"/feedback/{token}/thanks")
    assert "ir saņemtas" in client.get(response.location).get_data(as_text=True)
    assert responses(app) == 1

    again = client.post(f"/feedback/{token}", data=valid_answers(client, token, track_id, **{f"rating_{track_id}": "1"}))
    assert again.status_code == 200 and 'data-testid="already-answered"' in again.get_data(as_text=True)
    assert "Uz šo aptauju jau ir atbildēts" in client.get(f"/feedback/{token}").get_data(as_text=True)
    assert responses(app) == 1


def test_the_survey_speaks_the_registration_s_language_and_the_switch_works(make):
    built = make.run(lambda s: build_survey(s, languages=("en",)))
    client = make.app.test_client()
    url = f"/feedback/{built['tokens'][0]}"
    page = client.get(url).get_data(as_text=True)
    assert '<html lang="en">' in page and "How was it?" in page
    assert "Was state administration present in your group?" in page
    switched = client.post("/lang/lv", data={"csrf_token": csrf_token(client, url), "next": url}, follow_redirects=True)
    assert "Kā jums patika?" in switched.get_data(as_text=True)


@pytest.mark.parametrize("junk", [
    {"rating": "abc"}, {"rating": "9"}, {"present": "maybe"}, {"rating": None}, {"present": None},
    {"what_to_change": "x" * 5000}, {"track": "other"},
])
def test_odd_input_is_a_form_error_not_a_crash(app, client, survey, junk):
    token, track_id = survey["tokens"][0], survey["track_id"]
    data = valid_answers(client, token, track_id)
    if junk.get("track"):
        data[f"rating_{track_id + 1}"] = data.pop(f"rating_{track_id}")
    for key, value in junk.items():
        field = {"rating": f"rating_{track_id}", "present": f"present_{track_id}"}.get(key, key)
        if key == "track":
            continue
        if value is None:
            data.pop(field)
        else:
            data[field] = value
    response = client.post(f"/feedback/{token}", data=data)
    assert response.status_code == 400
    assert "Dažu atbilžu trūkst vai tās nav derīgas" in response.get_data(as_text=True)
    assert responses(app) == 0


def test_without_csrf_nothing_is_stored(app, client, survey):
    token, track_id = survey["tokens"][0], survey["track_id"]
    data = valid_answers(client, token, track_id)
    data.pop("csrf_token")
    assert client.post(f"/feedback/{token}", data=data).status_code == 400
    assert responses(app) == 0


@pytest.mark.parametrize("token", ["nav-tada-saite", "x" * 300, "%C4%81"])
def test_a_dead_link_is_a_clear_404(client, survey, token):
    posted = client.post(f"/feedback/{token}", data={"csrf_token": csrf_token(client, "/")})
    for response in (client.get(f"/feedback/{token}"), posted):
        assert response.status_code == 404
        assert "Šī saite nedarbojas" in response.get_data(as_text=True)


def test_a_closed_survey_says_so(make, client):
    built = make.run(build_survey)

    def age(s):
        event = s.scalar(select(Event).where(Event.slug == built["slug"]))
        event.starts_at -= timedelta(days=40)
        event.ends_at -= timedelta(days=40)

    make.run(age)
    page = client.get(f"/feedback/{built['tokens'][0]}").get_data(as_text=True)
    assert "Aptauja ir slēgta" in page and "<form" not in page.split("</header>")[1]


@pytest.mark.parametrize("role, expected", [("organiser", 200), ("admin", 200), ("facilitator", 403),
                                            ("partner_here", 200), ("partner_elsewhere", 403)])
def test_who_sees_the_results(client, login, make, survey, role, expected):
    if role == "partner_here":
        login("partner", organisation_id=survey["co_host"])
    elif role == "partner_elsewhere":
        login("partner", organisation_id=make.organisation())
    else:
        login(role)
    assert client.get(f"/admin/events/{survey['slug']}/feedback").status_code == expected
    assert client.get(f"/admin/events/{survey['slug']}/feedback.csv").status_code == expected


def test_results_need_signing_in(client, survey):
    response = client.get(f"/admin/events/{survey['slug']}/feedback")
    assert response.status_code == 302 and "/admin/login" in response.location


def test_fewer_than_three_answers_show_no_counts(client, login, make):
    built = make.run(lambda s: build_survey(s, languages=("lv", "lv"), answered=2))
    login("organiser")
    page = client.get(f"/admin/events/{built['slug']}/feedback").get_data(as_text=True)
    assert "Mazāk nekā 3 atbildes; nav parādītas" in page
    assert 'data-testid="presence"' not in page and "Ļoti labi" not in page


def test_results_page_and_export_show_counts_and_keep_latvian_letters(client, login, make):
    built = make.run(lambda s: build_survey(s, languages=("lv",) * 4, answered=3))
    login("organiser")
    detail = client.get(f"/admin/events/{built['slug']}").get_data(as_text=True)
    assert f"/admin/events/{built['slug']}/feedback" in detail
    page = client.get(f"/admin/events/{built['slug']}/feedback").get_data(as_text=True)
    assert '<dt>Uzaicināti</dt><dd>4</dd>' in page and "<dt>Atbildējuši</dt><dd>3</dd>" in page
    assert '<td data-answer="no">3</td>' in page
    assert "Lielākā daļa šīs darba grupas dalībnieku norāda, ka valsts pārvaldes pārstāvju nebija." in page
    texts = page.split('data-testid="what-to-change">')[1].split("</ul>")[0]
    assert texts.index("Ļoti labi") < texts.index("Šogad") < texts.index("Zīmes")

    csv_response = client.get(f"/admin/events/{built['slug']}/feedback.csv")
    assert csv_response.headers["Content-Type"].startswith("text/csv")
    text = csv_response.get_data().decode("utf-8-sig")
    assert MINORITIES in text and "Ļoti labi – paldies!" in text and "Šogad pietrūka ministriju" in text
    assert text.splitlines()[0].startswith("Laika bloks,Darba grupa,Atbildes,Vidējais vērtējums")

    workbook = load_workbook(io.BytesIO(client.get(f"/admin/events/{built['slug']}/feedback.xlsx").data))
    cells = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row]
    assert MINORITIES in cells and "Ļoti labi – paldies!" in cells
