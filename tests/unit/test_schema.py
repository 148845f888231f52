"""The migrations and the models describe the same schema, and the absolute rules hold in the database."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from eventapp.extensions import db
from eventapp.models import AttendanceMode, Registration, RegistrationStatus, Sector, TrackChoice, utcnow

from ..factories import create_event


def test_migrations_and_models_agree(session):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_model_table_exists(session):
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= tables
    assert {"event", "slot", "track", "organisation", "event_co_host", "registration", "track_choice",
            "user", "check_in", "check_in_link", "delegation_request", "summary", "summary_file",
            "outbox_message", "outbox_attachment", "audit_entry"} <= tables


def _registration(event, email="anna@example.lv", **values):
    return Registration(
        event=event, email=email, full_name="Anna Bērziņa", sector=Sector.NGO,
        status=RegistrationStatus.CONFIRMED, attendance_mode=AttendanceMode.IN_PERSON,
        consent_data_at=utcnow(), consent_wording_version="2025-1",
        secret=values.pop("secret", email + "-s"), badge_secret=values.pop("badge_secret", email + "-b"), **values,
    )


def test_one_registration_per_email_per_event(session):
    event = create_event(session)
    session.add(_registration(event))
    session.flush()
    session.add(_registration(event, secret="other", badge_secret="other-b"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_one_track_per_slot_per_registration(session):
    event = create_event(session, tracks=2)
    first, second = event.slots[0].tracks
    registration = _registration(event)
    session.add(registration)
    session.flush()
    session.add(TrackChoice(registration=registration, track_id=first.id, slot_id=first.slot_id, status=RegistrationStatus.CONFIRMED))
    session.flush()
    session.add(TrackChoice(registration=registration, track_id=second.id, slot_id=second.slot_id, status=RegistrationStatus.CONFIRMED))
    with pytest.raises(IntegrityError):
        session.flush()


def test_a_choice_must_name_its_track_s_own_slot(session):
    event = create_event(session, tracks=1)
    other = create_event(session, tracks=1)
    track = event.slots[0].tracks[0]
    registration = _registration(event)
    session.add(registration)
    session.flush()
    session.add(TrackChoice(registration=registration, track_id=track.id, slot_id=other.slots[0].id,
                            status=RegistrationStatus.CONFIRMED))
    with pytest.raises(IntegrityError):
        session.flush()


def test_times_come_back_aware_and_in_utc(session):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    riga_noon = datetime(2025, 9, 3, 12, 0, tzinfo=ZoneInfo("Europe/Riga"))
    event = create_event(session, starts_at=riga_noon)
    event_id = event.id
    session.commit()
    session.expire_all()
    loaded = session.get(type(event), event_id)
    assert loaded.starts_at.utcoffset().total_seconds() == 0
    assert loaded.starts_at == riga_noon
    assert loaded.starts_at.hour == 9  # 12:00 in Riga in summer is 09:00 UTC
