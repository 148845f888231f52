"""Two clicks at the same moment on a working group's meeting, each through its own connection (as
two gunicorn workers would run them): inviting, a member's answers, the protocol's decisions and its
approval take turns on the meeting's lock, so nothing is made twice and nothing is left half-changed."""
import threading
from datetime import timedelta

from sqlalchemy import func, select

from eventapp.extensions import db
from eventapp.models import (
    AttendanceMode,
    AuditEntry,
    Decision,
    Event,
    MeetingAnswer,
    MeetingAnswerChoice,
    OutboxMessage,
    Protocol,
    ProtocolEntry,
    ProtocolStatus,
    Registration,
    RegistrationStatus,
    utcnow,
)
from eventapp.services.exceptions import DomainError
from eventapp.services.working_groups import agenda, meetings, protocols

from .test_working_groups import make_group, make_meeting


def at_once(app, *actions) -> list:
    """Run each `action(session)` in a thread of its own (its own app context, session and
    connection), all released together; each commits, or rolls back on a DomainError. Returns what
    each returned or the DomainError it raised; any other error fails the test."""
    start = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)
    errors: list[BaseException] = []

    def work(n: int, action) -> None:
        try:
            with app.app_context():
                prepared = action(db.session)  # loads what the request would load before acting
                start.wait(timeout=60)
                try:
                    outcomes[n] = prepared()
                    db.session.commit()
                except DomainError as error:
                    db.session.rollback()
                    outcomes[n] = error
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return outcomes


def meeting_ids(app, under_way: bool = False, invite: bool = False) -> int:
    with app.app_context():
        now = utcnow()
        group = make_group(db.session, now)
        starts = {"starts_at": now - timedelta(minutes=30)} if under_way else {}
        event = make_meeting(db.session, group, now, **starts)
        agenda.add_item(db.session, None, event, agenda.AgendaItemData("Par darba plānu"), now)
        if invite:
            meetings.invite_members(db.session, None, event, now)
        db.session.commit()
        return event.id


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_invite_clicks_at_once_invite_each_member_once(app):
    event_id = meeting_ids(app)

    def invite(session):
        event = session.get(Event, event_id)
        return lambda: meetings.invite_members(session, None, event, utcnow())

    first, second = at_once(app, invite, invite)
    assert sorted([len(first), len(second)]) == [0, 3]  # the second finds everyone invited already
    with app.app_context():
        assert count(db.session, MeetingAnswer) == 3
        assert count(db.session, Registration) == 3
        assert count(db.session, OutboxMessage, OutboxMessage.kind == meetings.INVITATION_KIND) == 3


def consistent(answer: MeetingAnswer) -> bool:
    registration = answer.registration
    if answer.answer is MeetingAnswerChoice.ABSENT:
        return registration.status is RegistrationStatus.CANCELLED
    mode = AttendanceMode.REMOTE if answer.answer is MeetingAnswerChoice.REMOTE else AttendanceMode.IN_PERSON
    return registration.status is RegistrationStatus.CONFIRMED and registration.attendance_mode is mode


def test_a_member_s_answers_at_once_leave_the_answer_and_the_registration_agreeing(app):
    event_id = meeting_ids(app, invite=True)
    with app.app_context():
        secret = db.session.scalars(select(MeetingAnswer).order_by(MeetingAnswer.id)).first().member.secret

    def answering(choice):
        def prepare(session):
            meetings.find_invitation(session, secret, event_id).registration  # noqa: B018 — loaded, as the page does
            return lambda: meetings.answer_meeting(session, secret, event_id, choice, utcnow())
        return prepare

    pairs = [(MeetingAnswerChoice.REMOTE, MeetingAnswerChoice.ABSENT),
             (MeetingAnswerChoice.IN_PERSON, MeetingAnswerChoice.ABSENT),
             (MeetingAnswerChoice.ABSENT, MeetingAnswerChoice.REMOTE)] * 3
    for one, other in pairs:
        at_once(app, answering(one), answering(other))
        with app.app_context():
            answer = db.session.scalars(select(MeetingAnswer).where(MeetingAnswer.member.has(secret=secret))).one()
            assert consistent(answer), (one, other, answer.answer, answer.registration.status,
                                        answer.registration.attendance_mode)


