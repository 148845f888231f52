"""No overselling: many people registering at the same moment, each through its own connection."""
import threading

from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import (
    AttendanceMode,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Sector,
    TrackChoice,
    utcnow,
)
from eventapp.services.registration import lifecycle as reg

from ..factories import create_event

PEOPLE = 50
SEATS = 5


def test_fifty_at_once_for_five_seats_gives_five_seats_and_an_ordered_waiting_list(app):
    def setup(session):
        event = create_event(session, tracks=1, track_capacity=SEATS)
        return event.id, event.slots[0].id, event.tracks[0].id

    with app.app_context():
        event_id, slot_id, track_id = setup(db.session)
        db.session.commit()

    start = threading.Barrier(PEOPLE)
    errors: list[BaseException] = []

    def register(n: int) -> None:
        data = reg.RegistrationData(
            full_name=f"Dalībnieks {n}", email=f"p{n}@example.lv", sector=Sector.NGO,
            attendance_mode=AttendanceMode.IN_PERSON, track_ids={slot_id: track_id}, consent_data=True,
        )
        try:
            with app.app_context():  # an app context of its own: its own session and connection
                start.wait(timeout=60)
                reg.register(db.session, event_id, data, utcnow())
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    with app.app_context():
        choices = db.session.scalars(select(TrackChoice).order_by(TrackChoice.id)).all()
        statuses = [choice.status for choice in choices]
        assert len(choices) == PEOPLE
        # The first five to reach the lock have the seats; everyone after them waits, in order.
        assert statuses == [RegistrationStatus.CONFIRMED] * SEATS + [RegistrationStatus.WAITLISTED] * (PEOPLE - SEATS)
        positions = [reg.registration_details(db.session, c.registration)["choices"][0][1] for c in choices[SEATS:]]
        assert positions == list(range(1, PEOPLE - SEATS + 1))
        # Every registration has its message, written in the same transaction.
        with_mail = set(db.session.scalars(select(OutboxMessage.registration_id)))
        assert with_mail == set(db.session.scalars(select(Registration.id)))
