"""An event's own questions without HTTP: editing keeps answers, archive or delete, checking answers."""
import pytest
from sqlalchemy import func, select

from eventapp.models import Answer, AuditEntry, Question, QuestionKind, QuestionOption, Registration, utcnow
from eventapp.services.exceptions import DomainError
from eventapp.services.registration import answers as answering
from eventapp.services.registration import lifecycle, questions
from eventapp.services.registration.answers import AnswerValue
from eventapp.services.registration.questions import QuestionData

from ..factories import create_event, create_registration


def ask(session, event, kind=QuestionKind.ONE_CHOICE, options=("Vegāns", "Veģetārietis", "Bez ierobežojumiem"),
        options_en=(), required=False, text="Ēdienkarte") -> Question:
    return questions.add_question(session, None, event, QuestionData(
        kind=kind, text_lv=text, text_en="Menu", required=required,
        options_lv=list(options), options_en=list(options_en),
    ), utcnow())


def chosen_texts(session, registration_id, question) -> list[str]:
    session.expire_all()
    found = answering.answers_by_registration(session, question.event, [registration_id])
    return answering.answer_text(question, found[registration_id].get(question.id), "lv").split("; ")


def option(question, text) -> QuestionOption:
    return next(o for o in question.options if o.text_lv == text)


def test_a_registration_keeps_its_answers(session):
    event = create_event(session)
    menu = ask(session, event, required=True)
    note = ask(session, event, kind=QuestionKind.SHORT_TEXT, options=(), text="Piezīmes")
    person = create_registration(session, event, answers={
        menu.id: AnswerValue(option_ids=(option(menu, "Vegāns").id,)), note.id: AnswerValue(text="  ar  suni "),
    })
    assert chosen_texts(session, person.id, menu) == ["Vegāns"]
    assert answering.answers_by_registration(session, event)[person.id][note.id].text == "ar suni"


def test_renaming_an_option_keeps_the_answers_pointing_to_it(session):
    event = create_event(session)
    menu = ask(session, event, options_en=("Vegan", "Vegetarian", "No restrictions"))
    person = create_registration(session, event, answers={menu.id: AnswerValue(option_ids=(option(menu, "Vegāns").id,))})
    kept_id = option(menu, "Vegāns").id

    questions.update_question(session, None, menu, QuestionData(
        kind=QuestionKind.ONE_CHOICE, text_lv="Ēdiens", text_en="Food",
        options_lv=["Vegānisks", "Veģetārietis", "Bez ierobežojumiem"],
        options_en=["Vegan", "Vegetarian", "No restrictions"],
    ), utcnow())

    assert option(menu, "Vegānisks").id == kept_id
    assert menu.text_lv == "Ēdiens"
    assert chosen_texts(session, person.id, menu) == ["Vegānisks"]
    assert session.scalar(select(func.count()).select_from(QuestionOption)) == 3


def test_taking_out_a_middle_option_keeps_the_others_answers(session):
    event = create_event(session)
    menu = ask(session, event)
    last = option(menu, "Bez ierobežojumiem")
    person = create_registration(session, event, answers={menu.id: AnswerValue(option_ids=(last.id,))})

    questions.update_question(session, None, menu, QuestionData(
        kind=QuestionKind.ONE_CHOICE, text_lv="Ēdienkarte", options_lv=["Vegāns", "Bez ierobežojumiem"],
    ), utcnow())

    assert chosen_texts(session, person.id, menu) == ["Bez ierobežojumiem"]
    assert [o.text_lv for o in menu.active_options] == ["Vegāns", "Bez ierobežojumiem"]
    # Nobody chose it: it is gone, not archived.
    assert session.scalar(select(QuestionOption).where(QuestionOption.text_lv == "Veģetārietis")) is None


def test_an_option_people_chose_is_archived_when_taken_out(session):
    event = create_event(session)
    menu = ask(session, event)
    vegan = option(menu, "Vegāns")
    person = create_registration(session, event, answers={menu.id: AnswerValue(option_ids=(vegan.id,))})

    questions.update_question(session, None, menu, QuestionData(
        kind=QuestionKind.ONE_CHOICE, text_lv="Ēdienkarte", options_lv=["Veģetārietis", "Bez ierobežojumiem"],
    ), utcnow())

    assert vegan.archived_at is not None
    assert vegan not in menu.active_options
    assert chosen_texts(session, person.id, menu) == ["Vegāns"]
    with pytest.raises(DomainError) as refused:  # no longer offered to anyone new
        create_registration(session, event, answers={menu.id: AnswerValue(option_ids=(vegan.id,))})
    assert refused.value.field == f"question_{menu.id}"


