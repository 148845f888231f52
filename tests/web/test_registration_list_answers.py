"""People's answers to an event's own questions in the organisers' list: shown per person, filtered
on, exported, and carried to a message to the people the list shows."""
import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from eventapp.models import Event, Question, QuestionKind, RegistrantMessage, utcnow
from eventapp.services.registration.answers import AnswerValue
from eventapp.services.registration.questions import QuestionData, add_question, remove_question

from ..factories import create_event, create_registration
from ..helpers import form_values

LIST = "/admin/events/jekabpils/registrations"


@pytest.fixture
def world(make):
    """Three questions (menu: one choice, photos: yes / no, wishes: text) and a removed one; Anna
    answered all, Jānis only the menu, Zane nothing. Another event with a question of its own."""

    def build(s):
        event = create_event(s, tracks=1, slug="jekabpils")
        menu = add_question(s, None, event, QuestionData(
            kind=QuestionKind.ONE_CHOICE, text_lv="Ēdienkarte", text_en="Menu",
            options_lv=["Veģetārā", "Zivis"], options_en=["Vegetarian", "Fish"],
        ), utcnow())
        photos = add_question(s, None, event, QuestionData(kind=QuestionKind.YES_NO, text_lv="Vai var fotografēt?",
                                                           text_en="May we take photos?"), utcnow())
        wishes = add_question(s, None, event, QuestionData(kind=QuestionKind.SHORT_TEXT, text_lv="Vēlmes",
                                                           text_en="Wishes"), utcnow())
        old = add_question(s, None, event, QuestionData(kind=QuestionKind.SHORT_TEXT, text_lv="Transports",
                                                        text_en="Transport"), utcnow())
        vegetarian, fish = (o.id for o in menu.options)
        create_registration(s, event, full_name="Anna Bērziņa", email="anna@example.lv", answers={
            menu.id: AnswerValue(option_ids=(vegetarian,)), photos.id: AnswerValue(yes_no=False),
            wishes.id: AnswerValue(text="Ķiploku zupa, lūdzu"), old.id: AnswerValue(text="Vilciens"),
        })
        create_registration(s, event, full_name="Jānis Ozoliņš", email="janis@example.lv",
                            answers={menu.id: AnswerValue(option_ids=(fish,))})
        create_registration(s, event, full_name="Zane Ozola", email="zane@example.lv")
        remove_question(s, None, old, utcnow())  # answered: archived, kept in the export
        other = create_event(s, tracks=1, slug="ogre")
        foreign = add_question(s, None, other, QuestionData(kind=QuestionKind.YES_NO, text_lv="Cits", text_en="Other"),
                               utcnow())
        return {"menu": menu.id, "photos": photos.id, "wishes": wishes.id, "old": old.id, "fish": fish,
                "vegetarian": vegetarian, "foreign": foreign.id}

    return make.run(build)


def names(page: str) -> list[str]:
    return re.findall(r"<strong>([^<]+)</strong><br><small class=\"reg-email\">", page)


def test_each_person_s_answers_are_in_a_disclosure_in_their_row(client, login, world):
    login("organiser")
    page = client.get(LIST).get_data(as_text=True)
    rows = {name: row for row in re.findall(r'<tr data-registration="\d+">(.*?)</tr>', page, re.S)
            for name in names(row)}
    assert len(rows) == 3
    anna = rows["Anna Bērziņa"]
    assert 'data-testid="answers"' in anna and "Atbildes (4)" in anna
    for words in ("Ēdienkarte", "Veģetārā", "Vai var fotografēt?", "Nē", "Ķiploku zupa, lūdzu",
                  "Transports (noņemts)", "Vilciens"):
        assert words in anna, words
    assert "Atbildes (1)" in rows["Jānis Ozoliņš"] and "Zivis" in rows["Jānis Ozoliņš"]
    assert 'data-testid="answers"' not in rows["Zane Ozola"]
    # No column per question: the table's head is as it was.
    head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    assert "Ēdienkarte" not in head


