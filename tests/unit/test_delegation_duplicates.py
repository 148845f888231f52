"""An institution is asked once per track while its request is open: a second request (a double
click, a second tab, two organisers at the same moment) is refused, with no second mail."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventapp.extensions import db
from eventapp.models import DelegationRequest, DelegationStatus, OutboxMessage, Sector, utcnow
from eventapp.services.coverage import delegation
from eventapp.services.exceptions import DomainError

from ..factories import create_event, create_organisation


def ministry(session, name="Labklājības ministrija"):
    return create_organisation(session, name=name, sector=Sector.STATE_ADMINISTRATION)


def request_mails(session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "delegation_request"))


def test_the_same_institution_is_not_asked_twice_while_its_request_is_open(session):
    welfare = ministry(session)
    event = create_event(session, tracks=2, state_admin_minimum=1)
    track, other_track = event.tracks
    now = utcnow()
    delegation.send_request(session, None, track, welfare, "a@lm.gov.lv", "", now)
    with pytest.raises(DomainError) as refused:
        delegation.send_request(session, None, track, welfare, "b@lm.gov.lv", "", now + timedelta(minutes=1))
    assert refused.value.field == "organisation_id"
    assert "nav atbildējusi" in str(refused.value.message)
    assert request_mails(session) == 1
    # Another institution, or the same one for another track, may be asked.
    delegation.send_request(session, None, track, ministry(session, "Veselības ministrija"), "c@vm.gov.lv", "", now)
    delegation.send_request(session, None, other_track, welfare, "d@lm.gov.lv", "", now)
    assert request_mails(session) == 3


@pytest.mark.parametrize("answer", ["declined", "expired"])
def test_once_the_request_is_answered_or_expired_the_institution_may_be_asked_again(session, answer):
    welfare = ministry(session)
    event = create_event(session, tracks=1, state_admin_minimum=1)
    track = event.tracks[0]
    now = utcnow()
    first = delegation.send_request(session, None, track, welfare, "a@lm.gov.lv", "", now, deadline=now + timedelta(days=1))
    if answer == "declined":
        delegation.decline_request(session, first, now)
        later = now
    else:
        later = now + timedelta(days=2)  # past the deadline, before the expiry job has run
    again = delegation.send_request(session, None, track, welfare, "a@lm.gov.lv", "", later)
    assert again.status is DelegationStatus.SENT and request_mails(session) == 2


def test_two_requests_at_the_same_moment_make_one(app):
    with app.app_context():
        event = create_event(db.session, tracks=1, state_admin_minimum=1)
        track_id, organisation_id = event.tracks[0].id, ministry(db.session).id
        db.session.commit()

    start = threading.Barrier(2)
    refused: list[DomainError] = []
    errors: list[BaseException] = []

    def send(n: int) -> None:
        try:
            with app.app_context():  # its own session and connection
                from eventapp.models import Organisation, Track
                track, organisation = db.session.get(Track, track_id), db.session.get(Organisation, organisation_id)
                start.wait(timeout=60)
                try:
                    delegation.send_request(db.session, None, track, organisation, f"{n}@lm.gov.lv", "", utcnow())
                    db.session.commit()
                except DomainError as error:
                    db.session.rollback()
                    refused.append(error)
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(refused) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DelegationRequest)) == 1
        assert request_mails(db.session) == 1
