"""What participants said, as counts that cannot single anyone out.

A count group (a track's ratings, its state-administration answers) is shown only when at least
MIN_ANSWERS people answered about that track; the free-text answers only when the event has at
least MIN_ANSWERS responses, and then sorted alphabetically, so that their order says nothing
about who wrote them or when.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...languages import in_language
from ...models import (
    Event,
    FeedbackInvitation,
    FeedbackResponse,
    FeedbackTrackAnswer,
    StateAdminPresence,
    Track,
)
from ..documents import spreadsheets
from ..organisations import latvian_sorted

MIN_ANSWERS = 3
RATINGS = (1, 2, 3, 4, 5)


@dataclass
class PresenceCounts:
    """How many said state administration was present in their group: yes, no, don't know."""

    yes: int = 0
    no: int = 0
    dont_know: int = 0

    @property
    def answers(self) -> int:
        return self.yes + self.no + self.dont_know

    def as_dict(self) -> dict[StateAdminPresence, int]:
        return {StateAdminPresence.YES: self.yes, StateAdminPresence.NO: self.no,
                StateAdminPresence.DONT_KNOW: self.dont_know}


@dataclass
class TrackResults:
    track: Track
    answers: int
    ratings: dict[int, int] | None = None  # None: fewer than MIN_ANSWERS, not shown
    mean: float | None = None
    presence: PresenceCounts | None = None

    @property
    def shown(self) -> bool:
        return self.ratings is not None


@dataclass
class EventResults:
    invited: int
    answered: int
    tracks: list[TrackResults] = field(default_factory=list)
    what_to_change: list[str] | None = None  # None: fewer than MIN_ANSWERS responses, not shown
    comments: list[str] | None = None

    @property
    def texts_shown(self) -> bool:
        return self.what_to_change is not None


def _answers(event: Event):
    return (
        select(FeedbackTrackAnswer.track_id)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackTrackAnswer.response_id)
        .where(FeedbackResponse.event_id == event.id)
    )


def _presence_counts(session: Session, event: Event) -> dict[int, PresenceCounts]:
    """{track id: PresenceCounts} over all the event's responses (one query)."""
    presence: dict[int, PresenceCounts] = {}
    for track_id, present, count in session.execute(
        _answers(event).add_columns(FeedbackTrackAnswer.state_admin_present, func.count())
        .group_by(FeedbackTrackAnswer.track_id, FeedbackTrackAnswer.state_admin_present)
    ):
        setattr(presence.setdefault(track_id, PresenceCounts()), present.value, count)
    return presence


def _track_counts(session: Session, event: Event) -> tuple[dict, dict]:
    """{track id: {rating: count}} and {track id: PresenceCounts}, over all the event's responses."""
    ratings: dict[int, dict[int, int]] = {}
    for track_id, rating, count in session.execute(
        _answers(event).add_columns(FeedbackTrackAnswer.rating, func.count())
        .group_by(FeedbackTrackAnswer.track_id, FeedbackTrackAnswer.rating)
    ):
        ratings.setdefault(track_id, dict.fromkeys(RATINGS, 0))[rating] = count
    return ratings, _presence_counts(session, event)


def participants_saw(session: Session, event: Event) -> dict[int, PresenceCounts | None]:
    """Per track id of `event`: what its participants said about state administration being
    present (yes / no / don't know counts), or None where fewer than MIN_ANSWERS answered. One
    query, however many tracks (with the event's tracks loaded)."""
    presence = _presence_counts(session, event)
    counts = {track.id: presence.get(track.id, PresenceCounts()) for track in event.tracks}
    return {track_id: c if c.answers >= MIN_ANSWERS else None for track_id, c in counts.items()}


def was_surveyed(session: Session, event: Event) -> bool:
    """Whether anyone was invited to the event's survey (one query)."""
    return session.scalar(
        select(FeedbackInvitation.id).where(FeedbackInvitation.event_id == event.id).limit(1)
    ) is not None


def _sorted_texts(texts) -> list[str]:
    """In Latvian alphabetical order, so that the order says nothing about who wrote what, or when."""
    return latvian_sorted([t.strip() for t in texts if t and t.strip()])


def event_results(session: Session, event: Event) -> EventResults:
    invited, answered = session.execute(
        select(func.count(), func.count(FeedbackInvitation.answered_at)).where(FeedbackInvitation.event_id == event.id)
    ).one()
    ratings, presence = _track_counts(session, event)
    tracks = []
    for track in event.tracks:
        counts = ratings.get(track.id, {})
        answers = sum(counts.values())
        result = TrackResults(track, answers)
        if answers >= MIN_ANSWERS:
            result.ratings = counts
            result.mean = round(sum(r * n for r, n in counts.items()) / answers, 1)
            result.presence = presence.get(track.id, PresenceCounts())
        tracks.append(result)
    results = EventResults(invited, answered, tracks)
    texts = session.execute(
        select(FeedbackResponse.what_to_change, FeedbackResponse.comments).where(FeedbackResponse.event_id == event.id)
    ).all()
    if len(texts) >= MIN_ANSWERS:
        results.what_to_change = _sorted_texts(row[0] for row in texts)
        results.comments = _sorted_texts(row[1] for row in texts)
    return results


def _header() -> list[str]:
    return [
        _("Time block"), _("Track"), _("Answers"), _("Mean rating"),
        *[_("Rating %(n)d", n=n) for n in RATINGS],
        _("State administration present: yes"), _("State administration present: no"),
        _("State administration present: don't know"),
    ]


def _track_row(row: TrackResults, locale: str) -> list:
    start = [row.track.slot.local("title", locale), row.track.local("title", locale), row.answers]
    if not row.shown:
        return start + [_("fewer than 3 answers; not shown to keep answers anonymous")] + [None] * 8
    presence = row.presence
    return start + [row.mean, *[row.ratings[n] for n in RATINGS], presence.yes, presence.no, presence.dont_know]


def results_table(event: Event, results: EventResults, locale: str = "lv") -> spreadsheets.Table:
    """A row per track, then (when shown) a row per free-text answer, its question in the first column."""
    with in_language(locale):
        rows = [_track_row(row, locale) for row in results.tracks]
        if results.texts_shown:
            for question, texts in ((_("What should change"), results.what_to_change),
                                    (_("Other comments"), results.comments)):
                rows += [[question, text] + [None] * 10 for text in texts]
        return spreadsheets.Table(_("Feedback"), _header(), rows)
