"""One-time invitation codes (PRODUCT.md §4.1, §7.1)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Invitation, Organization, Person
from services.invitations import (
    AccountLinkedElsewhere,
    InvalidInvitation,
    UnknownInvitees,
    code_digest,
    create_invitations,
    invite_link,
    redeem_invitation,
)

Maker = async_sessionmaker[AsyncSession]
NOW = datetime(2024, 11, 25, 6, 0, tzinfo=UTC)
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SCHOOL = "МАОУ «СОШ № 12 г. Челябинска»"


@pytest.fixture
async def people(sessionmaker: Maker) -> None:
    async with sessionmaker.begin() as session:
        school = Organization(name=SCHOOL, municipality="Челябинский городской округ")
        other = Organization(name="МОУ «Еткульская СОШ»", municipality="")
        session.add_all([school, other])
        await session.flush()
        for code, name, org in [
            ("P-1001", "Смирнова Ольга Викторовна", school),
            ("P-1002", "Кузнецов Андрей Петрович", school),
            ("P-2001", "Петров Игорь Николаевич", other),
        ]:
            session.add(
                Person(code=code, full_name=name, name_key=name.lower(), organization_id=org.id)
            )


async def invite(maker: Maker, *codes: str, **kwargs: object) -> list:  # type: ignore[type-arg]
    kwargs.setdefault("ttl_days", 14)
    kwargs.setdefault("now", NOW)
    async with maker.begin() as session:
        return await create_invitations(session, codes=codes, **kwargs)  # type: ignore[arg-type]


async def redeem(maker: Maker, code: str, telegram_id: int, **kwargs: object) -> Person:
    kwargs.setdefault("now", NOW + timedelta(hours=1))
    async with maker.begin() as session:
        return await redeem_invitation(session, code, telegram_id, **kwargs)  # type: ignore[arg-type]


async def linked(maker: Maker, code: str) -> int | None:
    async with maker() as session:
        return await session.scalar(select(Person.telegram_id).where(Person.code == code))


async def test_codes_are_random_unique_and_fit_a_deep_link(
    sessionmaker: Maker, people: None
) -> None:
    issued = await invite(sessionmaker, "P-1001", "P-1002", "P-1001")
    assert [i.person_code for i in issued] == ["P-1001", "P-1002"]  # one per person
    assert issued[0].full_name == "Смирнова Ольга Викторовна"
    more = await invite(sessionmaker, "P-1001")
    codes = [i.code for i in [*issued, *more]]
    assert len(set(codes)) == 3
    for code in codes:
        assert CODE_RE.match(code)
        assert len(code) * 6 >= 128  # each character of the alphabet carries 6 bits
    assert all(i.expires_at == NOW + timedelta(days=14) for i in issued)
    async with sessionmaker() as session:
        stored = (await session.scalars(select(Invitation))).all()
    # Stored as digests: the database alone cannot be used to link an account.
    assert {s.code for s in stored} == {code_digest(c) for c in codes}
    assert not {s.code for s in stored} & set(codes)
    assert all(re.fullmatch("[0-9a-f]{64}", s.code) for s in stored)
    assert {s.expires_at for s in stored} == {NOW + timedelta(days=14)}

    link = invite_link("dpo74_bot", codes[0])
    assert link == f"https://t.me/dpo74_bot?start={codes[0]}"
    assert invite_link("@dpo74_bot", "abc") == "https://t.me/dpo74_bot?start=abc"


async def test_whole_organization(sessionmaker: Maker, people: None) -> None:
    issued = await invite(sessionmaker, organization=SCHOOL)
    assert sorted(i.person_code for i in issued) == ["P-1001", "P-1002"]
    # Compared without case and extra spaces, and combined with codes.
    issued = await invite(sessionmaker, "P-2001", organization="маоу  «сош № 12 г. челябинска»")
    assert sorted(i.person_code for i in issued) == ["P-1001", "P-1002", "P-2001"]


async def test_unknown_codes_or_organization_create_nothing(
    sessionmaker: Maker, people: None
) -> None:
    with pytest.raises(UnknownInvitees) as caught:
        await invite(sessionmaker, "P-1001", "P-0000", "X-1", organization="Нет такой")
    assert caught.value.codes == ["P-0000", "X-1"]
    assert caught.value.organization == "Нет такой"
    assert str(caught.value) == "unknown codes: P-0000, X-1; unknown organization: «Нет такой»"
    with pytest.raises(UnknownInvitees):
        await invite(sessionmaker)
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Invitation)) == 0


async def test_redeem_once(sessionmaker: Maker, people: None) -> None:
    [issued] = await invite(sessionmaker, "P-1002")
    person = await redeem(sessionmaker, issued.code, 555)
    assert (person.code, person.telegram_id) == ("P-1002", 555)
    assert await linked(sessionmaker, "P-1002") == 555
    async with sessionmaker() as session:
        stored = await session.scalar(select(Invitation))
    assert stored is not None and stored.used_by_telegram_id == 555
    assert stored.used_at == NOW + timedelta(hours=1)

    with pytest.raises(InvalidInvitation) as caught:
        await redeem(sessionmaker, issued.code, 555)
    assert caught.value.reason == "used"
    with pytest.raises(InvalidInvitation) as caught:
        await redeem(sessionmaker, issued.code, 777)
    assert caught.value.reason == "used"
    assert await linked(sessionmaker, "P-1002") == 555


async def test_expired_and_unknown(sessionmaker: Maker, people: None) -> None:
    [issued] = await invite(sessionmaker, "P-1002", ttl_days=1)
    with pytest.raises(InvalidInvitation) as caught:
        await redeem(sessionmaker, issued.code, 555, now=NOW + timedelta(days=1))
    assert caught.value.reason == "expired"
    for code in ["no-such-code", "", "x" * 100]:
        with pytest.raises(InvalidInvitation) as caught:
            await redeem(sessionmaker, code, 555)
        assert caught.value.reason == "unknown"
    assert await linked(sessionmaker, "P-1002") is None


async def test_account_of_another_person_is_not_taken_over_silently(
    sessionmaker: Maker, people: None
) -> None:
    first, second = await invite(sessionmaker, "P-1001", "P-1002")
    await redeem(sessionmaker, first.code, 555)
    with pytest.raises(AccountLinkedElsewhere):
        await redeem(sessionmaker, second.code, 555)
    assert await linked(sessionmaker, "P-1002") is None

    # The code was not used up; confirmed, the account moves.
    person = await redeem(sessionmaker, second.code, 555, relink=True)
    assert person.code == "P-1002"
    assert (await linked(sessionmaker, "P-1002"), await linked(sessionmaker, "P-1001")) == (
        555,
        None,
    )


async def test_a_new_invitation_moves_the_person_to_a_new_account(
    sessionmaker: Maker, people: None
) -> None:
    [first] = await invite(sessionmaker, "P-1001")
    [stale] = await invite(sessionmaker, "P-1001")
    await redeem(sessionmaker, first.code, 555)
    # The other unused invitations of the person expired when the first was redeemed...
    with pytest.raises(InvalidInvitation) as caught:
        await redeem(sessionmaker, stale.code, 999)
    assert caught.value.reason == "expired"
    # ...so the operator issues a fresh one for the new account.
    [fresh] = await invite(sessionmaker, "P-1001", now=NOW + timedelta(days=2))
    await redeem(sessionmaker, fresh.code, 777, now=NOW + timedelta(days=2))
    assert await linked(sessionmaker, "P-1001") == 777


async def test_a_digest_read_from_the_database_does_not_link(
    sessionmaker: Maker, people: None
) -> None:
    """Whoever reads the invitations table holds digests, and a digest is no code."""
    (issued,) = await invite(sessionmaker, "P-1001")
    async with sessionmaker() as session:
        stored = await session.scalar(select(Invitation))
    assert stored is not None
    async with sessionmaker.begin() as session:
        with pytest.raises(InvalidInvitation):
            await redeem_invitation(session, stored.code, 424242, now=NOW)
    async with sessionmaker.begin() as session:
        person = await redeem_invitation(session, issued.code, 424242, now=NOW)
    assert person.code == "P-1001"


def test_codes_issued_before_the_digests_still_link(tmp_path: Path) -> None:
    """Migration 0007 hashes the codes stored as they were: links handed out keep working."""
    import asyncio
    import sqlite3

    from bot import migrate
    from models.engine import create_engine, create_sessionmaker

    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    migrate.upgrade(url, "0006")
    with sqlite3.connect(tmp_path / "old.sqlite3") as connection:
        connection.execute(
            "INSERT INTO people (code, full_name, name_key, instant_cards, reachable,"
            " created_at, updated_at) VALUES ('P-1', 'Иванова Мария', 'иванова мария', 1, 1,"
            " '2024-11-01 00:00:00+00:00', '2024-11-01 00:00:00+00:00')"
        )
        connection.execute(
            "INSERT INTO invitations (code, person_id, created_at, expires_at) VALUES"
            " ('old-plain-code-123456789012345678', 1, '2024-11-01 00:00:00+00:00',"
            " '2099-01-01 00:00:00+00:00')"
        )
    migrate.upgrade(url)
    with sqlite3.connect(tmp_path / "old.sqlite3") as connection:
        (stored,) = connection.execute("SELECT code FROM invitations").fetchone()
    assert stored == code_digest("old-plain-code-123456789012345678")

    async def redeem() -> str:
        engine = create_engine(url)
        try:
            async with create_sessionmaker(engine).begin() as session:
                person = await redeem_invitation(
                    session, "old-plain-code-123456789012345678", 777, now=NOW
                )
                return person.code
        finally:
            await engine.dispose()

    assert asyncio.run(redeem()) == "P-1"
