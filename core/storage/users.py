"""Users, profiles, chat bindings and link codes (пользователи, профили, привязки чатов)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.identity import is_valid_iin_bin
from core.storage._util import insert_once, is_unique_violation, rowcount
from core.storage.models import CHANNELS, LANGUAGES, REGIMES, ChatBinding, DialogState, LinkCode, Profile, User
from core.storage.types import utcnow

# The NCA/ESF test identities (integrations.md §6.1): checksum-invalid, accepted only when a caller asks for test mode.
TEST_IINS = frozenset({"123456789011", "123456789012", "123456789021"})

PROFILE_FIELDS = frozenset(
    {
        "iin",
        "registered_on",
        "full_name",
        "regime",
        "place_id",
        "place_rate",
        "employees",
        "birth_date",
        "pensioner",
        "disability_group",
        "proactive_opt_in",
        "onboarded_at",
    }
)


class InvalidIIN(ValueError):  # noqa: N818 — reads as the domain term
    """An ИИН whose check digit is wrong (or not 12 digits)."""


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")


async def find_binding(session: AsyncSession, channel: str, chat_id: str) -> ChatBinding | None:
    """The binding of a chat, or ``None``."""
    stmt = select(ChatBinding).where(ChatBinding.channel == channel, ChatBinding.chat_id == chat_id)
    return (await session.scalars(stmt)).one_or_none()


async def find_chat_context(
    session: AsyncSession, channel: str, chat_id: str
) -> tuple[ChatBinding, User, DialogState | None, Profile | None] | None:
    """The binding of a chat with its user, dialog state and profile, in one query; ``None`` for an unbound chat.

    The rows land in the session's identity map, so a later ``session.get(User | Profile, id)`` costs no query.
    """
    stmt = (
        select(ChatBinding, User, DialogState, Profile)
        .join(User, User.id == ChatBinding.user_id)
        .outerjoin(DialogState, DialogState.user_id == ChatBinding.user_id)
        .outerjoin(Profile, Profile.user_id == ChatBinding.user_id)
        .where(ChatBinding.channel == channel, ChatBinding.chat_id == chat_id)
        .execution_options(populate_existing=True)
    )
    found = (await session.execute(stmt)).one_or_none()
    if found is None:
        return None
    binding, user, state, profile = found
    return binding, user, state, profile


def _touch_chat_context_statement() -> Any:
    """Built once (with bind parameters): building a statement costs more than executing a cached one."""
    touched = (
        update(ChatBinding)
        .where(ChatBinding.channel == bindparam("b_channel"), ChatBinding.chat_id == bindparam("b_chat_id"))
        .values(last_inbound_at=bindparam("b_at", type_=ChatBinding.__table__.c.last_inbound_at.type), status="active")
        .returning(ChatBinding.user_id)
        .cte("touched")
    )
    return (
        select(User, DialogState, Profile)
        .join_from(touched, User, User.id == touched.c.user_id)
        .outerjoin(DialogState, DialogState.user_id == touched.c.user_id)
        .outerjoin(Profile, Profile.user_id == touched.c.user_id)
        .execution_options(populate_existing=True)
    )


_TOUCH_CHAT_CONTEXT = _touch_chat_context_statement()


async def touch_chat_context(
    session: AsyncSession, channel: str, chat_id: str, at: dt.datetime | None = None
) -> tuple[User, DialogState | None, Profile | None] | None:
    """``touch_inbound`` on a bound chat and its ``find_chat_context`` rows; ``None`` (nothing touched) when unbound.

    PostgreSQL: one statement (the UPDATE … RETURNING in a CTE joined to the rows); elsewhere a query and an update.
    """
    moment = at or utcnow()
    if session.get_bind().dialect.name != "postgresql":
        found = await find_chat_context(session, channel, chat_id)
        if found is None:
            return None
        binding, user, state, profile = found
        await touch_inbound(session, binding.id, moment)
        return user, state, profile
    row = (
        await session.execute(_TOUCH_CHAT_CONTEXT, {"b_channel": channel, "b_chat_id": chat_id, "b_at": moment})
    ).one_or_none()
    if row is None:
        return None
    user, state, profile = row
    return user, state, profile


async def get_or_create_user_for_chat(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    *,
    language: str = "ru",
    username: str | None = None,
    phone: str | None = None,
) -> tuple[User, ChatBinding, bool]:
    """The user bound to a chat, creating user + binding on first contact. Returns ``(user, binding, created)``.

    Safe under concurrent first messages from one chat: the unique (channel, chat_id) decides, the loser re-reads.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    _check_language(language)
    binding = await find_binding(session, channel, chat_id)
    created = False
    if binding is None:
        user = User(language=language)
        try:
            async with session.begin_nested():
                session.add(user)
                await session.flush()
                session.add(
                    ChatBinding(channel=channel, chat_id=chat_id, user_id=user.id, username=username, phone=phone)
                )
            created = True
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            # another transaction bound this chat first: read its binding below
        binding = await find_binding(session, channel, chat_id)
        if binding is None:
            raise RuntimeError("chat binding vanished while creating it")
    user_row = await session.get(User, binding.user_id)
    assert user_row is not None
    return user_row, binding, created


