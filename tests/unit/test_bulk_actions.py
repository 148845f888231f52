"""Several registrations at once: the same request twice at the same moment does nothing twice,
and the ids a form sends are read without spending long on junk."""
import threading

import pytest
from sqlalchemy import func, select

from eventapp.extensions import db
from eventapp.models import Event, OutboxMessage, utcnow
from eventapp.services.exceptions import DomainError
from eventapp.services.registration import bulk_actions

from ..factories import create_event, create_registration

REQUESTS = 8
PEOPLE = 5


def test_resending_at_the_same_moment_sends_each_link_once(app):
    """A double click, or several organisers at once: each person gets the link once."""
    with app.app_context():
        event = create_event(db.session, tracks=1)
        ids = [create_registration(db.session, event).id for _ in range(PEOPLE)]
        event_id = event.id
        db.session.commit()

    start = threading.Barrier(REQUESTS)
    errors: list[BaseException] = []
    done: list[int] = []

    def resend() -> None:
        try:
            with app.test_request_context():  # its own session and connection
                session = db.session
                event = session.get(Event, event_id)
                registrations = bulk_actions.event_registrations(session, event, ids)
                start.wait(timeout=60)
                outcome = bulk_actions.resend_many(session, event, registrations, utcnow())
                session.commit()
                done.append(len(outcome.done))
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=resend) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(done) == [0] * (REQUESTS - 1) + [PEOPLE]
    with app.app_context():
        sent = db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == bulk_actions.RESEND_KIND)
        )
        assert sent == PEOPLE


def counted(values, drawn: list[int]):
    """`values`, counting in `drawn` how many were read."""
    for value in values:
        drawn[0] += 1
        yield value


def test_too_many_ids_are_refused_as_soon_as_seen_and_said_why(app):
    with app.test_request_context():
        drawn = [0]
        with pytest.raises(DomainError) as refused:
            bulk_actions.parse_ids(counted((str(n) for n in range(1, 200000)), drawn))
        assert str(refused.value.message) in ("Choose at most 200 people at a time.",
                                              "Vienā reizē izvēlieties ne vairāk kā 200 cilvēkus.")
        assert drawn[0] == bulk_actions.MAX_PEOPLE + 1  # read no further than the first one too many
        # The same few ids over and over: refused once there are more values than any form sends.
        drawn = [0]
        with pytest.raises(DomainError):
            bulk_actions.parse_ids(counted(["1", "2"] * 100000, drawn))
        assert drawn[0] == bulk_actions.MAX_VALUES + 1
        assert bulk_actions.parse_ids([str(n) for n in range(1, 201)]) == list(range(1, 201))
        assert bulk_actions.parse_ids(["3", "1", "3", "2", "1"]) == [3, 1, 2]
        assert bulk_actions.parse_ids(["1", "x"]) is None
        assert bulk_actions.parse_ids([]) is None