def test_the_list_of_an_event_without_questions_is_as_it_was(client, login, make):
    def build(s):
        event = create_event(s, tracks=1, slug="jekabpils")
        create_registration(s, event, full_name="Anna Bērziņa")

    make.run(build)
    login("organiser")
    page = client.get(LIST).get_data(as_text=True)
    assert "Anna Bērziņa" in page
    assert 'data-testid="answers"' not in page and 'data-testid="answer-filters"' not in page


@pytest.mark.parametrize(("arg", "value", "expected"), [
    ("menu", "fish", ["Jānis Ozoliņš"]),
    ("menu", "vegetarian", ["Anna Bērziņa"]),
    ("menu", "unanswered", ["Zane Ozola"]),
    ("photos", "no", ["Anna Bērziņa"]),
    ("photos", "yes", []),
    ("photos", "unanswered", ["Jānis Ozoliņš", "Zane Ozola"]),
    ("wishes", "answered", ["Anna Bērziņa"]),
    ("wishes", "unanswered", ["Jānis Ozoliņš", "Zane Ozola"]),
    ("old", "answered", ["Anna Bērziņa"]),  # a removed question still filters
])
def test_the_list_is_filtered_by_an_answer_kept_in_the_address(client, login, world, arg, value, expected):
    login("organiser")
    value = str(world[value]) if value in world else value
    page = client.get(f"{LIST}?a{world[arg]}={value}").get_data(as_text=True)
    assert names(page) == expected
    if expected:
        # The answer filter stays in the pages', exports' and message's links, and is shown chosen.
        assert f"a{world[arg]}={value}" in re.search(r'href="([^"]*registrations\.csv[^"]*)"', page).group(1)
        assert f'<option value="{value}" selected>' in page
        assert '<details class="reg-answer-filters" data-testid="answer-filters" open>' in page