async def bindings_of(session: AsyncSession, user_id: int) -> list[ChatBinding]:
    """Every chat bound to a user."""
    stmt = select(ChatBinding).where(ChatBinding.user_id == user_id).order_by(ChatBinding.id)
    return list((await session.scalars(stmt)).all())


async def set_binding_status(session: AsyncSession, binding_id: int, status: str) -> None:
    """Mark a binding active / blocked / undeliverable."""
    await session.execute(update(ChatBinding).where(ChatBinding.id == binding_id).values(status=status))


async def touch_inbound(session: AsyncSession, binding_id: int, at: dt.datetime | None = None) -> None:
    """Record the user's last inbound message on this chat (opens WhatsApp's 24-hour window)."""
    values = {"last_inbound_at": at or utcnow(), "status": "active"}
    await session.execute(update(ChatBinding).where(ChatBinding.id == binding_id).values(**values))


async def move_binding(session: AsyncSession, binding_id: int, user_id: int) -> None:
    """Attach a chat to another user (linking a second channel to one person)."""
    await session.execute(update(ChatBinding).where(ChatBinding.id == binding_id).values(user_id=user_id))


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    """Switch the user's language (ru/kk)."""
    _check_language(language)
    await session.execute(update(User).where(User.id == user_id).values(language=language))


async def get_profile(session: AsyncSession, user_id: int) -> Profile:
    """The user's profile, created empty on first use."""
    profile = await session.get(Profile, user_id)
    if profile is None:
        profile = Profile(user_id=user_id)
        if not await insert_once(session, profile):
            profile = await session.get(Profile, user_id)
            assert profile is not None
    return profile


def _validate_profile(changes: dict[str, Any], allow_test_iin: bool) -> None:
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    iin = changes.get("iin")
    if iin is not None and not is_valid_iin_bin(iin) and not (allow_test_iin and iin in TEST_IINS):
        raise InvalidIIN("ИИН check digit does not match")
    regime = changes.get("regime")
    if regime is not None and regime not in REGIMES:
        raise ValueError(f"unknown regime {regime!r}")


async def update_profile(
    session: AsyncSession, user_id: int, *, allow_test_iin: bool = False, **changes: Any
) -> Profile:
    """Set profile fields (see ``PROFILE_FIELDS``); the ИИН is checked by its check digit (``InvalidIIN``)."""
    _validate_profile(changes, allow_test_iin)
    profile = await get_profile(session, user_id)
    for name, value in changes.items():
        setattr(profile, name, value)
    await session.flush()
    return profile


async def create_link_code(session: AsyncSession, user_id: int, code: str, expires_at: dt.datetime) -> bool:
    """Store a one-time link code; False when the code is already taken (draw another)."""
    return await insert_once(session, LinkCode(code=code, user_id=user_id, expires_at=expires_at))


async def consume_link_code(session: AsyncSession, code: str, now: dt.datetime | None = None) -> int | None:
    """Use a link code once: the user id it belongs to, or ``None`` (unknown, used or expired)."""
    moment = now or utcnow()
    stmt = (
        update(LinkCode)
        .where(LinkCode.code == code, LinkCode.used_at.is_(None), LinkCode.expires_at > moment)
        .values(used_at=moment)
    )
    if rowcount(await session.execute(stmt)) != 1:
        return None
    return (await session.scalars(select(LinkCode.user_id).where(LinkCode.code == code))).one()
