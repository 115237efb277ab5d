"""Notices from the tax authority in the chat: a new one arrives (the cabinet tick pushes it, or the user forwards a
PDF / pastes the text), is explained, checked against the user's own records, and answered — paid, filed or
explained (пояснение) — each step confirmed by the user, done exactly once and audited.

Exactly once: paying goes through the payment path's effects (one per order, ``core.payments.idempotency_key``);
an explanation is an effect of its own (kind ``ntc_exp``, key per notice and attempt) created at «Подписать и
отправить» before anything leaves, then moved by compare-and-set ``signing → signed → sent → reviewed | rejected``
with the cabinet called with the same key. The notice row follows: ``open → answered → closed``.

```mermaid
stateDiagram-v2
    [*] --> list: /notices, «уведомления»
    [*] --> detail: the tick's push «Подробнее», a forwarded PDF / pasted text
    list --> detail: «№ …»
    detail --> why: «Как посчитано?» (пеня)
    detail --> pay: «Оплатить» (debt + пеня to today)
    pay --> paid: «Да, оплатить» → the payment path (bank, exactly once)
    detail --> filing: «Сдать форму» → Flow.FILING
    detail --> draft: «Пояснение» (drafted from the user's data)
    draft --> draft: the user sends a corrected text
    draft --> signing: «Подписать и отправить» (effect created, eGov link)
    signing --> sent: signed → cabinet.send_explanation(key) → answered
    sent --> reviewed: the tick → the notice closed
    sent --> rejected: the tick → the notice open again
```
"""

from __future__ import annotations

import asyncio
import hashlib
from decimal import Decimal
from typing import Any, Final

from core.notices import (
    Notice,
    NoticeReadError,
    NoticeType,
    explain_notice,
    read_image,
    read_pdf,
    read_text,
    render_penalty,
)
from core.notices.explain import total_due
from core.notices.ocr import OcrUnavailable
from core.notices.reader import PHOTO_SUFFIXES, pdf_text, score_types
from core.storage import notices as repo
from core.storage.models import TaxNotice
from dialogs.contract import Button, FileEvent, Reply
from dialogs.effects.notice_ports import NoticePorts
from dialogs.effects.ports import EffectUnavailable, SignCheck, SignDocument, notice_ports, payment_ports
from dialogs.effects.store import EffectRow, EffectStore
from dialogs.flows import menu
from dialogs.flows import notice_data as data
from dialogs.flows.base import Ctx, FlowHandler, new_token, outdated
from dialogs.flows.filing import NAME_MAX, name_is_valid
from dialogs.flows.signing import sign_request_reply
from dialogs.format import date, money
from dialogs.i18n import N_, Lang, Translator
from dialogs.states import Flow
from nlu.types import ParseResult

KIND: Final = "ntc_exp"
APP: Final = "eGov mobile"
#: steps (persisted)
LIST: Final = "list"
DETAIL: Final = "detail"
PAY: Final = "pay"
DRAFT: Final = "draft"
SIGNING: Final = "signing"
NAME: Final = "name"
LIST_LIMIT = 5
#: what local mode's «Пример (песочница)» issues, in turn: a debt (pay or explain), a missed form (file), a desk audit
SAMPLE_KINDS = ("arrears", "non_filing", "desk_audit", "information")
BODY_MAX = 3000
PASTE_MIN = 150
PASTE_MAX = 8000
_MARKERS = ("№", "уведомлен", "хабарлама", "распоряжен", "письмо", "хат", "өкім")

TITLES: dict[str, str] = {
    "non_filing": N_("Non-filing of a tax return"),
    "arrears": N_("Tax debt"),
    "desk_audit": N_("Desk audit discrepancy"),
    "account_suspension": N_("Bank accounts suspended"),
    "vat_registration": N_("VAT registration"),
    "information": N_("Information letter"),
}
STATUS: dict[str, str] = {
    "open": N_("notice status: open"),
    "answered": N_("notice status: answered, waiting for the tax office"),
    "closed": N_("notice status: closed"),
}
REASONS: dict[str, str] = {
    "signature": N_("the signature did not pass the check"),
    "signer": N_("it is signed by someone else's key"),
    "notice": N_("the tax office has no such open notice of yours"),
    "text": N_("the explanation is empty"),
    "format": N_("the document is not an explanation"),
}


def looks_like_notice(text: str) -> bool:
    """A pasted message that is a notice of the revenue body (not a chat answer that mentions one)."""
    if not PASTE_MIN <= len(text) <= PASTE_MAX:
        return False
    low = text.lower()
    if not any(marker in low for marker in _MARKERS):
        return False
    scores = score_types(text)
    if max(scores.values()) < 6:
        return False
    try:
        notice = read_text(text)
    except NoticeReadError:
        return False
    return notice.number is not None and notice.date is not None


def title(t: Any, kind: str) -> str:
    return str(t(TITLES.get(kind, kind)))


