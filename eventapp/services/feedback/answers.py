"""Answering the survey: once per invitation, and the answers kept apart from who gave them.

The invitation is marked answered by a conditional UPDATE (`answered_at IS NULL`) before the
answers are written: of two submits at the same moment only one changes that row, so only one
response is stored (PostgreSQL makes the second wait for the first and then finds nothing to
change; SQLite has one writer at a time). The response carries no link to the invitation.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...models import FeedbackInvitation, FeedbackResponse, FeedbackTrackAnswer, StateAdminPresence, Track
from ..exceptions import DomainError
from .invitations import attended_tracks, is_open

TOKEN_MAX_LENGTH = 64
TEXT_MAX_LENGTH = 4000


@dataclass
class TrackAnswer:
    track_id: int
    rating: int
    state_admin_present: StateAdminPresence


@dataclass
class SurveyAnswers:
    tracks: list[TrackAnswer] = field(default_factory=list)
    what_to_change: str = ""
    comments: str = ""


class SurveyClosed(DomainError):
    pass


def find_invitation(session: Session, token: str) -> FeedbackInvitation | None:
    """The invitation of a survey link, or None for a mistyped, cut or made-up one."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return session.scalar(select(FeedbackInvitation).where(FeedbackInvitation.token == token))


def survey_tracks(session: Session, invitation: FeedbackInvitation) -> list[Track]:
    """The tracks the survey asks about: those the person attended."""
    return attended_tracks(session, invitation.registration)


def submit_feedback(session: Session, invitation: FeedbackInvitation, answers: SurveyAnswers, now: datetime) -> bool:
    """Store the answers; False (and nothing changed) when the invitation was answered already."""
    if not is_open(invitation.event, now):
        raise SurveyClosed(_("The survey is closed."))
    expected = {track.id for track in survey_tracks(session, invitation)}
    given = [answer.track_id for answer in answers.tracks]
    if sorted(given) != sorted(expected):
        raise DomainError(_("Answer the questions about each working group you attended."))
    for answer in answers.tracks:
        if not 1 <= answer.rating <= 5:
            raise DomainError(_("Choose a rating from 1 to 5."))
    claimed = session.execute(
        update(FeedbackInvitation)
        .where(FeedbackInvitation.id == invitation.id, FeedbackInvitation.answered_at.is_(None))
        .values(answered_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    session.add(FeedbackResponse(
        event_id=invitation.event_id,
        what_to_change=answers.what_to_change.strip()[:TEXT_MAX_LENGTH],
        comments=answers.comments.strip()[:TEXT_MAX_LENGTH],
        answers=[
            FeedbackTrackAnswer(track_id=a.track_id, rating=a.rating, state_admin_present=a.state_admin_present)
            for a in answers.tracks
        ],
    ))
    session.flush()
    session.refresh(invitation, ["answered_at"])
    return True