def test_a_question_people_answered_is_archived_one_nobody_answered_is_deleted(session):
    event = create_event(session)
    answered, unanswered = ask(session, event), ask(session, event, text="Cits")
    create_registration(session, event, answers={answered.id: AnswerValue(option_ids=(answered.options[0].id,))})

    assert questions.remove_question(session, None, answered, utcnow()) is True
    assert questions.remove_question(session, None, unanswered, utcnow()) is False

    assert answered.archived_at is not None
    assert session.scalar(select(func.count()).select_from(Question)) == 1
    assert questions.event_questions(session, event) == []
    columns = answering.question_columns(session, event, "en")
    assert [(q.id, header) for q, header in columns] == [(answered.id, "Menu (removed)")]
    assert session.scalar(select(func.count()).select_from(Answer)) == 1
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"question.add", "question.archive", "question.delete"} <= actions


def test_the_kind_of_an_answered_question_cannot_change(session):
    event = create_event(session)
    menu = ask(session, event)
    create_registration(session, event, answers={menu.id: AnswerValue(option_ids=(menu.options[0].id,))})
    with pytest.raises(DomainError) as refused:
        questions.update_question(session, None, menu, QuestionData(kind=QuestionKind.SHORT_TEXT, text_lv="Ēdienkarte"), utcnow())
    assert refused.value.field == "kind"


def test_a_required_question_must_be_answered(session):
    event = create_event(session)
    menu = ask(session, event, required=True)
    with pytest.raises(DomainError) as refused:
        create_registration(session, event)
    assert refused.value.field == f"question_{menu.id}"
    assert session.scalar(select(func.count()).select_from(Registration)) == 0


def test_an_optional_question_left_empty_keeps_no_row(session):
    event = create_event(session)
    note = ask(session, event, kind=QuestionKind.SHORT_TEXT, options=())
    person = create_registration(session, event, answers={note.id: AnswerValue(text="   ")})
    assert person.answers == []


def test_several_choices_keep_each_choice_in_the_question_s_order(session):
    event = create_event(session)
    topics = ask(session, event, kind=QuestionKind.MANY_CHOICES, options=("Vide", "Izglītība", "Veselība"))
    chosen = (option(topics, "Veselība").id, option(topics, "Vide").id)
    person = create_registration(session, event, answers={topics.id: AnswerValue(option_ids=chosen)})
    assert chosen_texts(session, person.id, topics) == ["Vide", "Veselība"]


def test_one_choice_takes_only_one(session):
    event = create_event(session)
    menu = ask(session, event)
    with pytest.raises(DomainError):
        create_registration(session, event, answers={menu.id: AnswerValue(option_ids=tuple(o.id for o in menu.options))})


def test_an_option_of_another_question_is_refused(session):
    event = create_event(session)
    menu, other = ask(session, event), ask(session, event, text="Cits")
    with pytest.raises(DomainError) as refused:
        create_registration(session, event, answers={menu.id: AnswerValue(option_ids=(other.options[0].id,))})
    assert refused.value.field == f"question_{menu.id}"


@pytest.mark.parametrize("options, options_en, field", [
    ([f"Variants {n}" for n in range(300)], [], "options_lv"),
    (["x" * 5000], [], "options_lv"),
    (["", "   ", ""], [], "options_lv"),
    (["Jā", "Jā"], [], "options_lv"),
    (["Viens", "Divi"], ["One"], "options_en"),
])
def test_odd_options_are_refused_with_a_reason(session, options, options_en, field):
    event = create_event(session)
    with pytest.raises(DomainError) as refused:
        ask(session, event, options=options, options_en=options_en)
    assert refused.value.field == field
    assert str(refused.value.message)


def test_empty_lines_between_options_are_dropped(session):
    event = create_event(session)
    menu = ask(session, event, options=("Viens", "", "  Divi  ", ""))
    assert [o.text_lv for o in menu.options] == ["Viens", "Divi"]


def test_moving_a_question_swaps_it_with_its_neighbour(session):
    event = create_event(session)
    first, second, third = (ask(session, event, text=t) for t in ("Pirmais", "Otrais", "Trešais"))
    assert questions.move_question(session, None, third, -1) is True
    assert questions.move_question(session, None, first, -1) is False
    assert [q.text_lv for q in questions.event_questions(session, event)] == ["Pirmais", "Trešais", "Otrais"]