def _number(row: TaxNotice) -> str:
    return "—" if row.number.startswith("#") else row.number


def explanation_text(t: Any, row: EffectRow) -> str:
    """What the chat says about an explanation effect in its current status."""
    number = str(row.result.get("registration_number", ""))
    notice = str(row.request.get("number", ""))
    if row.status == "sent":
        return str(
            t(
                "The explanation is sent, No. {number}. The tax office reviews it; I will write here when it is done.",
                number=number,
            )
        )
    if row.status == "reviewed":
        return str(
            t(
                "The tax office reviewed your explanation No. {number}: notice No. {notice} is closed.",
                number=number,
                notice=notice,
            )
        )
    if row.status == "rejected":
        reasons = [str(r) for r in row.result.get("reasons") or []]
        codes = {r.split(":", 1)[0] for r in reasons}
        why = "; ".join(str(t(REASONS[c])) for c in sorted(codes) if c in REASONS) or "—"
        return str(t("The tax office did not accept the explanation No. {number}: {why}.", number=number, why=why))
    if row.status == "signed":
        return str(t("The explanation is signed, sending it to the tax office."))
    if row.status == "signing":
        return str(t("The explanation is waiting for your signature in {app}.", app=APP))
    return str(t("The explanation is cancelled. Nothing was sent."))


def status_push(row: EffectRow, lang: Lang) -> Reply:
    """What the tick pushes when an explanation moved (``meta.kind = notice_explanation``)."""
    text = explanation_text(Translator(lang).t, row)
    meta = {"kind": "notice_explanation", "effect": row.id, "status": row.status, "lang": lang}
    return Reply(text=text, meta=meta, template=("notice_status", (str(row.request.get("number", "")),)))


async def advance_explanation(
    effects: EffectStore, ports: NoticePorts, row: EffectRow, actor: str = "user"
) -> tuple[EffectRow, str]:
    """Move an explanation as far as it can go now: ``pending`` / ``expired`` (the phone), ``unavailable``
    (the cabinet), ``moved`` (another step won), or the new status. The notice row follows it."""
    if row.status == "signing":
        request_id = str(row.result.get("sign_request", ""))
        check = ports.phone.check(request_id) if request_id and ports.phone else SignCheck("unknown")
        if check.state == "pending":
            return row, "pending"
        if check.state != "signed" or check.signed_xml is None:
            return row, "expired"
        signed = await effects.advance(row, "signed", {"signed_xml": check.signed_xml.decode("utf-8")})
        if signed is None:
            return await _reloaded(effects, row)
        await effects.audit(row.user_id, "notice.explanation_signed", signed, {"notice": row.request["number"]}, actor)
        row = signed
    if row.status == "signed":
        try:
            answer = await ports.cabinet.send_explanation(str(row.result["signed_xml"]).encode("utf-8"), row.key)
        except EffectUnavailable:
            return row, "unavailable"
        status = answer.status if answer.status in ("reviewed", "rejected") else "sent"
        result = {"registration_number": answer.registration_number, "reasons": list(answer.reasons)}
        moved = await effects.advance(row, status, result)
        if moved is None:
            return await _reloaded(effects, row)
        details = {"notice": row.request["number"], "number": answer.registration_number, "status": answer.status}
        await effects.audit(row.user_id, "notice.explanation_sent", moved, details, actor)
        await _follow(effects, moved)
        return moved, status
    if row.status == "sent":
        try:
            answer = await ports.cabinet.explanation_status(str(row.result["registration_number"]))
        except EffectUnavailable:
            return row, "unavailable"
        if not answer.final:
            return row, "sent_still"
        moved = await effects.advance(row, answer.status, {"reasons": list(answer.reasons)})
        if moved is None:
            return await _reloaded(effects, row)
        await effects.audit(
            row.user_id, f"notice.explanation_{answer.status}", moved, {"notice": row.request["number"]}, actor
        )
        await _follow(effects, moved)
        return moved, answer.status
    return row, row.status


async def _follow(effects: EffectStore, row: EffectRow) -> None:
    """The notice's status after its explanation: sent → answered, reviewed → closed, rejected → open again."""
    target = {"sent": "answered", "reviewed": "closed", "rejected": "open"}.get(row.status)
    notice_id = row.request.get("notice_id")
    if target is not None and isinstance(notice_id, int):
        await repo.set_notice_status(effects.session, int(row.user_id), notice_id, target)


async def _reloaded(effects: EffectStore, row: EffectRow) -> tuple[EffectRow, str]:
    return (await effects.get(row.key) or row), "moved"