def protocol_ids(app) -> tuple[int, int]:
    event_id = meeting_ids(app, under_way=True, invite=True)
    with app.app_context():
        event = db.session.get(Event, event_id)
        protocol = protocols.start_protocol(db.session, None, event, utcnow())
        entry_id = protocol.entries[0].id
        db.session.commit()
        return protocol.id, entry_id


def test_decisions_added_at_once_get_numbers_one_after_another(app):
    _protocol_id, entry_id = protocol_ids(app)

    def adding(n):
        def prepare(session):
            entry = session.get(ProtocolEntry, entry_id)
            return lambda: protocols.add_decision(session, None, entry, protocols.DecisionData(f"Lēmums {n}"), utcnow())
        return prepare

    at_once(app, *(adding(n) for n in range(3)))
    with app.app_context():
        positions = sorted(db.session.scalars(select(Decision.position).where(Decision.entry_id == entry_id)))
        assert positions == [1, 2, 3]
        document = protocols.protocol_document(db.session, db.session.get(ProtocolEntry, entry_id).protocol.event)
        assert [d.number for d in document.items[0].decisions] == ["1.1", "1.2", "1.3"]


def test_decisions_removed_at_once_leave_the_rest_numbered_without_gaps(app):
    _protocol_id, entry_id = protocol_ids(app)
    with app.app_context():
        entry = db.session.get(ProtocolEntry, entry_id)
        made = [protocols.add_decision(db.session, None, entry, protocols.DecisionData(f"Lēmums {n}"), utcnow()).id
                for n in range(4)]
        db.session.commit()

    def removing(decision_id):
        def prepare(session):
            decision = session.get(Decision, decision_id)
            decision.entry.decisions  # noqa: B018 — loaded, as the page does
            return lambda: protocols.remove_decision(session, None, decision, utcnow())
        return prepare

    at_once(app, removing(made[0]), removing(made[1]))
    with app.app_context():
        rows = db.session.execute(select(Decision.id, Decision.position).where(Decision.entry_id == entry_id)
                                  .order_by(Decision.position)).all()
        assert rows == [(made[2], 1), (made[3], 2)]


def test_approvals_at_once_approve_once_and_refuse_the_others(app):
    protocol_id, _entry_id = protocol_ids(app)

    def approving(session):
        protocol = session.get(Protocol, protocol_id)
        protocol.entries  # noqa: B018 — loaded, as the page does
        return lambda: protocols.approve(session, None, protocol, utcnow())

    outcomes = at_once(app, approving, approving, approving)
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(refused) == 2
    assert all(str(error.message) == "The protocol is approved and can no longer be changed." for error in refused)
    with app.app_context():
        assert count(db.session, AuditEntry, AuditEntry.action == "protocol.approve") == 1
        assert db.session.get(Protocol, protocol_id).status is ProtocolStatus.APPROVED


def test_a_change_racing_the_approval_changes_nothing_once_it_is_approved(app):
    protocol_id, entry_id = protocol_ids(app)

    def approving(session):
        protocol = session.get(Protocol, protocol_id)
        protocol.entries  # noqa: B018
        return lambda: protocols.approve(session, None, protocol, utcnow())

    def adding(session):
        entry = session.get(ProtocolEntry, entry_id)
        entry.protocol  # noqa: B018
        return lambda: protocols.add_decision(session, None, entry, protocols.DecisionData("Vēlāk"), utcnow())

    approved, added = at_once(app, approving, adding)
    with app.app_context():
        decisions = count(db.session, Decision, Decision.entry_id == entry_id)
        order = list(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.in_(["protocol.approve", "protocol.decision_add"])).order_by(AuditEntry.id)))
    assert not isinstance(approved, DomainError)
    if isinstance(added, DomainError):  # the approval came first: nothing was added after it
        assert decisions == 0 and order == ["protocol.approve"]
    else:  # the decision came first, and the approval waited for it
        assert decisions == 1 and order == ["protocol.decision_add", "protocol.approve"]
