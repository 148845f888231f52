"""Feedback after an event: who is asked, when, once; answers kept apart from people; counts only from three."""
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from eventapp.extensions import db
from eventapp.formatting import RIGA
from eventapp.models import (
    AttendanceMode,
    CheckIn,
    EventStatus,
    FeedbackInvitation,
    FeedbackResponse,
    FeedbackTrackAnswer,
    OutboxMessage,
    StateAdminPresence,
    utcnow,
)
from eventapp.services.demo import seed_demo
from eventapp.services.feedback import answers as feedback
from eventapp.services.feedback import invitations, results

from ..factories import create_event, create_registration

YES, NO, DONT_KNOW = StateAdminPresence.YES, StateAdminPresence.NO, StateAdminPresence.DONT_KNOW
# An event in Riga on 10 March 2026, 10:00–16:00 (UTC+2 in winter).
STARTS = datetime(2026, 3, 10, 10, tzinfo=RIGA)


def past_event(session, **values):
    values.setdefault("starts_at", STARTS)
    values.setdefault("ends_at", values["starts_at"] + timedelta(hours=6))
    values.setdefault("remote_allowed", True)
    return create_event(session, tracks=2, **values)


def person(session, event, *, came=True, undone=False, track=0, **values):
    registration = create_registration(
        session, event, now=event.starts_at - timedelta(days=5),
        track_ids={event.slots[0].id: event.tracks[track].id}, **values,
    )
    if came:
        session.add(CheckIn(registration=registration, scan_id=f"scan-{registration.id}",
                            scanned_at=event.starts_at, recorded_at=event.starts_at,
                            undone_at=event.starts_at + timedelta(minutes=1) if undone else None))
    session.flush()
    return registration


def next_morning(event, hour=10):
    return invitations.send_moment(event, hour)


def invited_emails(session):
    return sorted(session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == "feedback_request")))


def test_only_people_checked_in_are_invited_with_the_tracks_they_attended(session):
    event = past_event(session)
    came = person(session, event, email="ieradas@example.lv", track=1)
    person(session, event, came=False, email="neieradas@example.lv")
    person(session, event, undone=True, email="atsaukts@example.lv")
    person(session, event, came=False, attendance_mode=AttendanceMode.REMOTE, email="attalinati@example.lv")

    attended = invitations.attended_registrations(session, event)
    assert [(a.registration.id, [t.id for t in a.tracks]) for a in attended] == [(came.id, [event.tracks[1].id])]

    report = invitations.send_feedback_requests(session, next_morning(event))
    assert (report.events, report.sent) == (1, 1)
    assert invited_emails(session) == ["ieradas@example.lv"]
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "feedback_request"))
    token = session.scalar(select(FeedbackInvitation.token))
    assert f"/feedback/{token}" in message.body_text and len(token) >= 40
    assert "Darba grupa 2" in message.body_text and "Darba grupa 1" not in message.body_text


def test_sent_the_day_after_at_the_configured_hour_once_and_never_for_a_cancelled_event(session):
    event = past_event(session)
    cancelled = past_event(session)
    person(session, event)
    person(session, cancelled)
    cancelled.status = EventStatus.CANCELLED
    evening = datetime(2026, 3, 10, 20, tzinfo=RIGA)
    assert invitations.send_feedback_requests(session, evening).sent == 0
    assert invitations.send_feedback_requests(session, datetime(2026, 3, 11, 7, 59, tzinfo=RIGA), send_hour=8).sent == 0
    assert invitations.send_feedback_requests(session, datetime(2026, 3, 11, 8, tzinfo=RIGA), send_hour=8).sent == 1
    assert invitations.send_feedback_requests(session, datetime(2026, 3, 12, 12, tzinfo=RIGA)).sent == 0
    assert session.scalar(select(func.count()).select_from(FeedbackInvitation)) == 1
    assert len(invited_emails(session)) == 1


def test_no_invitations_once_the_survey_has_closed(session):
    event = past_event(session)
    person(session, event)
    late = event.ends_at + timedelta(days=invitations.OPEN_DAYS, minutes=1)
    assert invitations.send_feedback_requests(session, late).sent == 0