def new_notice_push(t: Any, row: TaxNotice, button: Button | None) -> Reply:
    """«Новое уведомление из КГД: … срок ответа до …» with «Подробнее» (the tick's push and a fetch in the chat)."""
    kind = title(t, row.kind)
    if row.deadline is not None:
        text = t(
            "New notice from the tax office: {title}, No. {number}. Answer by {deadline}.",
            title=kind,
            number=_number(row),
            deadline=date(row.deadline),
        )
    else:
        text = t("New notice from the tax office: {title}, No. {number}.", title=kind, number=_number(row))
    buttons = ((button,),) if button is not None else ()
    deadline = date(row.deadline) if row.deadline else "—"
    meta = {"kind": "notice_new", "notice": row.id}
    return Reply(text=str(text), buttons=buttons, meta=meta, template=("notice_new", (kind, _number(row), deadline)))


class NoticeFlow(FlowHandler):
    name = Flow.NOTICES
    text_steps = frozenset({DRAFT, NAME})

    # ---- entry: the list ----
    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        if parse is not None and looks_like_notice(parse.get("text", "")):
            return await self.take_text(ctx, parse["text"])
        effects = EffectStore.of(ctx.store)
        if effects is None:
            return [Reply(text=ctx.t("Notices are not available here yet."))]
        ports = notice_ports(ctx.services)
        fresh = await self._fetch(ctx, effects, ports)
        rows = await repo.notices_of(effects.session, int(ctx.user.user_id), ("open", "answered"))
        hint = ctx.t("To check a notice, forward its PDF here or paste its text.")
        extra: list[tuple[Button, ...]] = []
        if ports is not None and ports.sample is not None and ctx.profile is not None and ctx.profile.iin:
            every = await repo.notices_of(effects.session, int(ctx.user.user_id))
            kind = SAMPLE_KINDS[len(every) % len(SAMPLE_KINDS)]  # each press shows another kind of notice
            extra.append((ctx.button(ctx.t("Sample (sandbox)"), self.name, "demo", kind),))
        ctx.go(self.name, LIST)  # a file sent next is taken as a notice (a photo is read with OCR)
        if not rows:
            text = "\n".join((ctx.t("No open notices from the tax office."), *fresh, hint))
            return [Reply(text=text, buttons=tuple(extra))]
        lines = [*fresh, ctx.t("Open notices from the tax office:")]
        buttons: list[tuple[Button, ...]] = []
        for row in rows[:LIST_LIMIT]:
            lines.append(self._line(ctx, row))
            buttons.append((ctx.button(f"№ {_number(row)}"[:20], self.name, "d", str(row.id)),))
        lines.append(hint)
        return [Reply(text="\n".join(lines), buttons=(*buttons, *extra))]

    def _line(self, ctx: Ctx, row: TaxNotice) -> str:
        parts = [f"• {title(ctx.t, row.kind)}, № {_number(row)}"]
        if row.deadline is not None:
            parts.append(ctx.t("answer by {date}", date=date(row.deadline)))
        if row.status != "open":
            parts.append(ctx.t(STATUS[row.status]))
        return ", ".join(parts)

    async def _fetch(self, ctx: Ctx, effects: EffectStore, ports: NoticePorts | None) -> list[str]:
        """New notices from the cabinet right now (the tick does the same in the background)."""
        if ports is None or ctx.profile is None or not ctx.profile.iin:
            return []
        from dialogs.effects.notice_ticks import fetch_new

        try:
            found = await fetch_new(effects, ports, ctx.user.user_id, ctx.profile.iin, ctx.now)
        except EffectUnavailable:
            return [ctx.t("The tax cabinet is not answering right now; here is what I already have.")]
        return [ctx.t("New from the tax cabinet: {count}.", count=len(found))] if found else []

    # ---- a forwarded PDF / photo / pasted text ----
    async def on_file(self, ctx: Ctx, event: FileEvent) -> list[Reply] | None:
        mine = ctx.state.flow == self.name or _notice_words(event.caption or "")
        name = event.file_name.lower()
        suffix = name[name.rfind(".") :] if "." in name else ""
        if event.mime_type.startswith("image/") or suffix in PHOTO_SUFFIXES:
            return await self._photo(ctx, event, mine)
        is_pdf = event.mime_type == "application/pdf" or suffix == ".pdf" or event.content.startswith(b"%PDF")
        is_text = event.mime_type.startswith("text/") or suffix in (".txt", ".text")
        if not (is_pdf or is_text):
            return None
        try:
            if is_pdf:  # a scan without a text layer is read with OCR: off the event loop
                notice, scanned = await asyncio.to_thread(_read_pdf, event.content)
            else:
                notice, scanned = read_text(_decode(event.content)), False
        except NoticeReadError as exc:
            if not mine:
                return None  # not a notice: another flow (documents) may take it
            return [Reply(text=_read_error(ctx, exc))]
        return await self._forwarded(ctx, notice, photo=scanned)

    async def _photo(self, ctx: Ctx, event: FileEvent, mine: bool) -> list[Reply] | None:
        """A photo of a notice: OCR (Tesseract, in a thread), then the same reading as a pasted text. Outside this
        flow a photo is taken only when it reads as a notice (type and number); else another flow may have it."""
        try:
            notice = await asyncio.to_thread(read_image, event.content)
        except OcrUnavailable:
            if not mine:
                return None
            return [Reply(text=ctx.t("I cannot read photos yet. Please send the notice as a PDF or paste its text."))]
        except NoticeReadError as exc:
            if not mine:
                return None
            return [Reply(text=_read_error(ctx, exc))]
        return await self._forwarded(ctx, notice, photo=True)

    async def take_text(self, ctx: Ctx, text: str) -> list[Reply]:
        """A pasted notice (the engine sends a text here when ``looks_like_notice``)."""
        try:
            notice = read_text(text)
        except NoticeReadError as exc:
            return [Reply(text=exc.text(ctx.lang))]
        return await self._forwarded(ctx, notice)

    async def _forwarded(self, ctx: Ctx, notice: Notice, photo: bool = False) -> list[Reply]:
        check = ctx.t("Read from a photo: please check the number, the amounts and the dates against the original.")
        effects = EffectStore.of(ctx.store)
        if effects is None:
            ctx.clear()
            return [Reply(text="\n".join([*([check] if photo else []), explain_notice(notice, ctx.lang, ctx.today)]))]
        row, created = await data.save(effects.session, ctx.user.user_id, notice, "forwarded")
        details = {"notice": row.id, "kind": row.kind, "created": created, "ocr": photo}
        await effects.audit(ctx.user.user_id, "notice.forwarded", None, details)
        head = ctx.t("I have read the notice.") if created else ctx.t("I already have this notice.")
        return await self._detail(ctx, effects, row, f"{head}\n{check}" if photo else head)

    # ---- buttons ----
    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        effects = EffectStore.of(ctx.store)
        if effects is None:
            return outdated(ctx)
        if action == "list":
            return await self.start(ctx, None)
        if action == "demo":
            return await self._demo(ctx, effects, arg)
        if action in ("d", "why", "pay", "file", "exp"):
            row = await repo.get_notice(effects.session, int(ctx.user.user_id), int(arg)) if arg.isdigit() else None
            if row is None:
                return outdated(ctx)
            if action == "d":
                return await self._detail(ctx, effects, row)
            if action == "why":
                return self._why(ctx, row)
            if action == "pay":
                return await self._pay_offer(ctx, effects, row)
            if action == "file":
                return await self._file(ctx, effects, row)
            return await self._draft(ctx, effects, row)
        if action in ("ck", "nl"):
            ports = notice_ports(ctx.services)
            found = await effects.owned(ctx.user.user_id, arg, KIND)
            if found is None or ports is None:
                return outdated(ctx)
            return await (
                self._check(ctx, effects, ports, found) if action == "ck" else self._link(ctx, effects, ports, found)
            )
        state = ctx.state.data
        if ctx.state.flow != self.name or state.get("token") != arg:
            return outdated(ctx)
        if action == "no":
            ctx.clear()
            return [Reply(text=ctx.t("Cancelled. Nothing was sent."), buttons=menu.main_buttons(ctx), edit=True)]
        row = await repo.get_notice(effects.session, int(ctx.user.user_id), int(state.get("nid", 0)))
        if row is None:
            return outdated(ctx)
        if action == "py" and ctx.state.step == PAY:
            return await self._pay(ctx, effects, row)
        if action == "sg" and ctx.state.step in (DRAFT, SIGNING):  # a second tap: the status, not a second one
            return await self._sign(ctx, effects, row)
        return outdated(ctx)

    # ---- the notice explained ----
    async def _detail(self, ctx: Ctx, effects: EffectStore, row: TaxNotice, head: str | None = None) -> list[Reply]:
        notice = data.from_row(row)
        user_data, _ = await data.user_data(effects, ctx.user.user_id, ctx.profile, ctx.services.taxes, notice)
        check = data.check(notice, user_data)
        lines = [head] if head else []
        lines.append(explain_notice(notice, ctx.lang, ctx.today))
        if check.code != "not_checkable":
            lines.append(ctx.t("Checked against your records:") + " " + check.text(ctx.lang))
        debt = _debt(notice, check)
        penalty = data.penalty_to(notice, debt, ctx.today) if debt else None
        if penalty is not None:
            lines.append(ctx.t("Penalty interest to today: {amount}.", amount=money(penalty.total)))
        if row.status != "open":
            lines.append(ctx.t("Status: {status}.", status=ctx.t(STATUS[row.status])))
        ctx.go(self.name, DETAIL, nid=row.id)
        return [Reply(text="\n".join(lines), buttons=self._actions(ctx, row, notice, check.holds, debt, penalty))]

    def _actions(
        self, ctx: Ctx, row: TaxNotice, notice: Notice, holds: bool | None, debt: Decimal, penalty: Any
    ) -> tuple[tuple[Button, ...], ...]:
        nid = str(row.id)
        first: list[Button] = []
        if row.status == "closed":
            return ((ctx.button(ctx.t("All my notices"), self.name, "list"),),)
        if debt > 0 and holds is not False and notice.payment in data.ORDER_KINDS:
            first.append(ctx.button(ctx.t("Pay"), self.name, "pay", nid))
        if penalty is not None:
            first.append(ctx.button(ctx.t("How is it calculated?"), self.name, "why", nid))
        second: list[Button] = []
        if _form_to_file(notice, holds):
            second.append(ctx.button(ctx.t("File the form"), self.name, "file", nid))
        if notice.type is not NoticeType.INFORMATION:
            second.append(ctx.button(ctx.t("Answer with an explanation"), self.name, "exp", nid))
        second.append(ctx.button(ctx.t("All my notices"), self.name, "list"))
        return tuple(r for r in (tuple(first), tuple(second)) if r)

    def _why(self, ctx: Ctx, row: TaxNotice) -> list[Reply]:
        notice = data.from_row(row)
        debt = notice.amounts.get("debt", Decimal(0))
        penalty = data.penalty_to(notice, debt, ctx.today)
        if penalty is None:
            return [
                Reply(text=ctx.t("The notice does not say when the payment was due, so I cannot count the penalty."))
            ]
        text = render_penalty(penalty, ctx.lang)
        if "penalty" in notice.amounts:
            stated = ctx.t("The notice states {amount} on its date.", amount=money(notice.amounts["penalty"]))
            text = "\n".join((text, stated))
        return [Reply(text=text)]

    # ---- pay the debt with the пеня ----
    async def _orders(self, ctx: Ctx, effects: EffectStore, row: TaxNotice) -> tuple[list[Any], str | None]:
        """The orders paying the notice (debt + пеня to today), or ``[]`` and what is missing."""
        from core.calc import CalcInputError
        from core.payments import Payer, PaymentKind, UnknownTaxOfficeError, arrears_order, penalty_order, tax_office

        ports = payment_ports(ctx.services)
        notice = data.from_row(row)
        user_data, _ = await data.user_data(effects, ctx.user.user_id, ctx.profile, ctx.services.taxes, notice)
        debt = _debt(notice, data.check(notice, user_data))
        kind = data.ORDER_KINDS.get(notice.payment or "")
        if ports is None or ctx.profile is None or kind is None or debt <= 0 or not notice.period:
            return [], ctx.t("Paying this notice from the chat is not possible; pay it in your bank's app.")
        account = await ports.accounts.account(ctx.user.user_id, ctx.profile.iin or "")
        if account is None:
            return [], ctx.t("No bank account is connected yet, so I cannot pay.")
        name = await effects.full_name(ctx.user.user_id)
        if not name:
            return [], None
        payer = Payer(ctx.profile.iin or "", name.title(), account.iban, account.bic, bank=account.bank)
        payment = PaymentKind(kind)
        try:
            office = tax_office(ctx.profile.place_id or "", ctx.today) if payment.tax else None
            orders = [arrears_order(payer, payment, notice.period, debt, on=ctx.today, number=1, office=office)]
            penalty = data.penalty_to(notice, debt, ctx.today)
            if penalty is not None and penalty.total > 0:
                orders.append(
                    penalty_order(payer, payment, notice.period, penalty, on=ctx.today, number=2, office=office)
                )
        except (UnknownTaxOfficeError, CalcInputError):
            return [], ctx.t("Paying this notice from the chat is not possible; pay it in your bank's app.")
        return orders, None

    async def _pay_offer(self, ctx: Ctx, effects: EffectStore, row: TaxNotice) -> list[Reply]:
        from core.payments import validate

        live = await self._paid(effects, row)
        if live:
            return [Reply(text="\n".join([ctx.t("This notice is already being paid:"), *live]))]
        orders, missing = await self._orders(ctx, effects, row)
        if not orders and missing is None:
            ctx.go(self.name, NAME, nid=row.id)
            return [Reply(text=ctx.t("Your surname, name and patronymic as in your ID? The orders need them."))]
        if not orders:
            return [Reply(text=str(missing))]
        problems = [e for o in orders for e in validate(o)]
        if problems:
            lines = [ctx.t("The orders do not pass the checks, so I will not send them:")]
            lines.extend(sorted({f"• {e.text_kk if ctx.lang == 'kk' else e.text_ru}" for e in problems}))
            return [Reply(text="\n".join(lines))]
        labels = (ctx.t("the debt itself"), ctx.t("the penalty interest"))
        lines = [ctx.t("To pay under notice No. {number}:", number=_number(row))]
        lines.extend(f"• {labels[min(i, 1)]}: {money(o.amount)}" for i, o in enumerate(orders))
        total = sum((o.amount for o in orders), Decimal(0))
        account_tail = orders[0].payer.iban[-4:]
        lines.append(
            ctx.t("Send {amount} to the bank from the account ending {tail}?", amount=money(total), tail=account_tail)
        )
        token = new_token()
        ctx.go(self.name, PAY, token=token, nid=row.id)
        buttons = (
            (
                ctx.button(ctx.t("Yes, pay"), self.name, "py", token),
                ctx.button(ctx.t("Cancel"), self.name, "no", token),
            ),
        )
        return [Reply(text="\n".join(lines), buttons=buttons)]

    async def _paid(self, effects: EffectStore, row: TaxNotice) -> list[str]:
        from dialogs.flows.payment import KIND as PAY_KIND
        from dialogs.flows.payment import LIVE, payment_text

        keys = set((row.fields or {}).get("payments") or [])
        if not keys:
            return []
        rows = [r for r in await effects.of_user(str(row.user_id), PAY_KIND) if r.key in keys and r.status in LIVE]
        lang = await effects.language(str(row.user_id))
        return [payment_text(Translator(lang).t, lang, r) for r in rows]

    async def _pay(self, ctx: Ctx, effects: EffectStore, row: TaxNotice) -> list[Reply]:
        from core.payments import idempotency_key
        from dialogs.flows.payment import send_orders

        ports = payment_ports(ctx.services)
        live = await self._paid(effects, row)
        if ctx.state.data.get("sent") or live or ports is None:
            return [
                Reply(
                    text="\n".join([ctx.t("This notice is already being paid:"), *live])
                    if live
                    else ctx.t("Already being done.")
                )
            ]
        orders, _ = await self._orders(ctx, effects, row)
        if not orders:
            return outdated(ctx)
        ctx.go(self.name, PAY, **{**ctx.state.data, "sent": True})
        keys = [idempotency_key(o) for o in orders]
        row.fields = {**(row.fields or {}), "payments": keys}
        await effects.session.flush()
        total = sum((o.amount for o in orders), Decimal(0))
        await effects.audit(ctx.user.user_id, "notice.pay_confirmed", None, {"notice": row.id, "amount": str(total)})
        lines = await send_orders(ctx, effects, ports, orders)
        await repo.set_notice_status(effects.session, row.user_id, row.id, "answered", expected=("open",))
        lines.append(ctx.t("I will write here when the bank executes them."))
        return [Reply(text="\n".join(lines), edit=True)]

    # ---- file the missing form ----
    async def _file(self, ctx: Ctx, effects: EffectStore, row: TaxNotice) -> list[Reply]:
        notice = data.from_row(row)
        await effects.audit(
            ctx.user.user_id, "notice.filing_started", None, {"notice": row.id, "period": notice.period}
        )
        period = notice.period or ""
        parse: ParseResult = {
            "text": "",
            "intent": {"name": "file_declaration", "confidence": 1.0},
            "intent_ranking": [],
            "entities": [{"entity": "period", "value": period, "start": 0, "end": 0, "extractor": "notice"}],
        }
        return await ctx.start(Flow.FILING, parse)

    # ---- the explanation (пояснение) ----
    async def _draft(self, ctx: Ctx, effects: EffectStore, row: TaxNotice, body: str | None = None) -> list[Reply]:
        from core.notices.explanation import explanation_text as official
        from core.notices.explanation import substance

        ports = notice_ports(ctx.services)
        if ports is None or ports.phone is None or ctx.profile is None or not ctx.profile.iin:
            return [
                Reply(text=ctx.t("Sending an explanation from the chat is not connected yet. Please try again later."))
            ]
        if row.status == "closed":
            return [Reply(text=ctx.t("This notice is closed: nothing to answer."))]
        name = await effects.full_name(ctx.user.user_id)
        if not name:
            ctx.go(self.name, NAME, nid=row.id, then="exp")
            return [Reply(text=ctx.t("Your surname, name and patronymic as in your ID? The explanation needs them."))]
        notice = data.from_row(row)
        if body is None:
            user_data, filed = await data.user_data(effects, ctx.user.user_id, ctx.profile, ctx.services.taxes, notice)
            body = substance(notice, data.check(notice, user_data), ctx.lang, filed_number=filed)
        text = official(notice, body, ctx.lang, iin=ctx.profile.iin, name=name, on=ctx.today)
        token = new_token()
        ctx.go(self.name, DRAFT, token=token, nid=row.id, body=body)
        lines = (
            ctx.t("A draft of the explanation:"),
            text,
            ctx.t("To change it, send me the new text (the middle part). Nothing is sent before «Sign and send»."),
        )
        buttons = (
            (
                ctx.button(ctx.t("Sign and send"), self.name, "sg", token),
                ctx.button(ctx.t("Cancel"), self.name, "no", token),
            ),
        )
        return [Reply(text="\n".join(lines), buttons=buttons)]

    def prompt(self, ctx: Ctx) -> Reply | None:
        if ctx.state.step == NAME:
            return Reply(text=ctx.t("Your surname, name and patronymic as in your ID? The explanation needs them."))
        if ctx.state.step == DRAFT:
            return Reply(text=ctx.t("Send the new text of the explanation, or press «Sign and send»."))
        return None

    async def on_text(self, ctx: Ctx, text: str, parse: ParseResult) -> list[Reply]:
        effects = EffectStore.of(ctx.store)
        nid = ctx.state.data.get("nid")
        row = (
            await repo.get_notice(effects.session, int(ctx.user.user_id), int(nid))
            if effects and isinstance(nid, int)
            else None
        )
        if effects is None or row is None:
            return await self.start(ctx, None)
        if ctx.state.step == NAME:
            name = " ".join(text.split())
            if len(name) > NAME_MAX or not name_is_valid(name):
                return [Reply(text=ctx.t("Please write the name in letters only, for example: Иванов Иван Иванович."))]
            await effects.set_full_name(ctx.user.user_id, name.upper())
            if ctx.state.data.get("then") == "exp":
                return await self._draft(ctx, effects, row)
            return await self._pay_offer(ctx, effects, row)
        body = text.strip()
        if len(body) > BODY_MAX:
            return [
                Reply(
                    text=ctx.t(
                        "That is too long for an explanation: up to {limit} characters, please.", limit=BODY_MAX
                    )
                )
            ]
        return await self._draft(ctx, effects, row, body)

    def _document(self, ctx: Ctx, row: TaxNotice, effect_id: int) -> SignDocument:
        ru, kk = Translator("ru"), Translator("kk")
        return SignDocument(
            user_id=ctx.user.user_id,
            document_id=f"effect-{effect_id}",
            purpose="explanation",
            title_ru=ru.t("Explanation to notice No. {number}", number=_number(row)),
            title_kk=kk.t("Explanation to notice No. {number}", number=_number(row)),
            expected_iin=ctx.profile.iin if ctx.profile else None,
        )

    async def _sign(self, ctx: Ctx, effects: EffectStore, row: TaxNotice) -> list[Reply]:
        from core.notices.explanation import Explanation, build_explanation
        from core.notices.explanation import explanation_text as official

        ports = notice_ports(ctx.services)
        if ports is None or ports.phone is None or ctx.profile is None or not ctx.profile.iin:
            return outdated(ctx)
        if "effect" in ctx.state.data:  # a second tap: the status, never a second explanation
            found = await effects.owned(ctx.user.user_id, str(ctx.state.data["effect"]), KIND)
            if found is not None:
                return [self._status(ctx, found, notice=ctx.t("Already being done."))]
        notice = data.from_row(row)
        name = await effects.full_name(ctx.user.user_id) or ""
        body = str(ctx.state.data.get("body", ""))
        text = official(notice, body, ctx.lang, iin=ctx.profile.iin, name=name, on=ctx.today)
        doc = Explanation(ctx.profile.iin, name, row.number, row.issued_on, row.kind, ctx.today, text)
        xml = build_explanation(doc).decode("utf-8")
        mine = [r for r in await effects.of_user(ctx.user.user_id, KIND) if r.request.get("notice_id") == row.id]
        live = [r for r in mine if r.status in ("signing", "signed", "sent", "reviewed")]
        if live:
            ctx.go(self.name, SIGNING, **{**ctx.state.data, "effect": live[-1].id})
            return [self._status(ctx, live[-1], notice=ctx.t("Already being done."))]
        attempt = 1 + sum(1 for r in mine if r.status in ("rejected", "cancelled"))
        digest = hashlib.sha256(f"{ctx.user.user_id}:{row.id}".encode()).hexdigest()[:16]
        key = f"ntc-exp-{digest}-{attempt}"
        request = {"notice_id": row.id, "number": _number(row), "xml": xml, "lang": ctx.lang, "attempt": attempt}
        effect, created = await effects.begin(key, ctx.user.user_id, KIND, request, "signing")
        if not created:
            ctx.go(self.name, SIGNING, **{**ctx.state.data, "effect": effect.id})
            return [self._status(ctx, effect, notice=ctx.t("Already being done."))]
        await effects.audit(
            ctx.user.user_id, "notice.explanation_confirmed", effect, {"notice": row.id, "attempt": attempt}
        )
        ctx.go(self.name, SIGNING, **{**ctx.state.data, "effect": effect.id})
        return await self._link(ctx, effects, ports, effect)

    async def _link(self, ctx: Ctx, effects: EffectStore, ports: NoticePorts, row: EffectRow) -> list[Reply]:
        if row.status != "signing" or ports.phone is None:
            return [self._status(ctx, row)]
        notice = await repo.get_notice(effects.session, int(ctx.user.user_id), int(row.request["notice_id"]))
        if notice is None:
            return outdated(ctx)
        link = ports.phone.request(str(row.request["xml"]).encode("utf-8"), self._document(ctx, notice, row.id))
        moved = await effects.advance(row, "signing", {"sign_request": link.id})
        if moved is None:
            return [self._status(ctx, await effects.get(row.key) or row)]
        await effects.audit(ctx.user.user_id, "notice.signature_requested", moved, {"way": "phone"})
        intro = ctx.t("Sign the explanation in {app}: open the link on your phone or scan the QR code.", app=APP)
        return [sign_request_reply(ctx, link, intro, row.id, self._signing_buttons(ctx, moved))]

    def _signing_buttons(self, ctx: Ctx, row: EffectRow) -> tuple[tuple[Button, ...], ...]:
        return (
            (
                ctx.button(ctx.t("Check signature"), self.name, "ck", str(row.id)),
                ctx.button(ctx.t("New link"), self.name, "nl", str(row.id)),
            ),
        )

    async def _check(self, ctx: Ctx, effects: EffectStore, ports: NoticePorts, row: EffectRow) -> list[Reply]:
        row, what = await advance_explanation(effects, ports, row)
        if what == "pending":
            text = ctx.t("The signature has not arrived yet. Sign in {app}, then press «Check signature».", app=APP)
            return [Reply(text=text, buttons=self._signing_buttons(ctx, row))]
        if what == "expired":
            text = ctx.t("The signing link has expired. Press «New link» and sign again.")
            return [Reply(text=text, buttons=self._signing_buttons(ctx, row))]
        if what == "unavailable":
            return [Reply(text=ctx.t("The tax office is not answering right now. I will send it myself a bit later."))]
        if ctx.state.flow == self.name and row.status in ("sent", "reviewed", "rejected"):
            ctx.clear()
        return [self._status(ctx, row)]

    def _status(self, ctx: Ctx, row: EffectRow, notice: str | None = None) -> Reply:
        text = explanation_text(ctx.t, row)
        if row.status in ("signing", "signed"):
            return Reply(text=text, buttons=self._signing_buttons(ctx, row), notice=notice)
        if row.status == "sent":
            check = ctx.button(ctx.t("Check status"), self.name, "ck", str(row.id))
            return Reply(text=text, buttons=((check,),), notice=notice)
        return Reply(text=text, notice=notice)

    # ---- local mode: a sample notice from the sandbox cabinet ----
    async def _demo(self, ctx: Ctx, effects: EffectStore, kind: str) -> list[Reply]:
        ports = notice_ports(ctx.services)
        if ports is None or ports.sample is None or ctx.profile is None or not ctx.profile.iin:
            return outdated(ctx)
        if kind not in TITLES:
            return outdated(ctx)
        await ports.sample.issue(ctx.profile.iin, kind)
        await effects.audit(ctx.user.user_id, "notice.sandbox_sample", None, {"kind": kind})
        return await self.start(ctx, None)