@pytest.mark.parametrize("query", [
    "a{menu}=999999", "a{menu}=", "a{photos}=maybe", "a{wishes}=Ķiploku", "a999999=yes", "a{foreign}=yes",
    "a=yes", "ax=1", "a{menu}=yes", "a{photos}={fish}", "a00{photos}=no", "a{photos}=no&a{photos}=yes&a{menu}=%20",
])
def test_junk_answer_filters_are_ignored(client, login, world, query):
    login("organiser")
    response = client.get(f"{LIST}?{query.format(**world)}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if query.startswith("a{photos}=no&"):  # the first value counts, the junk one beside it is dropped
        assert names(page) == ["Anna Bērziņa"]
    else:
        assert names(page) == ["Anna Bērziņa", "Jānis Ozoliņš", "Zane Ozola"]


def test_answer_filters_combine_with_the_others(client, login, world):
    login("organiser")
    fish = f"a{world['menu']}={world['fish']}"
    assert names(client.get(f"{LIST}?{fish}&q=berzina").get_data(as_text=True)) == []
    assert names(client.get(f"{LIST}?{fish}&q=ozolins").get_data(as_text=True)) == ["Jānis Ozoliņš"]


def rows_of_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_the_export_has_a_column_per_question_with_the_answers_in_words(client, login, world):
    login("organiser")
    rows = rows_of_csv(client.get(f"{LIST}.csv"))
    header = rows[0]
    assert header[-4:] == ["Ēdienkarte", "Vai var fotografēt?", "Vēlmes", "Transports (noņemts)"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Anna Bērziņa"][-4:] == ["Veģetārā", "Nē", "Ķiploku zupa, lūdzu", "Vilciens"]
    assert by_name["Jānis Ozoliņš"][-4:] == ["Zivis", "", "", ""]
    assert by_name["Zane Ozola"][-4:] == ["", "", "", ""]


def test_the_export_follows_the_answer_filter_and_the_language(client, login, world):
    login("organiser")
    rows = rows_of_csv(client.get(f"{LIST}.csv?a{world['menu']}={world['fish']}"))
    assert [row[0] for row in rows[1:]] == ["Jānis Ozoliņš"]
    sheet = load_workbook(io.BytesIO(client.get(f"{LIST}.xlsx?a{world['photos']}=no").data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][-4:] == ["Ēdienkarte", "Vai var fotografēt?", "Vēlmes", "Transports (noņemts)"]
    assert [row[0] for row in values[1:]] == ["Anna Bērziņa"]
    assert values[1][-4:] == ["Veģetārā", "Nē", "Ķiploku zupa, lūdzu", "Vilciens"]

    with client.session_transaction() as session:
        session["lang"] = "en"
    rows = rows_of_csv(client.get(f"{LIST}.csv"))
    assert rows[0][-4:] == ["Menu", "May we take photos?", "Wishes", "Transport (removed)"]
    assert {row[0]: row[-4:] for row in rows[1:]}["Anna Bērziņa"] == ["Vegetarian", "No", "Ķiploku zupa, lūdzu", "Vilciens"]


def test_the_list_links_to_a_message_to_the_people_it_shows(client, login, world, make):
    login("organiser")
    page = client.get(f"{LIST}?a{world['menu']}={world['fish']}&sector=ngo").get_data(as_text=True)
    link = re.search(r'<a class="button secondary" href="([^"]+)" data-testid="write-to-these">Rakstīt šiem cilvēkiem</a>',
                     page).group(1).replace("&amp;", "&")
    assert link.startswith("/admin/events/jekabpils/messages/new?")
    assert f"a{world['menu']}={world['fish']}" in link and "sector=ngo" in link

    compose = client.get(link)
    assert compose.status_code == 200
    text = compose.get_data(as_text=True)
    assert "Ēdienkarte" in text and "Zivis" in text  # the answer filter, in words
    data = MultiDict(form_values(text, submit="preview"))
    data.setlist("subject_lv", ["Pusdienas"])
    data.setlist("body_lv", ["Sveiki, {name}!"])
    preview = client.post("/admin/events/jekabpils/messages/new", data=data)
    preview_text = preview.get_data(as_text=True)
    assert 'data-testid="preview"' in preview_text
    assert "Jānis Ozoliņš" in preview_text and "Anna Bērziņa" not in preview_text
    sent = client.post("/admin/events/jekabpils/messages/new", data=MultiDict(form_values(preview_text, submit="send")))
    assert sent.status_code == 302
    detail = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "<dt>Ēdienkarte</dt><dd>Zivis</dd>" in detail  # the message page names the answer filter

    def recorded(s):
        message = s.scalar(select(RegistrantMessage))
        return message.recipient_count, message.filters

    count, filters = make.run(recorded)
    assert count == 1
    assert filters[f"a{world['menu']}"] == str(world["fish"])


def test_without_answer_filters_the_message_link_carries_the_list_s_filters(client, login, world):
    login("organiser")
    page = client.get(f"{LIST}?q=ozola").get_data(as_text=True)
    assert 'href="/admin/events/jekabpils/messages/new?q=ozola" data-testid="write-to-these"' in page


def test_the_list_reads_the_answers_of_its_page_in_one_statement(client, login, world, make, count_queries):
    """Answers of one person or of many: the same statements (the page's rows only)."""
    def more(s):
        event = s.scalar(select(Event).where(Event.slug == "jekabpils"))
        menu = s.get(Question, world["menu"])
        for n in range(60):
            create_registration(s, event, full_name=f"Dalībnieks {n}",
                                answers={menu.id: AnswerValue(option_ids=(world["fish"],))})

    login("organiser")
    client.get(LIST)
    with count_queries() as few:
        client.get(LIST)
    make.run(more)
    client.get(LIST)
    with count_queries() as many:
        page = client.get(f"{LIST}?page=2").get_data(as_text=True)
    assert "Atbildes (1)" in page
    assert len(many) == len(few)
