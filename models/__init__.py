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
from models.delivery import CardMessage, FsmRecord, OutboxMessage
from models.enums import Channel, HistoryAction, Kind, OutboxChannel, OutboxState, Role, Status
from models.people import (
    ConsentRecord,
    Deputy,
    Invitation,
    LinkAttempt,
    Organization,
    Person,
    PersonRole,
)

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
    "FsmRecord",
    "Group",
    "HistoryAction",
    "HistoryEntry",
    "Invitation",
    "Kind",
    "LinkAttempt",
    "Organization",
    "OutboxChannel",
    "OutboxMessage",
    "OutboxState",
    "Person",
    "PersonRole",
    "Program",
    "Role",
    "Status",
    "UTCDateTime",
    "utcnow",
]
