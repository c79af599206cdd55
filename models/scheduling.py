"""Records that make scheduled messages "at most once", across restarts and replicas (§5)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class DigestLog(Base):
    """A person's daily pass of one kind done on a local day: `digest`, `remind`, `escalation`.

    Written in the transaction that queues the messages, also when there was nothing to send:
    the pass then is not run again that day. The unique key is what stops a second replica (or
    a second tick after a restart) from queueing the same day twice.
    """

    __tablename__ = "digest_log"
    __table_args__ = (
        UniqueConstraint("day", "kind", "person_id", name="uq_digest_log_day_kind_person_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReminderLog(Base):
    """A person was told about an application: a `reminder` (repeated) or a `deadline` (once)."""

    __tablename__ = "reminder_log"
    __table_args__ = (
        UniqueConstraint(
            "application_id",
            "person_id",
            "kind",
            "sent_on",
            name="uq_reminder_log_application_id_person_id_kind_sent_on",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    sent_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
