"""An event's own questions through the pages: the organisers' editor, the form, the private page."""
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from eventapp.models import Answer, Event, Question, QuestionKind, Registration, utcnow
from eventapp.services.registration.questions import QuestionData, add_question

from ..factories import create_event, create_organisation, create_registration
from ..helpers import csrf_token


def event_with_questions(session, **values):
    event = create_event(session, tracks=1, slug="jekabpils", **values)
    menu = add_question(session, None, event, QuestionData(
        kind=QuestionKind.ONE_CHOICE, text_lv="Ēdienkarte", text_en="Menu", required=True,
        help_lv="Pusdienām", help_en="For lunch",
        options_lv=["Vegāns", "Bez ierobežojumiem"], options_en=["Vegan", "No restrictions"],
    ), utcnow())
    topics = add_question(session, None, event, QuestionData(
        kind=QuestionKind.MANY_CHOICES, text_lv="Tēmas", text_en="Topics", options_lv=["Vide", "Izglītība"],
    ), utcnow())
    return {"slot": event.slots[0].id, "track": event.tracks[0].id, "menu": menu.id, "topics": topics.id,
            "vegan": menu.options[0].id, "plain": menu.options[1].id, "topic_ids": [o.id for o in topics.options]}


def form_data(client, ids, **values):
    data = {
        "csrf_token": csrf_token(client, "/events/jekabpils/register"),
        "full_name": "Anna Bērziņa", "email": "anna@example.lv", "sector": "ngo",
        f"slot_{ids['slot']}": str(ids["track"]), "consent_data": "y", "language": "lv",
    }
    return data | values


def count(make, model) -> int:
    return make.run(lambda s: s.scalar(select(func.count()).select_from(model)))


# The organisers' editor

@pytest.mark.parametrize("role, status", [("partner", 403), ("facilitator", 403), ("organiser", 200), ("admin", 200)])
def test_only_organisers_edit_the_questions(client, login, make, role, status):
    def world(session):
        organisation = create_organisation(session)
        event = create_event(session, slug="jekabpils", tracks=1)
        event.co_hosts = [organisation]
        return organisation.id

    organisation_id = make.run(world)
    login(role, organisation_id=organisation_id) if role == "partner" else login(role)
    assert client.get("/admin/events/jekabpils/questions").status_code == status
    assert client.get("/admin/events/jekabpils/questions/new").status_code == status


def test_the_event_page_links_to_the_questions(client, login, make):
    make.event(slug="jekabpils")
    login("organiser")
    assert "/admin/events/jekabpils/questions" in client.get("/admin/events/jekabpils").get_data(as_text=True)


def new_question(client, **values):
    data = {"csrf_token": csrf_token(client, "/admin/events/jekabpils/questions/new"), "kind": "one_choice",
            "text_lv": "Ēdienkarte", "text_en": "Menu", "required": "y",
            "options_lv": "Vegāns\r\nBez ierobežojumiem", "options_en": "Vegan\r\nNo restrictions"}
    return client.post("/admin/events/jekabpils/questions/new", data=data | values)


def test_an_organiser_adds_edits_and_removes_a_question(client, login, make):
    make.event(slug="jekabpils")
    login("organiser")
    response = new_question(client)
    assert response.status_code == 302
    question_id, vegan_id = make.run(lambda s: (lambda q: (q.id, q.options[0].id))(s.scalar(select(Question))))
    listing = client.get("/admin/events/jekabpils/questions").get_data(as_text=True)
    assert "Ēdienkarte" in listing and "Vegāns" in listing

    edit = f"/admin/events/jekabpils/questions/{question_id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert "Vegāns\nBez ierobežojumiem</textarea>" in page
    response = client.post(edit, data={"csrf_token": csrf_token(client, edit), "kind": "one_choice",
                                       "text_lv": "Ēdiens", "options_lv": "Vegānisks\r\nBez ierobežojumiem"})
    assert response.status_code == 302
    assert make.run(lambda s: s.get(Question, question_id).options[0].id) == vegan_id

    remove = f"/admin/events/jekabpils/questions/{question_id}/remove"
    assert client.post(remove, data={"csrf_token": csrf_token(client, "/admin/events/jekabpils/questions")}).status_code == 302
    assert count(make, Question) == 0


def test_the_editor_needs_the_csrf_token(client, login, make):
    make.event(slug="jekabpils")
    login("organiser")
    response = client.post("/admin/events/jekabpils/questions/new", data={"kind": "short_text", "text_lv": "Kas?"})
    assert response.status_code == 400
    assert count(make, Question) == 0


@pytest.mark.parametrize("values, message", [
    ({"options_lv": "\r\n".join(f"Variants {n}" for n in range(300)), "options_en": ""}, "at most 50 options"),
    ({"options_lv": "x" * 5000, "options_en": ""}, "Option 1 is too long"),
    ({"options_lv": "\r\n\r\n", "options_en": ""}, "Write the options, one per line."),
    ({"options_en": "Vegan"}, "same order and number"),
    ({"kind": "nonsense"}, "Invalid Choice"),
    ({"text_lv": "   "}, "Write the question in Latvian."),
])
def test_odd_input_in_the_editor_is_an_error_on_the_form(client, login, make, values, message):
    make.event(slug="jekabpils")
    login("organiser")
    with client.session_transaction() as session:
        session["lang"] = "en"
    response = new_question(client, **values)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and 'class="error-summary"' in page
    assert count(make, Question) == 0