def test_the_person_changes_answers_until_registration_closes(session):
    event = create_event(session)
    menu = ask(session, event, required=True)
    vegan, other = option(menu, "Vegāns"), option(menu, "Bez ierobežojumiem")
    person = create_registration(session, event, answers={menu.id: AnswerValue(option_ids=(vegan.id,))})

    assert answering.update_answers(session, person, {menu.id: AnswerValue(option_ids=(other.id,))}, utcnow()) == [menu.id]
    assert chosen_texts(session, person.id, menu) == ["Bez ierobežojumiem"]

    event.registration_closes_at = utcnow()
    with pytest.raises(DomainError):
        answering.update_answers(session, person, {menu.id: AnswerValue(option_ids=(vegan.id,))}, utcnow())


def test_an_archived_option_stays_the_person_s_to_keep(session):
    event = create_event(session)
    menu = ask(session, event)
    vegan = option(menu, "Vegāns")
    person = create_registration(session, event, answers={menu.id: AnswerValue(option_ids=(vegan.id,))})
    questions.update_question(session, None, menu, QuestionData(
        kind=QuestionKind.ONE_CHOICE, text_lv="Ēdienkarte", options_lv=["Veģetārietis"]), utcnow())
    # Saving the page unchanged keeps it; nobody else may choose it.
    assert answering.update_answers(session, person, {menu.id: AnswerValue(option_ids=(vegan.id,))}, utcnow()) == []


def test_filters_find_the_people_by_their_answer(session):
    event = create_event(session)
    menu = ask(session, event)
    coming = ask(session, event, kind=QuestionKind.YES_NO, options=(), text="Vakariņas")
    vegan = option(menu, "Vegāns")
    anna = create_registration(session, event, answers={menu.id: AnswerValue(option_ids=(vegan.id,)),
                                                       coming.id: AnswerValue(yes_no=False)})
    juris = create_registration(session, event, answers={coming.id: AnswerValue(yes_no=True)})
    people = select(Registration.id).where(Registration.event_id == event.id)

    def found(question, value):
        return set(session.scalars(answering.filter_by_answer(people, question, value)))

    assert found(menu, str(vegan.id)) == {anna.id}
    assert found(menu, "unanswered") == {juris.id}
    assert found(coming, "yes") == {juris.id}
    assert found(coming, "no") == {anna.id}
    assert found(menu, "not-a-value") == {anna.id, juris.id}
    assert [value for value, _ in answering.filter_choices(coming, "lv")] == ["yes", "no", "unanswered"]
    with session.no_autoflush:
        assert answering.answer_text(coming, AnswerValue(yes_no=False), "lv") == "Nē"
        assert answering.answer_text(coming, AnswerValue(yes_no=True), "en") == "Yes"


def test_answers_of_many_people_are_read_in_one_query(session, count_queries):
    event = create_event(session)
    menu = ask(session, event, kind=QuestionKind.MANY_CHOICES)
    ids = [create_registration(session, event, answers={menu.id: AnswerValue(option_ids=(menu.options[n % 3].id,))}).id
           for n in range(6)]
    session.commit()
    session.refresh(event)
    with count_queries() as queries:
        found = answering.answers_by_registration(session, event, ids)
    assert len(queries) == 1
    assert sorted(found) == sorted(ids)


def test_deleting_personal_data_deletes_the_answers(session):
    event = create_event(session)
    note = ask(session, event, kind=QuestionKind.LONG_TEXT, options=())
    person = create_registration(session, event, answers={note.id: AnswerValue(text="Mans tālrunis 20000000")})
    assert lifecycle.export_personal_data(person)["answers"] == [{"question": "Ēdienkarte", "answer": "Mans tālrunis 20000000"}]
    lifecycle.delete_personal_data(session, person, utcnow())
    session.flush()
    assert session.scalar(select(func.count()).select_from(Answer)) == 0


def test_the_confirmation_mail_lists_the_answers(session):
    from eventapp.models import OutboxMessage

    event = create_event(session)
    menu = ask(session, event)
    create_registration(session, event, answers={menu.id: AnswerValue(option_ids=(option(menu, "Vegāns").id,))})
    message = session.scalar(select(OutboxMessage))
    assert "Ēdienkarte: Vegāns" in message.body_text
    assert "Vegāns" in message.body_html