def _debt(notice: Notice, check: Any) -> Decimal:
    """The debt to pay: what the user's records leave unpaid when they show less, else what the notice claims."""
    claimed = notice.amounts.get("debt")
    if claimed is None:
        due = total_due(notice)
        claimed = due - notice.amounts.get("penalty", Decimal(0)) if due is not None else Decimal(0)
    if check.code == "debt_partly":
        return Decimal(check.figures.get("unpaid", claimed))
    if check.code == "debt_not_confirmed":
        return Decimal(0)
    return Decimal(claimed)


def _form_to_file(notice: Notice, holds: bool | None) -> bool:
    """«Сдать форму»: a 910.00 not filed, or a desk-audit discrepancy that holds (an additional declaration)."""
    if notice.form not in (None, "910.00") or not notice.period or "-H" not in notice.period:
        return False
    if notice.type is NoticeType.NON_FILING:
        return holds is not False
    return notice.type is NoticeType.DESK_AUDIT and holds is True


def _notice_words(caption: str) -> bool:
    low = caption.lower()
    return any(word in low for word in ("уведомлен", "налогов", "кгд", "угд", "хабарлама", "салық"))


def _read_pdf(content: bytes) -> tuple[Notice, bool]:
    """The notice in a PDF, and whether it was a scan (read with OCR, so the user is asked to check it)."""
    return read_pdf(content), not pdf_text(content).strip()


def _read_error(ctx: Ctx, exc: NoticeReadError) -> str:
    if exc.code == "unclear":
        return ctx.t(
            "I could not make out a notice in this photo. Please send the PDF from the taxpayer's cabinet "
            "or paste the text of the notice."
        )
    return exc.text(ctx.lang)


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ""


async def take_pasted(ctx: Ctx, text: str) -> list[Reply]:
    """The engine's entry for a pasted notice (``looks_like_notice``)."""
    handler = ctx.flows[Flow.NOTICES]
    assert isinstance(handler, NoticeFlow)
    return await handler.take_text(ctx, text)