def test_the_mail_speaks_the_registration_s_language(session):
    event = past_event(session)
    person(session, event, language="en", email="english@example.lv")
    person(session, event, language="lv", email="latviski@example.lv")
    invitations.send_feedback_requests(session, next_morning(event))
    subjects = dict(session.execute(select(OutboxMessage.to_address, OutboxMessage.subject)).all())
    assert subjects["english@example.lv"].startswith("How was it?")
    assert subjects["latviski@example.lv"].startswith("Kā jums patika?")


def invite(session, event, **values):
    registration = person(session, event, **values)
    invitations.invite_attendees(session, event, next_morning(event))
    return session.scalar(select(FeedbackInvitation).where(FeedbackInvitation.registration_id == registration.id))


def answer(event, track_index=0, rating=4, present=YES, what="", comments=""):
    return feedback.SurveyAnswers([feedback.TrackAnswer(event.tracks[track_index].id, rating, present)], what, comments)


def test_one_answer_per_invitation_kept_without_a_link_to_the_person(session):
    event = past_event(session)
    invitation = invite(session, event)
    now = next_morning(event)
    assert feedback.submit_feedback(session, invitation, answer(event, what="Vairāk laika"), now) is True
    assert invitation.answered_at == now
    assert feedback.submit_feedback(session, invitation, answer(event, rating=1), now) is False
    assert session.scalar(select(func.count()).select_from(FeedbackResponse)) == 1
    assert session.scalar(select(FeedbackTrackAnswer.rating)) == 4
    columns = {c.name for c in FeedbackResponse.__table__.columns} | {c.name for c in FeedbackTrackAnswer.__table__.columns}
    assert not {"registration_id", "invitation_id", "token", "email"} & columns


def test_answers_must_name_the_tracks_attended_and_a_closed_survey_refuses(session):
    event = past_event(session)
    invitation = invite(session, event, track=0)
    now = next_morning(event)
    with pytest.raises(feedback.DomainError):
        feedback.submit_feedback(session, invitation, answer(event, track_index=1), now)
    with pytest.raises(feedback.DomainError):
        feedback.submit_feedback(session, invitation, answer(event, rating=6), now)
    with pytest.raises(feedback.SurveyClosed):
        feedback.submit_feedback(session, invitation, answer(event), invitations.closes_at(event))
    assert invitation.answered_at is None


def test_counts_appear_only_from_three_answers(session):
    event = past_event(session)
    track = event.tracks[0]
    now = next_morning(event)
    given = [(5, NO, "Zīmes pie ieejas", ""), (3, NO, "", "Ļoti labi"), (4, DONT_KNOW, "Ātrāk sākt", "")]
    for rating, present, what, comments in given[:2]:
        feedback.submit_feedback(session, invite(session, event), answer(event, 0, rating, present, what, comments), now)
    two = results.event_results(session, event)
    assert (two.invited, two.answered) == (2, 2)
    assert not two.tracks[0].shown and two.tracks[0].ratings is None and not two.texts_shown
    assert results.participants_saw(session, event) == {track.id: None, event.tracks[1].id: None}

    rating, present, what, comments = given[2]
    feedback.submit_feedback(session, invite(session, event), answer(event, 0, rating, present, what, comments), now)
    invite(session, event)  # invited, not answering
    three = results.event_results(session, event)
    assert (three.invited, three.answered) == (4, 3)
    row = three.tracks[0]
    assert row.ratings == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1} and row.mean == 4.0
    assert (row.presence.yes, row.presence.no, row.presence.dont_know) == (0, 2, 1)
    assert three.what_to_change == ["Ātrāk sākt", "Zīmes pie ieejas"]  # alphabetical, not in the order given
    assert three.comments == ["Ļoti labi"]
    saw = results.participants_saw(session, event)
    assert saw[track.id] == results.PresenceCounts(yes=0, no=2, dont_know=1) and saw[event.tracks[1].id] is None


def test_results_table_hides_small_groups(session):
    event = past_event(session)
    feedback.submit_feedback(session, invite(session, event), answer(event), next_morning(event))
    table = results.results_table(event, results.event_results(session, event), "lv")
    assert table.rows[0][:4] == ["Darba grupas", "Darba grupa 1", 1, "mazāk nekā 3 atbildes; nav parādītas, lai atbildes paliktu anonīmas"]
    assert len(table.rows) == 2  # no free text rows under three responses


