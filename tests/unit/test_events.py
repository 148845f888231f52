"""Event rules, without HTTP."""
from datetime import timedelta

import pytest

from eventapp.models import AuditEntry, EventKind, EventStatus
from eventapp.services import events
from eventapp.services.exceptions import DomainError

from ..factories import create_event, create_user, future


def values(**overrides):
    base = {"kind": EventKind.FORUM, "title_lv": "Memoranda padomes forums", "starts_at": future(),
            "ends_at": future() + timedelta(hours=5)}
    return events.EventData(**(base | overrides))


def test_slugify_drops_latvian_diacritics():
    assert events.slugify("Izbraukuma sēde Jēkabpilī — ŽŪKLIS Ģ") == "izbraukuma-sede-jekabpili-zuklis-g"
    assert events.slugify("✓✓✓") == "pasakums"


def test_create_event_makes_a_unique_slug_and_a_draft(session):
    actor = create_user(session)
    first = events.create_event(session, actor, values())
    second = events.create_event(session, actor, values())
    assert first.status is EventStatus.DRAFT
    assert first.slug != second.slug and second.slug.startswith(first.slug)
    assert session.query(AuditEntry).filter_by(action="event.create").count() == 2


@pytest.mark.parametrize("overrides,field", [
    ({"ends_at": future() - timedelta(days=1)}, "ends_at"),
    ({"registration_opens_at": future(1), "registration_closes_at": future(0)}, "registration_closes_at"),
    ({"registration_closes_at": future(40)}, "registration_closes_at"),
])
def test_impossible_times_are_refused_naming_the_field(session, overrides, field):
    with pytest.raises(DomainError) as caught:
        events.create_event(session, None, values(**overrides))
    assert caught.value.field == field


def test_update_reports_changes_and_bumps_sequence_only_for_calendar_fields(session):
    event = create_event(session)
    assert events.update_event(session, None, event, events.EventData.of(event, description_lv="Jauns apraksts")) == {"description_lv"}
    assert event.sequence == 0
    assert events.update_event(session, None, event, events.EventData.of(event, city="Liepāja")) == {"city"}
    assert event.sequence == 1
    assert events.update_event(session, None, event, events.EventData.of(event, city="Liepāja")) == set()
    assert event.sequence == 1


def test_publish_and_cancel(session):
    event = create_event(session, status=EventStatus.DRAFT)
    events.publish_event(session, None, event)
    assert event.status is EventStatus.PUBLISHED
    events.cancel_event(session, None, event)
    assert event.status is EventStatus.CANCELLED and event.sequence == 1
    with pytest.raises(DomainError):
        events.publish_event(session, None, event)


def test_tracks_of_regional_sessions_and_forums_need_state_administration_by_default(session):
    for kind, expected in [(EventKind.REGIONAL_SESSION, 1), (EventKind.FORUM, 1), (EventKind.ONLINE_MEETING, 0)]:
        event = create_event(session, kind=kind)
        slot = events.add_slot(session, None, event, events.SlotData(title_lv="Grupas", starts_at=event.starts_at,
                                                                         ends_at=event.ends_at))
        track = events.add_track(session, None, slot, events.TrackData(title_lv="Grupa", state_admin_minimum=None))
        assert track.state_admin_minimum == expected


def test_slot_must_lie_within_the_event(session):
    event = create_event(session)
    with pytest.raises(DomainError):
        events.add_slot(session, None, event, events.SlotData(title_lv="Vēlu", starts_at=event.ends_at,
                                                                  ends_at=event.ends_at + timedelta(hours=1)))


def test_track_numbers_are_checked(session):
    event = create_event(session, tracks=1)
    track = event.tracks[0]
    with pytest.raises(DomainError) as caught:
        events.update_track(session, None, track, events.TrackData.of(track, capacity=2, state_admin_minimum=3))
    assert caught.value.field == "state_admin_minimum"
    assert events.update_track(session, None, track, events.TrackData.of(track, room="201. telpa")) == {"room"}


def test_new_tracks_go_last_in_their_slot(session):
    event = create_event(session, tracks=2)
    track = events.add_track(session, None, event.slots[0], events.TrackData(title_lv="Trešā"))
    assert [t.title_lv for t in event.slots[0].tracks][-1] == "Trešā"
    assert track.position == 3


def test_public_listing_splits_at_now_and_hides_drafts(session):
    from eventapp.models import utcnow

    past = create_event(session, starts_at=future(-10))
    upcoming = create_event(session)
    create_event(session, status=EventStatus.DRAFT)
    listing = events.public_events(session, utcnow())
    assert listing.upcoming == [upcoming] and listing.past == [past]


def test_moving_a_time_block_moves_the_event_in_calendars(session):
    event = create_event(session, tracks=1)
    slot = event.slots[0]
    events.update_slot(session, None, slot, events.SlotData.of(slot, title_lv="Darba grupas (jauns nosaukums)"))
    assert event.sequence == 0
    events.update_slot(session, None, slot, events.SlotData.of(slot, starts_at=slot.starts_at + timedelta(minutes=30)))
    assert event.sequence == 1


def test_the_organisers_forms_give_every_field_of_the_services_data(app):
    from eventapp.admin.forms import EventForm, SlotForm, TrackDetailsForm, TrackForm

    pairs = [(EventForm, events.EventData), (SlotForm, events.SlotData), (TrackForm, events.TrackData),
             (TrackDetailsForm, events.TrackDetailsData)]
    with app.test_request_context():
        for form_class, data_class in pairs:
            assert set(events.field_names(data_class)) <= set(form_class(meta={"csrf": False})._fields)


def test_the_audit_names_the_fields_that_changed(session):
    event = create_event(session, tracks=1)
    track = event.tracks[0]
    details = events.TrackDetailsData.of(track, room="12. telpa", facilitator_name="Ilze Ēce")
    assert events.update_track(session, None, track, details) == {"room", "facilitator_name"}
    events.update_event(session, None, event, events.EventData.of(event, city="Rīga", capacity=40))
    entries = session.query(AuditEntry).filter(AuditEntry.action.in_(["track.update", "event.update"])).all()
    assert sorted((e.action, tuple(e.details["fields"])) for e in entries) == [
        ("event.update", ("capacity", "city")), ("track.update", ("facilitator_name", "room"))]


def test_saving_without_a_change_records_nothing(session):
    event = create_event(session, tracks=1)
    slot, track = event.slots[0], event.tracks[0]
    before = session.query(AuditEntry).count()
    events.update_event(session, None, event, events.EventData.of(event))
    events.update_slot(session, None, slot, events.SlotData.of(slot))
    events.update_track(session, None, track, events.TrackData.of(track))
    assert session.query(AuditEntry).count() == before
