"""Registrations of old events are anonymised; the counts the reports need stay."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import String, Text, select

from eventapp.extensions import db
from eventapp.models import AttendanceMode, EventKind, Sector, utcnow
from eventapp.services.accounts import retention
from eventapp.services.registration import registration_list
from eventapp.services.registration.lifecycle import RegistrationData, register

from ..factories import create_event

NAME, EMAIL, PHONE = "Ēriks Ķēniņš-Žagata", "eriks.kenins@example.lv", "+371 29 123 456"


def test_add_months_keeps_the_day_or_the_month_end():
    moment = datetime(2025, 1, 31, 15, 0, tzinfo=timezone.utc)
    assert retention.add_months(moment, 1) == datetime(2025, 2, 28, 15, 0, tzinfo=timezone.utc)
    assert retention.add_months(moment, 12) == datetime(2026, 1, 31, 15, 0, tzinfo=timezone.utc)


def every_text_value(session) -> str:
    """Every text column of every table, joined: what a search of the database would find."""
    values = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
        if columns:
            for row in session.execute(select(*columns)):
                values.extend(str(v) for v in row if v)
    return "\n".join(values)


def test_anonymise_erases_people_of_old_events_and_keeps_the_counts(session):
    event = create_event(session, tracks=2, remote_allowed=True, kind=EventKind.REGIONAL_SESSION)
    data = RegistrationData(
        full_name=NAME, email=EMAIL, sector=Sector.STATE_ADMINISTRATION, attendance_mode=AttendanceMode.REMOTE,
        track_ids={event.slots[0].id: event.tracks[1].id}, consent_data=True, organisation_name="Kultūras ministrija",
        position="Vecākais eksperts", access_needs=f"Zvanīt pa tālruni {PHONE}", dietary_needs="Bez glutēna",
    )
    register(session, event.id, data, utcnow())
    register(session, event.id, RegistrationData(
        full_name="Anna Bērziņa", email="anna@example.lv", sector=Sector.NGO, attendance_mode=AttendanceMode.IN_PERSON,
        track_ids={event.slots[0].id: event.tracks[0].id}, consent_data=True), utcnow())
    session.flush()
    before = registration_list.registration_summary(session, event)
    assert NAME in every_text_value(session)

    config = {"RETENTION_MONTHS": {}}
    not_yet = event.ends_at + timedelta(days=300)
    assert retention.anonymise_due(session, config, not_yet) == []
    later = event.ends_at + timedelta(days=370)
    [(done_event, count)] = retention.anonymise_due(session, config, later)
    assert done_event is event and count == 2

    everything = every_text_value(session)
    for secret in (NAME, EMAIL, PHONE, "Anna Bērziņa", "anna@example.lv", "Vecākais eksperts", "Bez glutēna"):
        assert secret not in everything
    assert registration_list.registration_summary(session, event) == before
    assert retention.anonymise_due(session, config, later) == []  # nothing left to do
    [row] = retention.retention_overview(session, config, later)
    assert (row.waiting, row.anonymised) == (0, 2)


def test_retention_is_set_per_event_kind(session):
    forum = create_event(session, kind=EventKind.FORUM)
    config = {"RETENTION_MONTHS": {"forum": 24}}
    [row] = retention.retention_overview(session, config, forum.ends_at + timedelta(days=1))
    assert row.keep_until == retention.add_months(forum.ends_at, 24)
