"""What an address names inside an event, or 404: a time block, a track, a registration.

Looked up within the event of the address, so that an id of another event is never found.
The admin and check-in blueprints share these; the event itself comes from
`permissions.event_for`, which also asks whether the user may act on it.
"""
from flask import abort
from sqlalchemy import select

from .extensions import db
from .models import Event, Registration, Slot, Track


def get_slot(event: Event, slot_id: int) -> Slot:
    slot = db.session.scalar(select(Slot).where(Slot.id == slot_id, Slot.event_id == event.id))
    if slot is None:
        abort(404)
    return slot


def get_track(event: Event, track_id: int) -> Track:
    track = db.session.scalar(
        select(Track).join(Slot).where(Track.id == track_id, Slot.event_id == event.id)
    )
    if track is None:
        abort(404)
    return track


def get_registration(event: Event, registration_id: int, *, anonymised: bool = False) -> Registration:
    """The event's registration; one whose personal data were deleted only with `anonymised=True`."""
    registration = db.session.scalar(
        select(Registration).where(Registration.id == registration_id, Registration.event_id == event.id)
    )
    if registration is None or (registration.anonymised_at is not None and not anonymised):
        abort(404)
    return registration


def get_private_registration(token: str) -> Registration:
    """The registration of a participant's private link (/r/<token>), while it has personal data."""
    registration = db.session.scalar(select(Registration).where(Registration.secret == token))
    if registration is None or registration.anonymised_at is not None:
        abort(404)
    return registration