def test_another_event_s_question_is_not_found(client, login, make):
    ids = make.run(event_with_questions)
    make.event(slug="liepaja")
    login("organiser")
    assert client.get(f"/admin/events/liepaja/questions/{ids['menu']}/edit").status_code == 404


# The registration form

def test_the_form_asks_the_questions_in_the_page_s_language(client, make):
    make.run(event_with_questions)
    page = client.get("/events/jekabpils/register").get_data(as_text=True)
    assert "Ēdienkarte" in page and "Vegāns" in page and "Pusdienām" in page
    assert re.search(r'<fieldset[^>]+id="question_\d+"[^>]+aria-describedby="question_\d+-hint"', page)
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get("/events/jekabpils/register").get_data(as_text=True)
    assert "Menu" in page and "No restrictions" in page and "For lunch" in page
    assert "Topics" in page and "Vide" in page  # no English options: the Latvian ones


def test_a_required_question_left_empty_is_listed_in_the_error_summary(client, make):
    ids = make.run(event_with_questions)
    response = client.post("/events/jekabpils/register", data=form_data(client, ids))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert f'href="#question_{ids["menu"]}"' in summary
    assert "Izvēlieties atbildi uz jautājumu “Ēdienkarte”." in summary
    assert count(make, Registration) == 0


def test_the_answers_are_saved_with_the_registration(client, make):
    ids = make.run(event_with_questions)
    data = form_data(client, ids, **{f"question_{ids['menu']}": str(ids["vegan"])})
    data = list(data.items()) + [(f"question_{ids['topics']}", str(option_id)) for option_id in ids["topic_ids"]]
    response = client.post("/events/jekabpils/register", data=MultiDict(data))
    assert response.status_code == 302

    def saved(session):
        answers = session.scalars(select(Answer).order_by(Answer.question_id)).all()
        return [[o.id for o in answer.options] for answer in answers]

    assert make.run(saved) == [[ids["vegan"]], ids["topic_ids"]]


@pytest.mark.parametrize("junk", ["abc", "999999", "-1", "1.5", ""])
def test_junk_option_ids_are_a_form_error(client, make, junk):
    ids = make.run(event_with_questions)
    data = list(form_data(client, ids, **{f"question_{ids['menu']}": junk}).items())
    data.append((f"question_{ids['topics']}", junk or "x"))
    response = client.post("/events/jekabpils/register", data=MultiDict(data))
    assert response.status_code == 200
    assert f'href="#question_{ids["menu"]}"' in response.get_data(as_text=True)
    assert count(make, Registration) == 0


# The private page

def registered(make, **event_values):
    def build(session):
        ids = event_with_questions(session, **event_values)
        event = session.get(Event, session.scalar(select(Event.id)))
        from eventapp.services.registration.answers import AnswerValue

        person = create_registration(session, event, answers={ids["menu"]: AnswerValue(option_ids=(ids["vegan"],))})
        return ids | {"link": f"/r/{person.secret}"}

    return make.run(build)


def test_the_person_changes_their_answers_on_their_page(client, make):
    ids = registered(make)
    page = client.get(ids["link"]).get_data(as_text=True)
    assert "Jūsu atbildes" in page
    menu = ids["menu"]
    assert re.search(rf'<input checked id="question_{menu}-\d+" name="question_{menu}"[^>]* value="{ids["vegan"]}"', page)
    response = client.post(f"{ids['link']}/answers", data={
        "csrf_token": csrf_token(client, ids["link"]), f"question_{ids['menu']}": str(ids["plain"]),
        f"question_{ids['topics']}": str(ids["topic_ids"][1]),
    })
    assert response.status_code == 302
    saved = make.run(lambda s: sorted(o.id for a in s.scalars(select(Answer)) for o in a.options))
    assert saved == sorted([ids["plain"], ids["topic_ids"][1]])


def test_the_page_shows_an_error_for_a_required_answer_taken_away(client, make):
    ids = registered(make)
    response = client.post(f"{ids['link']}/answers", data={"csrf_token": csrf_token(client, ids["link"])})
    assert response.status_code == 200
    assert "Izvēlieties atbildi uz jautājumu “Ēdienkarte”." in response.get_data(as_text=True)
    assert make.run(lambda s: [o.id for a in s.scalars(select(Answer)) for o in a.options]) == [ids["vegan"]]


def test_after_registration_closes_the_answers_are_read_only(client, make):
    ids = registered(make)

    def close(session):
        session.scalar(select(Event)).registration_closes_at = utcnow()

    token = csrf_token(client, ids["link"])
    make.run(close)
    page = client.get(ids["link"]).get_data(as_text=True)
    assert 'data-testid="answers-closed"' in page and "Vegāns" in page
    assert f"{ids['link']}/answers" not in page
    response = client.post(f"{ids['link']}/answers", data={"csrf_token": token, f"question_{ids['menu']}": str(ids["plain"])})
    assert response.status_code == 200
    assert make.run(lambda s: [o.id for a in s.scalars(select(Answer)) for o in a.options]) == [ids["vegan"]]


def test_the_private_page_refuses_junk_without_an_error_page(client, make):
    ids = registered(make)
    response = client.post(f"{ids['link']}/answers", data={
        "csrf_token": csrf_token(client, ids["link"]), f"question_{ids['menu']}": "abc",
        f"question_{ids['topics']}": "999999"})
    assert response.status_code == 200
    assert f'href="#question_{ids["topics"]}"' in response.get_data(as_text=True)
