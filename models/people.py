"""Organizations, people and their roles, Telegram linking, consent and invitations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.enums import Role


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(500), unique=True)
    municipality: Mapped[str] = mapped_column(String(300), default="")
    # The school's own clock and working-day calendar (PRODUCT.md §8): an IANA zone name (None:
    # the TIMEZONE setting) and a region code such as RU-TA (None: the country's calendar);
    # see services.locality.
    timezone: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(16))


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        Index("ix_people_phone", "phone"),
        Index("ix_people_organization_id", "organization_id"),
        Index("ix_people_name_key", "name_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The person's code in the regional system: the key that imports and the API match on.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(300))
    # Lower-cased, ё→е: what a surname search compares with.
    name_key: Mapped[str] = mapped_column(String(300))
    # Normalised to +7XXXXXXXXXX (see services.phones); None when unknown.
    phone: Mapped[str | None] = mapped_column(String(20))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # False after Telegram answered 403 (the bot is blocked); true again when the person writes.
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    active_role: Mapped[Role | None] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    # Personal settings (/settings); None means "the operator's default".
    digest_time: Mapped[str | None] = mapped_column(String(5))
    instant_cards: Mapped[bool] = mapped_column(Boolean, default=True)
    quiet_hours: Mapped[str | None] = mapped_column(String(11))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization | None] = relationship(lazy="joined")
    role_rows: Mapped[list[PersonRole]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", back_populates="person"
    )

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}


class PersonRole(Base):
    __tablename__ = "person_roles"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        primary_key=True,
    )

    person: Mapped[Person] = relationship(back_populates="role_rows")


class Deputy(Base):
    """A colleague acting for a director during a period (both days included)."""

    __tablename__ = "deputies"
    __table_args__ = (Index("ix_deputies_deputy_id", "deputy_id", "ends_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    director_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Invitation(Base):
    """A single-use code that links a Telegram account to a person."""

    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_person_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The code's SHA-256 in hex (services.invitations.code_digest), never the code itself.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)


class ConsentRecord(Base):
    """Acceptance of the personal-data processing notice (152-ФЗ) by a Telegram account."""

    __tablename__ = "consents"
    __table_args__ = (
        UniqueConstraint("telegram_id", "version", name="uq_consents_telegram_id_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[str] = mapped_column(String(32))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LinkAttempt(Base):
    """A wrong invitation code typed by a Telegram account; counted to limit guessing."""

    __tablename__ = "link_attempts"
    __table_args__ = (Index("ix_link_attempts_telegram_id", "telegram_id", "attempted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
