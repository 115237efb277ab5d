"""The opt-in key kept by the service: the risk explained, the user's explicit «Понимаю, сохранить», the ``.p12``
file, its password, checks, the key sealed in the vault — and its removal on request.

Nothing secret sits in the dialog state (it is persisted): the file comes first and is sealed at once in the vault
under a temporary purpose (``KeyKeeper.hold``, a key derived from the master key, at most ``hold_for`` old); the
password comes last, in a ``secret_steps`` step the engine hands over raw (no NLU, no commands, no logs), and is
used only in memory: the key opens, the certificate passes the policy, its ИИН matches the profile, then key and
password are sealed together (``KeyKeeper.keep``) and the upload destroyed. Each of the two messages is answered
with ``delete_incoming``, so the channel deletes it from the chat (Telegram), or asks the user to (WhatsApp).
A ``.p12`` sent at any other moment is deleted too, and the explanation comes first.

```mermaid
stateDiagram-v2
    [*] --> intro: /key, «сохранить ключ», settings (no key kept)
    [*] --> kept: /key with a key kept
    intro --> file: «Понимаю, сохранить» (audited)
    file --> password: .p12 → sealed upload, message deleted
    password --> password: wrong password (attempts left), message deleted
    password --> saved: key sealed, «Ключ сохранён: ФИО, ИИН, до …» (key.stored)
    saved --> [*]: the next message: the password repeated → deleted again; anything else → routed as usual
    password --> [*]: refused (GOST, expired, test key, revoked, ИИН ≠ profile) or attempts spent: upload destroyed
    kept --> intro: «Заменить ключ»
    kept --> delete: «Удалить ключ»
    delete --> [*]: «Да, удалить» → destroyed (key.destroyed)
```
"""

from __future__ import annotations

import asyncio
import datetime as dt

from dialogs.contract import Button, FileEvent, Reply
from dialogs.effects.key_ports import KeyFacts, KeyPorts, KeyRefused
from dialogs.effects.ports import key_ports
from dialogs.effects.store import EffectStore
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler, new_token, outdated
from dialogs.format import date
from dialogs.i18n import N_
from dialogs.states import Flow
from nlu.types import ParseResult

APP = "eGov mobile"
KEY_SUFFIXES = (".p12", ".pfx")
KEY_MIME_TYPES = ("application/x-pkcs12", "application/pkcs12")
#: an NCA container is 2–4 kB; anything far larger is not a key
MAX_KEY_BYTES = 64 * 1024


class Step:
    INTRO = "intro"
    FILE = "file"
    PASSWORD = "password"  # noqa: S105 — a step name
    KEPT = "kept"
    SAVED = "saved"  # just kept: the next message, if it repeats the password, is deleted too
    DELETE = "delete"


#: the policy's refusal codes (``integrations.signing``) → what the user reads
REFUSALS: dict[str, str] = {
    "gost_key": N_(
        "This is a GOST key: I can sign only with an RSA key. Sign in {app}, or send the RSA key (the file RSA256_…)."
    ),
    "test_key": N_("This is a test key of the НУЦ РК: it is accepted only in test mode."),
    "unknown_issuer": N_("This certificate was not issued by the НУЦ РК (the national certification authority)."),
    "forged_issuer": N_(
        "This certificate names the НУЦ РК as its issuer, but the НУЦ РК signature on it does not verify: "
        "it is not a genuine key."
    ),
    "ca_expired": N_(
        "The certificate of the authority that issued this key is not valid at the check date: this key cannot "
        "be used."
    ),
    "bad_ca": N_("The issuer of this certificate is not a certification authority: this key cannot be used."),
    "no_trust_anchors": N_(
        "Key checking is not set up on this service yet, so I cannot accept the key. Please tell the service's "
        "operator."
    ),
    "revoked": N_("This certificate is revoked by the certification authority: it cannot sign."),
    "not_signing_key": N_("This is a login key, not a signing key: send the signing key (the file RSA256_…)."),
    "no_iin": N_("The certificate has no ИИН: a key of an individual or an ИП is needed."),
    "bad_iin": N_("The ИИН in the certificate fails its check digit: this key cannot be used."),
    "unsupported_key": N_("This kind of key is not supported: an RSA key is needed."),
    "unreadable_key": N_("I cannot read this file as a key (.p12). Send the key file issued by the НУЦ РК."),
    "no_certificate": N_("The file holds no key with a certificate. Send the key file issued by the НУЦ РК."),
}


