"""One person, two channels: «привязать Telegram» / «привязать WhatsApp» / «аккаунтты байланыстыру» (or ``/link``)
gives a one-time six-digit code; sent from the other channel («123456», «код 123456») it asks there to confirm, and
[Связать] moves that chat's binding to the user who issued the code (who keeps the data).

The chat that confirms must belong to a fresh user (no onboarded profile, no ИИН, no entries); otherwise linking is
refused with what to do. Both sides are told: the confirming chat in the reply, the issuing chat through the outbox.
A wrong, expired or used code only gets «код не подошёл»; a code from the issuer's own channel does nothing. Every
step is audited (never the code itself). Needs ``core.storage`` (``SqlStore``); the in-memory store declines.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import storage
from core.storage.models import ExpenseEntry, IncomeEntry, LinkCode, Profile, User
from dialogs.contract import Channel, Reply
from dialogs.flows.base import Ctx, FlowHandler, new_token, outdated
from dialogs.i18n import N_, Lang, normalise_lang, t
from dialogs.states import Flow, Link
from nlu.types import ParseResult

#: How long a link code lives. A product decision (2026-12-01, issue 8 item 4): long enough to open the other
#: messenger and type six digits, short enough that a code seen over someone's shoulder is soon worthless.
LINK_CODE_TTL = dt.timedelta(minutes=10)
CODE_DIGITS = 6

CHANNEL_NAMES: dict[str, str] = {"telegram": "Telegram", "whatsapp": "WhatsApp", "web": "web"}

_PHRASE = re.compile(
    r"^(?:привязать|связать|подключить)\s+(?:telegram|whatsapp|телеграм\w*|ватсап\w*|вотсап\w*|аккаунт\w*)$"
    r"|^(?:аккаунтты|аккаунттарды|telegram|whatsapp|телеграмды|ватсапты)\s+(?:байланыстыру|байланыстыр)$"
)
_BARE_CODE = re.compile(r"^(\d{6})$")
_PREFIXED_CODE = re.compile(r"^(?:код|code|кодым|кодты)\s*[:\-№#]?\s*(\d{6})$")

NOT_VALID = N_("This code did not fit. Ask for a new one in the other chat: «link account».")
LINKED_THERE = N_("Done: your account is now linked with {channel}.")
LINKED_HERE = N_("Linked! This chat now uses your account: the same profile, income and reminders.")


def is_link_phrase(text: str) -> bool:
    """«привязать Telegram», «привязать WhatsApp», «аккаунтты байланыстыру», …"""
    return bool(_PHRASE.match(" ".join(text.lower().strip(" .!?").split())))


def code_in(text: str) -> tuple[str, bool] | None:
    """``(code, prefixed)`` when the text is a bare six-digit code or «код 123456»."""
    cleaned = " ".join(text.lower().strip(" .!?").split())
    bare = _BARE_CODE.match(cleaned)
    if bare:
        return bare.group(1), False
    prefixed = _PREFIXED_CODE.match(cleaned)
    return (prefixed.group(1), True) if prefixed else None


def _session(ctx: Ctx) -> AsyncSession | None:
    session = getattr(ctx.store, "session", None)
    return session if isinstance(session, AsyncSession) else None


async def _live_issuer(session: AsyncSession, code: str, now: dt.datetime) -> int | None:
    """The user who issued ``code`` while it is unused and unexpired (nothing is consumed)."""
    stmt = select(LinkCode.user_id).where(LinkCode.code == code, LinkCode.used_at.is_(None), LinkCode.expires_at > now)
    return (await session.scalars(stmt)).one_or_none()


async def has_live_code(ctx: Ctx, code: str) -> bool:
    session = _session(ctx)
    return session is not None and await _live_issuer(session, code, ctx.now) is not None


async def _has_data(session: AsyncSession, user_id: int) -> bool:
    profile = await session.get(Profile, user_id)
    if profile is not None and (profile.onboarded_at is not None or profile.iin is not None):
        return True
    for model in (IncomeEntry, ExpenseEntry):
        count = await session.scalar(select(func.count()).select_from(model).where(model.user_id == user_id))
        if count:
            return True
    return False


def _lang(value: str | None) -> Lang:
    return "kk" if value == "kk" else "ru"


class LinkFlow(FlowHandler):
    name = Flow.LINK

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        """Issue a code for this user (the one who keeps the data)."""
        session = _session(ctx)
        if session is None:
            return [Reply(text=ctx.t("Linking accounts is not available here."))]
        ctx.clear()
        for _ in range(5):  # a taken code (someone else's live one) → draw another
            code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
            if await storage.create_link_code(session, int(ctx.user.user_id), code, ctx.now + LINK_CODE_TTL):
                break
        else:
            raise RuntimeError("no free link code after five draws")
        await ctx.store.audit(ctx.user.user_id, "link.code_issued", {"ttl_minutes": LINK_CODE_TTL.seconds // 60})
        text = "\n".join(
            (
                ctx.t("Your link code: {code}", code=code),
                ctx.t(
                    "Send it to me from the other messenger within {minutes} minutes, "
                    "and both chats will share one account with your data.",
                    minutes=LINK_CODE_TTL.seconds // 60,
                ),
            )
        )
        return [Reply(text=text)]

    async def on_code(self, ctx: Ctx, code: str, channel: Channel, chat_id: str) -> list[Reply]:
        """A code typed in a chat: check it and ask to confirm (nothing is consumed or moved yet)."""
        session = _session(ctx)
        if session is None:
            return [Reply(text=ctx.t(NOT_VALID))]
        issuer = await _live_issuer(session, code, ctx.now)
        if issuer is None:
            await ctx.store.audit(ctx.user.user_id, "link.code_rejected", {"channel": channel})
            return [Reply(text=ctx.t(NOT_VALID))]
        issuer_channels = {b.channel for b in await storage.bindings_of(session, issuer)}
        if str(issuer) == ctx.user.user_id or channel in issuer_channels:
            await ctx.store.audit(ctx.user.user_id, "link.same_channel", {"channel": channel})
            return [Reply(text=ctx.t("Send this code from the other messenger, not from this one."))]
        if await _has_data(session, int(ctx.user.user_id)):
            await ctx.store.audit(ctx.user.user_id, "link.refused_has_data", {"channel": channel})
            return [Reply(text=self._refusal(ctx))]
        await self._adopt_language(ctx, session, issuer)
        token = new_token()
        ctx.go(self.name, Link.CONFIRM, token=token, code=code, channel=channel, chat_id=chat_id)
        await ctx.store.audit(ctx.user.user_id, "link.code_entered", {"channel": channel})
        account = ", ".join(CHANNEL_NAMES.get(c, c) for c in sorted(issuer_channels))
        buttons = (
            (
                ctx.button(ctx.t("Link"), self.name, "ok", token),
                ctx.button(ctx.t("Cancel"), self.name, "no", token),
            ),
        )
        return [Reply(text=ctx.t("Link this chat with your account in {account}?", account=account), buttons=buttons)]

    @staticmethod
    async def _adopt_language(ctx: Ctx, session: AsyncSession, issuer: int) -> None:
        """A fresh chat (WhatsApp sends no language hint) speaks the account's language from the confirmation on."""
        row = await session.get(User, issuer)
        lang = normalise_lang(row.language) if row is not None else ctx.lang
        if lang != ctx.lang:
            ctx.lang = lang
            await ctx.store.set_language(ctx.user.user_id, lang)

    def _refusal(self, ctx: Ctx) -> str:
        return "\n".join(
            (
                ctx.t("This chat already has its own data, so I will not merge the two accounts automatically."),
                ctx.t(
                    "To link, delete the data here («delete my data»), then send the code again; "
                    "or keep using both chats separately."
                ),
            )
        )

    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        data = ctx.state.data
        if ctx.state.flow != self.name or ctx.state.step != Link.CONFIRM or data.get("token") != arg:
            return outdated(ctx)
        if action == "no":
            ctx.clear()
            await ctx.store.audit(ctx.user.user_id, "link.cancelled", {})
            return [Reply(text=ctx.t("Not linked."), edit=True)]
        if action != "ok":
            return outdated(ctx)
        session = _session(ctx)
        assert session is not None  # the confirm step is only reached with SQL storage
        code, channel, chat_id = str(data.get("code")), str(data.get("channel")), str(data.get("chat_id"))
        ctx.clear()
        binding = await storage.find_binding(session, channel, chat_id)
        if binding is None or str(binding.user_id) != ctx.user.user_id:
            return outdated(ctx)
        if await _has_data(session, int(ctx.user.user_id)):
            await ctx.store.audit(ctx.user.user_id, "link.refused_has_data", {"channel": channel})
            return [Reply(text=self._refusal(ctx), edit=True)]
        issuer = await storage.consume_link_code(session, code, ctx.now)
        if issuer is None:  # expired or used while the question waited
            await ctx.store.audit(ctx.user.user_id, "link.code_rejected", {"channel": channel})
            return [Reply(text=ctx.t(NOT_VALID), edit=True)]
        if channel in {b.channel for b in await storage.bindings_of(session, issuer)}:
            await ctx.store.audit(ctx.user.user_id, "link.same_channel", {"channel": channel})
            return [Reply(text=ctx.t("Send this code from the other messenger, not from this one."), edit=True)]
        issuer_row = await session.get(User, issuer)
        issuer_lang = _lang(issuer_row.language if issuer_row is not None else None)
        # the issuing side first (its bindings before the move), then this chat joins the issuer
        notice = Reply(text=t(issuer_lang, LINKED_THERE, channel=CHANNEL_NAMES.get(channel, channel)))
        from dialogs.sql_store import SqlStore

        await SqlStore(session).enqueue(str(issuer), notice, f"link:{code}", ctx.now)
        await storage.move_binding(session, binding.id, issuer)
        await ctx.store.audit(str(issuer), "link.linked", {"channel": channel, "from_user": int(ctx.user.user_id)})
        await ctx.store.audit(ctx.user.user_id, "link.moved_away", {"channel": channel, "to_user": issuer})
        return [Reply(text=t(issuer_lang, LINKED_HERE), edit=True)]
