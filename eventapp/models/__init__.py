"""The domain model; importing this package registers every table."""
from .audit import AuditEntry
from .checkin import CheckIn, CheckInLink
from .delegation import DelegationRequest, DelegationStatus
from .event import Event, EventCoHost, EventKind, EventStatus, Slot, Track
from .feedback import FeedbackInvitation, FeedbackResponse, FeedbackTrackAnswer, StateAdminPresence
from .invitation import OrganisationInvitation
from .message import MessageRecipient, RegistrantMessage
from .organisation import Organisation, Sector
from .outbox import MailJob, OutboxAttachment, OutboxMessage, OutboxStatus
from .question import Answer, Question, QuestionKind, QuestionOption
from .registration import AttendanceMode, Registration, RegistrationStatus, TrackChoice
from .reminder import SentReminder
from .remote_join import JoinKind, RemoteJoin
from .summary import Summary, SummaryDocument, SummaryFile, SummaryStatus
from .types import utcnow
from .user import User, UserRole
from .working_group import (
    AgendaItem,
    AgendaSpeaker,
    Decision,
    DecisionKind,
    EntryPerson,
    EntryRole,
    GroupMember,
    MeetingAnswer,
    MeetingAnswerChoice,
    MemberRole,
    Protocol,
    ProtocolEntry,
    ProtocolStatus,
    SpeakerRole,
    WorkingGroup,
)

__all__ = [
    "AttendanceMode", "AuditEntry", "CheckIn", "CheckInLink", "DelegationRequest",
    "DelegationStatus", "Event", "EventCoHost", "EventKind", "EventStatus", "MailJob", "MessageRecipient", "Organisation",
    "OutboxAttachment", "OutboxMessage", "OutboxStatus", "RegistrantMessage", "Registration", "RegistrationStatus",
    "Sector", "SentReminder", "Slot", "Summary", "SummaryDocument", "SummaryFile", "SummaryStatus", "Track", "TrackChoice", "User",
    "UserRole", "utcnow",
]
__all__ += ["FeedbackInvitation", "FeedbackResponse", "FeedbackTrackAnswer", "StateAdminPresence"]
__all__ += ["Answer", "Question", "QuestionKind", "QuestionOption"]
__all__ += ["JoinKind", "RemoteJoin"]
__all__ += ["OrganisationInvitation"]
__all__ += ["AgendaItem", "AgendaSpeaker", "Decision", "DecisionKind", "EntryPerson", "EntryRole", "GroupMember",
            "MeetingAnswer", "MeetingAnswerChoice", "MemberRole", "Protocol", "ProtocolEntry", "ProtocolStatus",
            "SpeakerRole", "WorkingGroup"]