def is_key_file(event: FileEvent) -> bool:
    """A PKCS#12 container by its name or its type (Telegram and WhatsApp give both, either may be missing)."""
    return event.file_name.lower().endswith(KEY_SUFFIXES) or event.mime_type.lower() in KEY_MIME_TYPES


def refusal_text(ctx: Ctx, exc: KeyRefused) -> str:
    if exc.code == "expired" and exc.day is not None:
        return ctx.t("The certificate expired on {date}: get a new key at the НУЦ РК.", date=date(exc.day))
    if exc.code == "not_yet_valid" and exc.day is not None:
        return ctx.t("The certificate becomes valid only on {date}.", date=date(exc.day))
    message = REFUSALS.get(exc.code)
    if message is None:
        return ctx.t("This key cannot be kept ({code}).", code=exc.code)
    return ctx.t(message, app=APP) if "{app}" in message else ctx.t(message)


def facts_text(ctx: Ctx, facts: KeyFacts) -> str:
    return ctx.t(
        "{name}, ИИН {iin}, valid until {date}.",
        name=facts.name or "—",
        iin=facts.iin or "—",
        date=date(facts.not_after.date()),
    )


class KeyFlow(FlowHandler):
    name = Flow.KEY
    secret_steps = frozenset({Step.PASSWORD, Step.SAVED})

    # ---- entry ----
    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        if not ctx.onboarded:
            return await ctx.start(Flow.ONBOARDING)
        ports = self._ports(ctx)
        if ports is None:
            return [self._unavailable(ctx)]
        await ports.keeper.drop_held(ctx.store, ctx.user.user_id)  # an upload left by an abandoned attempt
        facts = await ports.keeper.kept(ctx.store, ctx.user.user_id)
        if facts is None:
            return [self._intro(ctx)]
        token = new_token()
        ctx.go(self.name, Step.KEPT, token=token)
        text = "\n".join(
            (
                ctx.t("A key is kept with me:"),
                facts_text(ctx, facts),
                ctx.t(
                    "I sign with it only the declaration, payment orders and ESF, after your confirmation each time."
                ),
            )
        )
        buttons = (
            (
                ctx.button(ctx.t("Replace the key"), self.name, "new", token),
                ctx.button(ctx.t("Delete the key"), self.name, "del", token),
            ),
        )
        return [Reply(text=text, buttons=buttons)]

    def _ports(self, ctx: Ctx) -> KeyPorts | None:
        ports = key_ports(ctx.services)
        return ports if ports is not None and EffectStore.of(ctx.store) is not None else None

    def _unavailable(self, ctx: Ctx, *, delete: bool = False) -> Reply:
        text = ctx.t("Keeping a key with me is not available here. Sign on your phone in {app}.", app=APP)
        return Reply(text=text, delete_incoming=delete)

    def _intro(self, ctx: Ctx) -> Reply:
        token = new_token()
        ctx.go(self.name, Step.INTRO, token=token)
        text = "\n\n".join(
            (
                ctx.t("Keeping your signing key (ЭЦП) with me is optional. Please read first:"),
                ctx.t(
                    "• Since March 2025 handing one's ЭЦП to another person is an administrative offence in "
                    "Kazakhstan. The recommended way is to sign on your own phone in {app}.",
                    app=APP,
                ),
                ctx.t(
                    "• If you keep the key with me, I use it only for what the tariff includes: the declaration, "
                    "payment orders and ESF, and I ask for your confirmation every time."
                ),
                ctx.t(
                    "• Every use is written to the log. The key is stored encrypted and destroyed on your request "
                    "or when you delete your data."
                ),
            )
        )
        buttons = (
            (
                ctx.button(ctx.t("I understand, keep it"), self.name, "ack", token),
                ctx.button(ctx.t("Cancel"), self.name, "no", token),
            ),
        )
        return Reply(text=text, buttons=buttons)

    def _ask_file(self, ctx: Ctx) -> Reply:
        token = str(ctx.state.data.get("token", ""))
        text = ctx.t("Send the key file .p12 (for example RSA256_….p12) as a document.")
        return Reply(text=text, buttons=((ctx.button(ctx.t("Cancel"), self.name, "no", token),),))

    def _ask_password(self, ctx: Ctx, *, delete: bool = False) -> Reply:
        text = "\n".join(
            (
                ctx.t("Now the key's password, in one message."),
                ctx.t("I will delete the file and the password from the chat at once."),
            )
        )
        token = str(ctx.state.data.get("token", ""))
        cancel = ((ctx.button(ctx.t("Cancel"), self.name, "no", token),),)
        return Reply(text=text, buttons=cancel, delete_incoming=delete)

    def prompt(self, ctx: Ctx) -> Reply | None:
        if ctx.state.step == Step.FILE:
            return self._ask_file(ctx)
        if ctx.state.step == Step.PASSWORD:
            return self._ask_password(ctx)
        return None

    # ---- buttons ----
    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        ports = self._ports(ctx)
        if ports is None:
            return [self._unavailable(ctx)]
        if action == "open":
            return await self.start(ctx, None)
        if ctx.state.flow != self.name or ctx.state.data.get("token") != arg:
            return outdated(ctx)
        step = ctx.state.step
        if action == "no" and step in (Step.KEPT, Step.DELETE):
            ctx.clear()
            return [Reply(text=ctx.t("Cancelled. The key stays kept."), buttons=menu.main_buttons(ctx), edit=True)]
        if action == "no":
            await ports.keeper.drop_held(ctx.store, ctx.user.user_id)
            ctx.clear()
            return [Reply(text=ctx.t("Cancelled. No key is kept."), buttons=menu.main_buttons(ctx), edit=True)]
        if action == "ack" and step == Step.INTRO:
            await ctx.store.audit(ctx.user.user_id, "key.acknowledged", {})
            ctx.go(self.name, Step.FILE, token=arg)
            return [self._ask_file(ctx)]
        if action == "ack" and step in (Step.FILE, Step.PASSWORD):  # a double tap
            return [self.prompt(ctx) or self._ask_file(ctx)]
        if action == "new" and step == Step.KEPT:  # a new key replaces the kept one once it passes every check
            return [self._intro(ctx)]
        if action == "del" and step == Step.KEPT:
            ctx.go(self.name, Step.DELETE, token=arg)
            buttons = (
                (
                    ctx.button(ctx.t("Yes, delete the key"), self.name, "dely", arg),
                    ctx.button(ctx.t("Cancel"), self.name, "no", arg),
                ),
            )
            text = ctx.t("Delete the kept key? I will no longer be able to sign with it; you can sign on your phone.")
            return [Reply(text=text, buttons=buttons)]
        if action == "dely" and step == Step.DELETE:
            facts = await ports.keeper.kept(ctx.store, ctx.user.user_id)
            destroyed = await ports.keeper.destroy(ctx.store, ctx.user.user_id)
            if destroyed:
                details = {"serial": facts.serial} if facts is not None else {}
                await ctx.store.audit(ctx.user.user_id, "key.destroyed", {**details, "reason": "request"})
            ctx.clear()
            return [Reply(text=ctx.t("The key is deleted."), buttons=menu.main_buttons(ctx), edit=True)]
        return outdated(ctx)

    # ---- the file ----
    async def on_file(self, ctx: Ctx, event: FileEvent) -> list[Reply] | None:
        ours = ctx.state.flow == self.name
        if not is_key_file(event):
            if ours and ctx.state.step == Step.FILE:
                return [
                    Reply(text=ctx.t("This is not a key file. Send the file .p12 of your key.")),
                    self._ask_file(ctx),
                ]
            return None
        ports = self._ports(ctx)
        if ports is None:
            return [self._unavailable(ctx, delete=True)]
        if not ctx.onboarded:
            text = ctx.t("I deleted the key file from the chat. First let us fill in your profile: /start.")
            return [Reply(text=text, delete_incoming=True)]
        if not ours or ctx.state.step not in (Step.FILE, Step.PASSWORD):
            text = ctx.t("I deleted the key file from the chat: I keep a key only after you agree. Please read:")
            return [Reply(text=text, delete_incoming=True), self._intro(ctx)]
        if not event.content or len(event.content) > MAX_KEY_BYTES:
            note = Reply(text=ctx.t("This file does not look like a key (.p12)."), delete_incoming=True)
            return [note, self._ask_file(ctx)]
        await ports.keeper.hold(ctx.store, ctx.user.user_id, event.content, ctx.now)
        ctx.go(self.name, Step.PASSWORD, token=str(ctx.state.data.get("token", "")), attempts=0)
        return [self._ask_password(ctx, delete=True)]

    # ---- the password ----
    async def on_secret(self, ctx: Ctx, text: str) -> list[Reply] | None:
        ports = self._ports(ctx)
        if ctx.state.step == Step.SAVED:
            return await self._repeated(ctx, ports, text)
        if ports is None:
            ctx.clear()
            return [self._unavailable(ctx, delete=True)]
        user_id = ctx.user.user_id
        if text.strip().lower() in ("/cancel", "/start", "/menu"):
            await ports.keeper.drop_held(ctx.store, user_id)
            ctx.clear()
            text = ctx.t("Cancelled. No key is kept.")
            return [Reply(text=text, buttons=menu.main_buttons(ctx), delete_incoming=True)]
        p12 = await ports.keeper.held(ctx.store, user_id, ports.hold_for, ctx.now)
        if p12 is None:
            ctx.go(self.name, Step.FILE, token=str(ctx.state.data.get("token", "")))
            note = Reply(
                text=ctx.t("The key file waited too long and was destroyed. Send it again."), delete_incoming=True
            )
            return [note, self._ask_file(ctx)]
        try:
            facts = await asyncio.to_thread(ports.keeper.check, p12, text)
        except KeyRefused as exc:
            return await self._refused(ctx, ports, exc)
        profile_iin = ctx.profile.iin if ctx.profile else None
        if facts.iin != profile_iin:
            await self._finish(ctx, ports, "key.refused", {"code": "iin_mismatch"})
            message = ctx.t(
                "This key belongs to another person: its ИИН {iin} differs from your profile's. Send your own key: "
                "/key.",
                iin=facts.iin or "—",
            )
            return [Reply(text=message, delete_incoming=True)]
        await ports.keeper.keep(ctx.store, user_id, p12, text, facts)
        details = {"serial": facts.serial, "not_after": facts.not_after.isoformat(), "test_key": facts.test_key}
        await self._finish(ctx, ports, "key.stored", details)
        ctx.go(self.name, Step.SAVED, saved_at=ctx.now.isoformat())
        lines = (
            ctx.t("The key is saved: {facts}", facts=facts_text(ctx, facts)),
            ctx.t("I sign with it only the declaration, payment orders and ESF, after your confirmation each time."),
            ctx.t("To delete it: /key."),
        )
        return [Reply(text="\n".join(lines), buttons=menu.main_buttons(ctx), delete_incoming=True)]

    async def _repeated(self, ctx: Ctx, ports: KeyPorts | None, text: str) -> list[Reply] | None:
        """The message right after «Ключ сохранён»: the password sent again (the first one vanished from the chat,
        so it may look lost) is deleted as well; anything else is an ordinary message (``None``)."""
        saved_at = dt.datetime.fromisoformat(str(ctx.state.data.get("saved_at", "1970-01-01T00:00:00+00:00")))
        ctx.clear()
        if ports is None or ctx.now - saved_at > ports.repeat_window:
            return None
        if not await ports.keeper.is_kept_password(ctx.store, ctx.user.user_id, text):
            return None
        return [Reply(text=ctx.t("The key is already saved; I deleted the password again."), delete_incoming=True)]

    async def _refused(self, ctx: Ctx, ports: KeyPorts, exc: KeyRefused) -> list[Reply]:
        if exc.code == "bad_password":
            attempts = int(ctx.state.data.get("attempts", 0)) + 1
            left = ports.password_attempts - attempts
            if left > 0:
                ctx.state.data["attempts"] = attempts
                text = ctx.t("Wrong password. Send it again (attempts left: {left}).", left=left)
                return [Reply(text=text, delete_incoming=True)]
            await self._finish(ctx, ports, "key.refused", {"code": "bad_password"})
            text = ctx.t("Wrong password again: I destroyed the key file. To start over: /key.")
            return [Reply(text=text, delete_incoming=True)]
        await self._finish(ctx, ports, "key.refused", {"code": exc.code})
        return [Reply(text="\n".join((refusal_text(ctx, exc), ctx.t("Nothing is kept."))), delete_incoming=True)]

    async def _finish(self, ctx: Ctx, ports: KeyPorts, action: str, details: dict[str, object]) -> None:
        """End the upload: the held file destroyed, the outcome audited (codes and serials only), the flow left."""
        await ports.keeper.drop_held(ctx.store, ctx.user.user_id)
        await ctx.store.audit(ctx.user.user_id, action, dict(details))
        ctx.clear()


def key_button(ctx: Ctx) -> Button:
    """The settings' entry to this flow."""
    return ctx.button(ctx.t("Signing key"), Flow.KEY, "open")
