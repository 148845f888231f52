"""Factories that build valid objects with as little as a test needs to say."""
import itertools
from datetime import datetime, timedelta, timezone

from eventapp.extensions import db
from eventapp.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    Organisation,
    Sector,
    Slot,
    Track,
    User,
    UserRole,
)
from eventapp.services.registration.lifecycle import RegistrationData, register

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def future(days: int = 30, hour: int = 10) -> datetime:
    """A moment `days` ahead, at an hour of the day in UTC."""
    base = datetime.now(timezone.utc).replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days)


def create_organisation(session, name: str | None = None, sector: Sector = Sector.NGO, policy_areas: str = "") -> Organisation:
    org = Organisation(name=name or f"biedrība \"Organizācija {next(_counter)}\"", sector=sector, policy_areas=policy_areas)
    session.add(org)
    session.flush()
    return org


def create_event(
    session, *, tracks: int = 0, track_capacity: int | None = 10, state_admin_minimum: int = 0, **values
) -> Event:
    """A published regional session a month ahead, optionally with one slot of `tracks` tracks.

    Its tracks hold no seats for state administration unless `state_admin_minimum` says so.
    """
    starts = values.pop("starts_at", future())
    n = next(_counter)
    event = Event(
        slug=values.pop("slug", f"pasakums-{n}"),
        kind=values.pop("kind", EventKind.REGIONAL_SESSION),
        status=values.pop("status", EventStatus.PUBLISHED),
        title_lv=values.pop("title_lv", f"Izbraukuma sēde Nr. {n}"),
        title_en=values.pop("title_en", f"Visiting session no. {n}"),
        city=values.pop("city", "Jēkabpils"),
        starts_at=starts,
        ends_at=values.pop("ends_at", starts + timedelta(hours=6)),
        **values,
    )
    session.add(event)
    if tracks:
        slot = Slot(title_lv="Darba grupas", title_en="Working groups",
                    starts_at=starts + timedelta(hours=3), ends_at=starts + timedelta(hours=4))
        event.slots.append(slot)
        for position in range(1, tracks + 1):
            slot.tracks.append(Track(position=position, title_lv=f"Darba grupa {position}",
                                     title_en=f"Working group {position}", capacity=track_capacity,
                                     state_admin_minimum=state_admin_minimum))
    session.flush()
    return event


def create_user(session, *, role: str | UserRole = UserRole.ORGANISER, email: str | None = None,
                organisation: Organisation | None = None, password: str = PASSWORD) -> User:
    user = User(email=email or f"lietotajs{next(_counter)}@example.lv", name="Anna Bērziņa",
                role=UserRole(role), organisation=organisation)
    user.set_password(password)
    session.add(user)
    session.flush()
    return user


class CommittingFactories:
    """The factories above, each in its own app context and committed, for tests through HTTP."""

    def __init__(self, app):
        self.app = app

    def run(self, fn):
        with self.app.app_context():
            result = fn(db.session)
            db.session.commit()
            return result

    def reset(self) -> None:
        """Empty every table, as between tests."""
        from .conftest import empty_database

        empty_database(self.app)

    def event(self, **values) -> str:
        return self.run(lambda s: create_event(s, **values).slug)

    def organisation(self, **values) -> int:
        return self.run(lambda s: create_organisation(s, **values).id)

    def user(self, **values) -> str:
        def build(s):
            org_id = values.pop("organisation_id", None)
            org = s.get(Organisation, org_id) if org_id else None
            return create_user(s, organisation=org, **values).email

        return self.run(build)


def create_registration(session, event: Event, now: datetime | None = None, **overrides):
    """Register someone through the service (NGO, in person, the first track of each slot, consent given)."""
    n = next(_counter)
    values = {
        "full_name": f"Dalībnieks {n}", "email": f"dalibnieks{n}@example.lv", "sector": Sector.NGO,
        "attendance_mode": AttendanceMode.IN_PERSON, "consent_data": True,
        "track_ids": {slot.id: slot.tracks[0].id for slot in event.slots if slot.tracks},
    }
    values.update(overrides)
    registration = register(session, event.id, RegistrationData(**values), now or datetime.now(timezone.utc)).registration
    session.flush()
    return registration
