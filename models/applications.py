"""Programs, groups, applications, assessment results, comments and history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.enums import Channel, HistoryAction, Kind, Status
from models.people import Organization, Person


def _enum(enum: type[Kind] | type[Status] | type[Channel] | type[HistoryAction]) -> Enum:
    # Stored as plain strings (no native ENUM types): portable and cheap to extend.
    return Enum(enum, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class Program(Base):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(1000), unique=True)
    hours: Mapped[int | None] = mapped_column(Integer)
    form: Mapped[str] = mapped_column(String(300), default="")
    categories: Mapped[str] = mapped_column(Text, default="")
    competencies: Mapped[str] = mapped_column(Text, default="")
    provider: Mapped[str] = mapped_column(String(1000), default="")


class Group(Base):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("program_id", "name", name="uq_groups_program_id_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    study_start: Mapped[date | None] = mapped_column(Date)
    study_end: Mapped[date | None] = mapped_column(Date)

    program: Mapped[Program] = relationship(lazy="joined")


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        # Every list a user pages through has an index in its own order, so a page costs its
        # ten rows however long the history grows (bench/flat_cost.py): a school's list per
        # status and its counts, a school's whole list, the staff queue, and the API's
        # `ORDER BY updated_at, number` with or without a status.
        Index(
            "ix_applications_organization_id_status_number", "organization_id", "status", "number"
        ),
        Index("ix_applications_organization_id_number", "organization_id", "number"),
        Index("ix_applications_applicant_id", "applicant_id"),
        Index("ix_applications_status_number", "status", "number"),
        Index("ix_applications_status_updated_at_number", "status", "updated_at", "number"),
        Index("ix_applications_updated_at_number", "updated_at", "number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The number users see (e.g. 43112); the key imports and the API match on.
    number: Mapped[int] = mapped_column(Integer, unique=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    kind: Mapped[Kind] = mapped_column(_enum(Kind))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.NEW)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    applicant: Mapped[Person] = relationship(lazy="joined")
    organization: Mapped[Organization] = relationship(lazy="joined")
    group: Mapped[Group] = relationship(lazy="joined")


class AssessmentSection(Base):
    """A section of the competence assessment; a course needs every one of them passed."""

    __tablename__ = "assessment_sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)


class AssessmentResult(Base):
    __tablename__ = "assessment_results"
    __table_args__ = (
        UniqueConstraint(
            "person_id", "section_id", name="uq_assessment_results_person_id_section_id"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_sections.id", ondelete="CASCADE")
    )
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_application_id", "application_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[Person | None] = relationship(lazy="joined")


class HistoryEntry(Base):
    """One change of an application («История действий»)."""

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_application_id", "application_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # Set when a deputy acted: the director on whose behalf.
    on_behalf_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    # The capacity the actor acted in: teacher, director, deputy, staff or system.
    actor_role: Mapped[str | None] = mapped_column(String(16))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    action: Mapped[HistoryAction] = mapped_column(_enum(HistoryAction))
    from_value: Mapped[str | None] = mapped_column(String(500))
    to_value: Mapped[str | None] = mapped_column(String(500))
    comment: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[Person | None] = relationship(foreign_keys=[actor_id], lazy="joined")
