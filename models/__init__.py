"""SQLAlchemy models of dpo-bot; `Base.metadata` is what the migrations describe."""

from models.applications import (
    Application,
    AssessmentResult,
    AssessmentSection,
    Comment,
    Group,
    HistoryEntry,
    Program,
)
from models.base import Base, UTCDateTime, utcnow
from models.delivery import CardMessage, FsmRecord, HandledUpdate, OutboxMessage
from models.enums import (
    Channel,
    HistoryAction,
    Kind,
    OutboxChannel,
    OutboxPriority,
    OutboxState,
    Role,
    Status,
)
from models.people import (
    ConsentRecord,
    Deputy,
    Invitation,
    LinkAttempt,
    Organization,
    Person,
    PersonRole,
)
from models.scheduling import DigestLog, ReminderLog

__all__ = [
    "Application",
    "AssessmentResult",
    "AssessmentSection",
    "Base",
    "CardMessage",
    "Channel",
    "Comment",
    "ConsentRecord",
    "Deputy",
    "DigestLog",
    "FsmRecord",
    "Group",
    "HandledUpdate",
    "HistoryAction",
    "HistoryEntry",
    "Invitation",
    "Kind",
    "LinkAttempt",
    "Organization",
    "OutboxChannel",
    "OutboxMessage",
    "OutboxPriority",
    "OutboxState",
    "Person",
    "PersonRole",
    "Program",
    "ReminderLog",
    "Role",
    "Status",
    "UTCDateTime",
    "utcnow",
]