def test_two_submits_at_the_same_moment_store_one_response(app):
    with app.app_context():
        event = past_event(db.session)
        invitation = invite(db.session, event)
        token, track_id, now = invitation.token, event.tracks[0].id, next_morning(event)
        db.session.commit()

    start = threading.Barrier(2)
    outcomes, errors = [], []

    def submit():
        try:
            with app.app_context():
                found = feedback.find_invitation(db.session, token)
                answers = feedback.SurveyAnswers([feedback.TrackAnswer(track_id, 5, YES)])
                start.wait(timeout=30)
                outcomes.append(feedback.submit_feedback(db.session, found, answers, now))
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(outcomes) == [False, True]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 1
        assert db.session.scalar(select(func.count()).select_from(FeedbackTrackAnswer)) == 1


def test_jekabpils_participants_of_one_track_report_state_administration_absent(session):
    seed_demo(session, utcnow())
    from eventapp.models import Event

    event = session.scalar(select(Event).where(Event.slug == "2025-09-03-jekabpils-regional-session"))
    saw = results.participants_saw(session, event)
    absent = [track for track in event.tracks if saw[track.id] and saw[track.id].no > saw[track.id].yes]
    assert [track.title_lv for track in absent] == [
        "Birokrātijas mazināšanas iespējas sadarbībā ar nevalstiskajām organizācijām"
    ]
    assert all(saw[track.id] is not None for track in event.tracks)  # every track has three answers or more
    assert all(saw[track.id].yes > saw[track.id].no for track in event.tracks if track not in absent)
    summary = results.event_results(session, event)
    # 13 who came in person, and the Culture Ministry's expert who joined remotely (the demo records her join)
    assert (summary.invited, summary.answered) == (14, 13)
    assert any("Valsts kancelejai" in text for text in summary.what_to_change)
    assert seed_demo(session, utcnow()) == []  # seeding again adds no second survey
    assert session.scalar(select(func.count()).select_from(FeedbackResponse)) == 13


def test_a_dead_token_finds_nothing(session):
    assert feedback.find_invitation(session, "") is None
    assert feedback.find_invitation(session, "x" * 500) is None
    assert feedback.find_invitation(session, "nav-tada") is None


def test_send_moment_is_next_day_in_riga(session):
    event = past_event(session, starts_at=datetime(2026, 6, 30, 20, tzinfo=timezone.utc),
                       ends_at=datetime(2026, 6, 30, 21, 30, tzinfo=timezone.utc))  # 00:30 on 1 July in Riga
    assert invitations.send_moment(event) == datetime(2026, 7, 2, 10, tzinfo=RIGA)


def test_the_survey_mail_reaches_exactly_the_people_who_attended(mail_app, smtp_server):
    """Through a real SMTP server: the daily command, then the sender; run again, nothing more."""
    with mail_app.app_context():
        starts = utcnow().replace(microsecond=0) - timedelta(days=3)
        event = past_event(db.session, starts_at=starts)
        person(db.session, event, email="anna@example.lv")
        person(db.session, event, email="john@example.lv", language="en", track=1)
        person(db.session, event, came=False, email="neatnaca@example.lv")
        person(db.session, event, undone=True, email="kluda@example.lv")
        person(db.session, event, came=False, attendance_mode=AttendanceMode.REMOTE, email="tiessaiste@example.lv")
        db.session.commit()
    runner = mail_app.test_cli_runner()
    assert "sent 5" in runner.invoke(args=["send-mail"]).output  # the registration confirmations, first
    smtp_server.messages.clear()
    queued = runner.invoke(args=["send-feedback-requests"])
    assert queued.exit_code == 0, queued.output
    assert "events 1, survey links queued 2" in queued.output
    assert "sent 2" in runner.invoke(args=["send-mail"]).output
    assert "survey links queued 0" in runner.invoke(args=["send-feedback-requests"]).output
    assert "sent 0" in runner.invoke(args=["send-mail"]).output

    by_address = {m["X-Envelope-To"]: m for m in smtp_server.messages}
    assert sorted(by_address) == ["anna@example.lv", "john@example.lv"]
    assert by_address["anna@example.lv"]["Subject"].startswith("Kā jums patika? Īsa aptauja")
    assert by_address["john@example.lv"]["Subject"].startswith("How was it? A short survey")
    with mail_app.app_context():
        tokens = set(db.session.scalars(select(FeedbackInvitation.token)))
    for message in smtp_server.messages:
        text = message.get_body(("plain",)).get_content()
        assert any(f"http://eventapp.test/feedback/{token}" in text for token in tokens)
        assert "Secretariat" in text or "sekretariāts" in text
