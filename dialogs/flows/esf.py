"""Register an issued document as an ESF (электронный счёт-фактура) from the chat: summary → the user's confirmation
→ the signature on the phone (or the kept key) → ИС ЭСФ → «ЭСФ принят, статус: в очереди» → the final status
(``CREATED`` with its registration number, or ``FAILED`` with the reasons) pushed later by ``poll_esf``.

The documents flow shows ``ctx.button(…, Flow.ESF, "new", str(document_id))`` under an issued invoice, act or waybill;
``/esf`` lists the user's ESFs and the documents still waiting for one.

Exactly once: the confirmation creates the effect row (key ``esf:<user>:<document>:<attempt>``) before any outside
call; every later step moves it by compare-and-set (``signing → signed → uploaded → created | failed``, or
``declined`` when ИС ЭСФ refuses the upload) and the body uploaded is the one stored in the row, so a double tap, a
redelivered update, a tick racing a button, or a crash and a replay upload the same invoice — and a repeated upload
is recognised by ИС ЭСФ's ``NOT_UNIQUE_NUMBER_AND_DATE`` and answered with the invoice already there. A document
(or the invoice/act it is linked to) with an ESF shows that ESF instead.

```mermaid
stateDiagram-v2
    [*] --> registered: the document (or its invoice/act) has an ESF
    [*] --> refused: not the user's / not eligible (the reasons)
    [*] --> summary: «ЭСФ» under a document
    summary --> choice: «Подписать, отправить» with a kept key
    summary --> signing: «Подписать, отправить» (effect created, eGov link + QR)
    choice --> signing: «На телефоне»
    choice --> signed: «Сохранённым ключом»
    signing --> signed: the phone returned the signature («Проверить подпись» or the tick)
    signed --> uploaded: syncInvoice → «ЭСФ принят, в очереди»
    signed --> declined: ИС ЭСФ refused the upload (codes explained)
    uploaded --> created: poll_esf (registration number)
    uploaded --> failed: poll_esf (codes explained)
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from dialogs.contract import Button, Reply
from dialogs.effects.esf_ports import (
    FAILED_STATUSES,
    PENDING_STATUSES,
    REGISTERED_STATUSES,
    EsfPorts,
    EsfProblem,
    PreparedInvoice,
)
from dialogs.effects.ports import EffectUnavailable, SignCheck, SignDocument, SignRefused, esf_ports
from dialogs.effects.store import EffectRow, EffectStore
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler, new_token, outdated
from dialogs.flows.esf_texts import problem_lines, status_text
from dialogs.flows.signing import sign_request_reply
from dialogs.format import date, money
from dialogs.i18n import N_, Lang, Translator
from dialogs.states import Flow
from nlu.types import ParseResult

KIND = "esf"
IN_FLIGHT = ("signing", "signed")
LIVE = ("signing", "signed", "uploaded", "created")  # an ESF that exists or is on its way: never a second one
RETRYABLE = ("failed", "declined")  # a new attempt gets a new key
APP = "eGov mobile"
LIST_LIMIT = 10
ADDRESS_MIN, ADDRESS_MAX = 5, 200
KIND_DIGITS = {"invoice": "1", "act": "2", "waybill": "3"}  # the ESF number: kind, year, number (unique per seller)

T = Callable[..., str]

TITLES = {
    "invoice": N_("Invoice No. {number} of {date}"),
    "act": N_("Act No. {number} of {date}"),
    "waybill": N_("Waybill No. {number} of {date}"),
}


class EsfStep:
    """Steps of the ESF flow (persisted in the dialog state)."""

    ADDRESS = "address"
    SUMMARY = "summary"
    CHOICE = "choice"
    SIGNING = "signing"


def esf_number(kind: str, year: int, number: int) -> str:
    """The ESF's own number (digits only, ≤ 30): an act № 7 of 2026 → ``2202600007`` — an invoice and an act of the
    same printed number never share one."""
    return f"{KIND_DIGITS.get(kind, '9')}{year:04d}{number:05d}"


def deadline_of(turnover: dt.date) -> dt.date:
    """The last day to issue the ESF: the turnover date + ``esf.issue_days`` calendar days (in force then)."""
    from core.rules import parameters

    days = int(parameters().value("esf.issue_days", turnover))
    return turnover + dt.timedelta(days=days)


def document_title(t: T, request: dict[str, Any]) -> str:
    kind = str(request.get("doc_kind", "invoice"))
    day = dt.date.fromisoformat(str(request["doc_date"]))
    return t(TITLES.get(kind, TITLES["invoice"]), number=request.get("doc_number", ""), date=date(day))


def outcome_text(t: T, row: EffectRow) -> str:
    """What the chat says about an ESF effect in its current status."""
    title = document_title(t, row.request)
    num = str(row.request.get("esf_num", ""))
    result = row.result
    problems = [EsfProblem.from_json(p) for p in result.get("problems") or []]
    if row.status == "uploaded":
        status = status_text(t, str(result.get("esf_status", "IN_QUEUE")))
        return "\n".join(
            (
                t("ESF accepted by ИС ЭСФ, No. {num}, status: {status}.", num=num, status=status),
                t("{title}: I will write here when it is registered.", title=title),
            )
        )
    if row.status == "created":
        number = str(result.get("registration_number", ""))
        return t("{title}: the ESF is registered, registration No. {number}. Done!", title=title, number=number)
    if row.status in ("failed", "declined"):
        lines = [t("{title}: ИС ЭСФ did not register the ESF. Why:", title=title)]
        lines.extend(problem_lines(t, problems) or [t("ИС ЭСФ gave no reason.")])
        lines.append(t("Fix the document (issue a corrected one) and send the ESF again."))
        return "\n".join(lines)
    if row.status == "signed":
        return t("{title}: signed, sending to ИС ЭСФ. I will write the result here.", title=title)
    if row.status == "signing":
        return t("{title}: waiting for your signature in {app}.", title=title, app=APP)
    return t("{title}: the ESF was cancelled.", title=title)


async def advance_esf(
    effects: EffectStore, ports: EsfPorts, row: EffectRow, actor: str = "user"
) -> tuple[EffectRow, str]:
    """Move an ESF as far as it can go now; returns the row and what happened: ``pending`` / ``expired`` (the phone),
    ``unavailable`` (ИС ЭСФ), ``moved`` (another step won), ``uploaded_still``, or the new status."""
    if row.status == "signing":
        request_id = str(row.result.get("sign_request", ""))
        check = ports.phone.check(request_id) if request_id else SignCheck("unknown")
        if check.state == "pending":
            return row, "pending"
        if check.state != "signed" or check.signed_xml is None:
            return row, "expired"
        signed = await effects.advance(row, "signed", {"signed": check.signed_xml.decode("utf-8")})
        if signed is None:
            return await _reloaded(effects, row)
        await effects.audit(row.user_id, "esf.signed", signed, _details(row, way="phone"), actor)
        row = signed
    if row.status == "signed":
        iin = str(row.request["iin"])
        try:
            answer = await ports.gateway.upload(iin, str(row.request["body"]), str(row.result["signed"]).encode())
        except EffectUnavailable:
            return row, "unavailable"
        problems = [p.to_json() for p in answer.problems]
        if answer.invoice_id is None:
            moved = await effects.advance(row, "declined", {"problems": problems})
            if moved is None:
                return await _reloaded(effects, row)
            codes = ",".join(p.code for p in answer.problems)
            await effects.audit(row.user_id, "esf.declined", moved, _details(row, codes=codes), actor)
            return moved, "declined"
        status = "created" if answer.status in REGISTERED_STATUSES else "uploaded"
        result = {
            "invoice_id": answer.invoice_id,
            "esf_status": answer.status,
            "registration_number": answer.registration_number or "",
            "certificate": answer.certificate,
            "problems": problems,
        }
        moved = await effects.advance(row, status, result)
        if moved is None:
            return await _reloaded(effects, row)
        details = _details(row, invoice_id=answer.invoice_id, again=answer.already_registered)
        await effects.audit(row.user_id, "esf.uploaded", moved, details, actor)
        return moved, status
    if row.status == "uploaded":
        try:
            answer = await ports.gateway.status(
                str(row.request["iin"]), str(row.result.get("certificate", "")), int(row.result["invoice_id"])
            )
        except EffectUnavailable:
            return row, "unavailable"
        if answer.status in PENDING_STATUSES or answer.status not in (*REGISTERED_STATUSES, *FAILED_STATUSES):
            if answer.status != row.result.get("esf_status"):
                seen = await effects.advance(row, "uploaded", {"esf_status": answer.status})
                row = seen or row
            return row, "uploaded_still"
        final = "created" if answer.status in REGISTERED_STATUSES else "failed"
        result = {
            "esf_status": answer.status,
            "registration_number": answer.registration_number or "",
            "problems": [p.to_json() for p in answer.problems],
        }
        moved = await effects.advance(row, final, result)
        if moved is None:
            return await _reloaded(effects, row)
        details = _details(row, number=answer.registration_number or "", status=answer.status)
        await effects.audit(row.user_id, f"esf.{final}", moved, details, actor)
        return moved, final
    return row, row.status


def _details(row: EffectRow, **extra: Any) -> dict[str, Any]:
    return {"document_id": row.request.get("document_id"), "num": row.request.get("esf_num"), **extra}


async def _reloaded(effects: EffectStore, row: EffectRow) -> tuple[EffectRow, str]:
    fresh = await effects.get(row.key)
    return (fresh or row), "moved"


def _linked(issued: Any) -> set[int]:
    """The document and the one it is linked to (an act made from an invoice): one turnover, one ESF."""
    return {int(issued.id), *([int(issued.source_document_id)] if issued.source_document_id else [])}


async def esf_of(effects: EffectStore, user_id: str, document_ids: set[int]) -> EffectRow | None:
    """The live ESF (on its way or registered) of any of ``document_ids``, the newest one."""
    found = [
        r
        for r in await effects.of_user(user_id, KIND)
        if r.status in LIVE and int(r.request.get("document_id", 0)) in document_ids
    ]
    return found[-1] if found else None


class EsfFlow(FlowHandler):
    name = Flow.ESF
    text_steps = frozenset({EsfStep.ADDRESS})

    # ---- entry: /esf lists the ESFs ----
    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        if not ctx.onboarded:
            return await ctx.start(Flow.ONBOARDING)
        ports, effects = esf_ports(ctx.services), EffectStore.of(ctx.store)
        if ports is None or effects is None:
            return [Reply(text=ctx.t("ESF from the chat is not connected yet. Please try again later."))]
        return [await self._list(ctx, effects)]

    async def _list(self, ctx: Ctx, effects: EffectStore) -> Reply:
        from core.documents import list_issued

        rows = [r for r in await effects.of_user(ctx.user.user_id, KIND) if r.request and r.status != "cancelled"]
        lines = [ctx.t("Your ESFs:")] if rows else [ctx.t("You have no ESFs yet.")]
        for row in rows[-LIST_LIMIT:]:
            lines.append(f"• {self._line(ctx, row)}")
        covered = {int(r.request.get("document_id", 0)) for r in rows if r.status in LIVE}
        issued = await list_issued(effects.session, int(ctx.user.user_id), start=ctx.today - dt.timedelta(days=90))
        sources = {int(d.source_document_id) for d in issued if d.source_document_id}
        waiting = [d for d in issued if not (_linked(d) & covered) and d.id not in sources]
        buttons: list[tuple[Button, ...]] = []
        if waiting:
            lines.append(ctx.t("Documents without an ESF:"))
            for doc in waiting[-3:]:
                deadline = deadline_of(doc.document.on_turnover)
                title = ctx.t(TITLES[doc.kind], number=doc.number, date=date(doc.document.date))
                lines.append(f"• {ctx.t('{title}: issue the ESF by {date}.', title=title, date=date(deadline))}")
                label = ctx.t("ESF for No. {number}", number=doc.number)
                buttons.append((ctx.button(label, self.name, "new", str(doc.id)),))
        return Reply(text="\n".join(lines), buttons=tuple(buttons))

    def _line(self, ctx: Ctx, row: EffectRow) -> str:
        title = document_title(ctx.t, row.request)
        if row.status == "created":
            number = str(row.result.get("registration_number", ""))
            return ctx.t("{title}: registered, No. {number}", title=title, number=number)
        if row.status == "uploaded":
            status = status_text(ctx.t, str(row.result.get("esf_status", "IN_QUEUE")))
            return f"{title}: {status}"
        if row.status in RETRYABLE:
            return ctx.t("{title}: not registered", title=title)
        return ctx.t("{title}: waiting for the signature", title=title)

    # ---- buttons ----
    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        ports, effects = esf_ports(ctx.services), EffectStore.of(ctx.store)
        if ports is None or effects is None:
            return [Reply(text=ctx.t("ESF from the chat is not connected yet. Please try again later."))]
        if action == "new":
            return await self._open(ctx, effects, ports, arg)
        if action in ("chk", "lnk"):
            row = await effects.owned(ctx.user.user_id, arg, KIND)
            if row is None:
                return outdated(ctx)
            if action == "chk":
                return await self._check(ctx, effects, ports, row)
            return await self._new_link(ctx, effects, ports, row)
        data = ctx.state.data
        if ctx.state.flow != self.name or data.get("token") != arg:
            return outdated(ctx)
        if "effect" in data:  # a second tap after the effect exists: its status, never a second ESF
            row = await effects.owned(ctx.user.user_id, str(data["effect"]), KIND)
            if row is not None:
                if action == "no" and row.status == "signing":
                    return await self._cancel(ctx, effects, row)
                return [self._status_reply(ctx, row, notice=ctx.t("Already being done."))]
        if action == "no":
            ctx.clear()
            return [Reply(text=ctx.t("Cancelled. Nothing was sent."), buttons=menu.main_buttons(ctx), edit=True)]
        if ctx.state.step not in (EsfStep.SUMMARY, EsfStep.CHOICE) or action not in ("ok", "ph", "kk"):
            return outdated(ctx)
        if action == "ok" and ports.kept is not None and await ports.kept.has_key(ctx.user.user_id, ctx.store):
            ctx.state.step = EsfStep.CHOICE
            buttons = (
                (
                    ctx.button(ctx.t("On my phone"), self.name, "ph", arg),
                    ctx.button(ctx.t("With the kept key"), self.name, "kk", arg),
                    ctx.button(ctx.t("Cancel"), self.name, "no", arg),
                ),
            )
            text = ctx.t("How to sign? On your phone in {app}, or with the key you stored with me.", app=APP)
            return [Reply(text=text, buttons=buttons)]
        return await self._confirm(ctx, effects, ports, "kept" if action == "kk" else "phone")

    # ---- the document → the summary ----
    async def _issued(self, ctx: Ctx, effects: EffectStore, document_id: str) -> Any:
        from core.documents import get_issued

        if not document_id.isdigit():
            return None
        return await get_issued(effects.session, int(ctx.user.user_id), int(document_id))

    async def _open(self, ctx: Ctx, effects: EffectStore, ports: EsfPorts, document_id: str) -> list[Reply]:
        issued = await self._issued(ctx, effects, document_id)
        if issued is None:
            ctx.clear()
            return [Reply(text=ctx.t("I do not find this document among yours."))]
        existing = await esf_of(effects, ctx.user.user_id, _linked(issued) | await self._acts_of(effects, issued))
        if existing is not None:
            if existing.status in IN_FLIGHT:
                ctx.go(self.name, EsfStep.SIGNING, token=new_token(), doc=issued.id, effect=existing.id)
            else:
                ctx.clear()
            lines = [ctx.t("This document already has an ESF: it is not issued twice."), outcome_text(ctx.t, existing)]
            reply = self._status_reply(ctx, existing)
            return [Reply(text="\n".join(lines), buttons=reply.buttons)]
        address = await self._address(ctx, effects, issued)
        if address is None:
            ctx.go(self.name, EsfStep.ADDRESS, doc=issued.id)
            return [self._ask_address(ctx)]
        request, prepared, refusal = self._request(ctx, ports, issued, address)
        if refusal is not None:
            ctx.clear()
            return [refusal]
        assert prepared is not None
        if prepared.problems:
            ctx.clear()
            lines = [ctx.t("ИС ЭСФ would not accept this ESF:"), *problem_lines(ctx.t, prepared.problems)]
            lines.append(ctx.t("Fix the document (issue a corrected one) and send the ESF again."))
            return [Reply(text="\n".join(lines))]
        return self._summary(ctx, issued, request)

    async def _address(self, ctx: Ctx, effects: EffectStore, issued: Any) -> str | None:
        """The seller's address an ESF needs (section B): the document's, the one given in this conversation, or the
        one of the user's last ESF; ``None`` → ask once."""
        if issued.document.seller.address:
            return str(issued.document.seller.address)
        given = ctx.state.data.get("address") if ctx.state.flow == self.name else None
        if given:
            return str(given)
        for row in reversed(await effects.of_user(ctx.user.user_id, KIND)):
            if row.request.get("seller_address"):
                return str(row.request["seller_address"])
        return None

    def _ask_address(self, ctx: Ctx) -> Reply:
        return Reply(
            text=ctx.t("An ESF needs your address as the seller, as registered. For example: Астана, ул. Абая, 1.")
        )

    def prompt(self, ctx: Ctx) -> Reply | None:
        return self._ask_address(ctx) if ctx.state.step == EsfStep.ADDRESS else None

    async def on_text(self, ctx: Ctx, text: str, parse: ParseResult) -> list[Reply]:
        ports, effects = esf_ports(ctx.services), EffectStore.of(ctx.store)
        document_id = str(ctx.state.data.get("doc", ""))
        if ports is None or effects is None or not document_id:
            return await self.start(ctx, None)
        address = " ".join(text.split())
        if not ADDRESS_MIN <= len(address) <= ADDRESS_MAX or not any(ch.isalpha() for ch in address):
            return [Reply(text=ctx.t("Please write the address in one line, for example: Астана, ул. Абая, 1."))]
        ctx.state.data["address"] = address
        return await self._open(ctx, effects, ports, document_id)

    async def _acts_of(self, effects: EffectStore, issued: Any) -> set[int]:
        """The acts made from an invoice (their ESF covers the invoice's turnover)."""
        from sqlalchemy import select

        from core.storage.models import Document as DocumentRow

        stmt = select(DocumentRow.id).where(
            DocumentRow.user_id == issued.user_id, DocumentRow.source_document_id == issued.id
        )
        return {int(i) for i in await effects.session.scalars(stmt)}

    def _request(
        self, ctx: Ctx, ports: EsfPorts, issued: Any, address: str
    ) -> tuple[dict[str, Any], PreparedInvoice | None, Reply | None]:
        """The effect's request (the ESF body built now, uploaded as is later), or why it cannot be issued."""
        from core.documents import esf_mapping

        document = issued.document
        turnover: dt.date = document.on_turnover
        iin = ctx.profile.iin if ctx.profile else None
        if not iin:
            return {}, None, Reply(text=ctx.t("Your ИИН is not in the profile: /start to enter it."))
        if document.seller.bin_iin != iin:
            return {}, None, Reply(text=ctx.t("The seller on this document is not you: an ESF needs your ИИН."))
        if turnover > ctx.today:
            when = date(turnover)
            return {}, None, Reply(text=ctx.t("The ESF can be issued from the turnover date, {date}.", date=when))
        num = esf_number(issued.kind, issued.year, issued.number)
        mapping = esf_mapping(document)
        mapping = {**mapping, "number": num, "date": ctx.today.isoformat()}
        mapping["seller"] = {**mapping["seller"], "address": address}
        prepared = ports.builder.prepare(mapping, iin)
        request = {
            "document_id": issued.id,
            "doc_kind": issued.kind,
            "doc_number": str(issued.number),
            "doc_date": document.date.isoformat(),
            "turnover_date": turnover.isoformat(),
            "buyer": document.buyer.name,
            "buyer_tin": document.buyer.bin_iin or "",
            "total": str(issued.total),
            "esf_num": num,
            "esf_date": ctx.today.isoformat(),
            "iin": iin,
            "seller_address": address,
            "body": prepared.body,
            "payload": prepared.payload.decode("utf-8"),
        }
        return request, prepared, None

    def _summary(self, ctx: Ctx, issued: Any, request: dict[str, Any]) -> list[Reply]:
        turnover = dt.date.fromisoformat(request["turnover_date"])
        deadline = deadline_of(turnover)
        buyer = request["buyer"] + (f", {request['buyer_tin']}" if request["buyer_tin"] else "")
        lines = [
            ctx.t("ESF for: {title}", title=document_title(ctx.t, request)),
            ctx.t("Buyer: {buyer}", buyer=buyer),
            ctx.t("Seller's address: {address}", address=request["seller_address"]),
            ctx.t("Total: {total}", total=money(Decimal(request["total"]))),
            ctx.t("Turnover date: {date}", date=date(turnover)),
            ctx.t("Issue the ESF by: {date}", date=date(deadline)),
        ]
        if deadline < ctx.today:
            lines.append(ctx.t("The deadline has passed: issue it now, a late ESF is fined."))
        lines.append(ctx.t("I will sign and send it to ИС ЭСФ only after your confirmation."))
        token = new_token()
        ctx.go(self.name, EsfStep.SUMMARY, token=token, doc=issued.id, address=request["seller_address"])
        buttons = (
            (
                ctx.button(ctx.t("Sign and send"), self.name, "ok", token),
                ctx.button(ctx.t("Cancel"), self.name, "no", token),
            ),
        )
        return [Reply(text="\n".join(lines), buttons=buttons)]

    # ---- the confirmation → the effect → the signature ----
    async def _confirm(self, ctx: Ctx, effects: EffectStore, ports: EsfPorts, way: str) -> list[Reply]:
        issued = await self._issued(ctx, effects, str(ctx.state.data.get("doc", "")))
        if issued is None:
            return outdated(ctx)
        existing = await esf_of(effects, ctx.user.user_id, _linked(issued) | await self._acts_of(effects, issued))
        if existing is not None:
            ctx.go(self.name, EsfStep.SIGNING, **{**ctx.state.data, "effect": existing.id})
            return [self._status_reply(ctx, existing, notice=ctx.t("Already being done."))]
        address = await self._address(ctx, effects, issued)
        if address is None:
            return outdated(ctx)
        request, prepared, refusal = self._request(ctx, ports, issued, address)
        if refusal is not None or prepared is None or prepared.problems:
            ctx.clear()
            return [refusal or Reply(text=ctx.t("ИС ЭСФ would not accept this ESF:"))]
        rows = [r for r in await effects.of_user(ctx.user.user_id, KIND) if r.request.get("document_id") == issued.id]
        attempt = 1 + sum(1 for r in rows if r.status in RETRYABLE)
        key = f"esf:{ctx.user.user_id}:{issued.id}:{attempt}"
        row, created = await effects.begin(key, ctx.user.user_id, KIND, {**request, "way": way}, "signing")
        if not created:
            if row.status != "cancelled":
                ctx.go(self.name, EsfStep.SIGNING, **{**ctx.state.data, "effect": row.id})
                return [self._status_reply(ctx, row, notice=ctx.t("Already being done."))]
            revived = await effects.advance(row, "signing", {"sign_request": ""})
            if revived is None:
                return outdated(ctx)
            row = revived
        await effects.audit(ctx.user.user_id, "esf.confirmed", row, _details(row, way=way, attempt=attempt))
        ctx.go(self.name, EsfStep.SIGNING, **{**ctx.state.data, "effect": row.id})
        if way == "kept" and ports.kept is not None:
            return await self._sign_with_kept_key(ctx, effects, ports, row)
        return await self._new_link(ctx, effects, ports, row)

    def _document(self, ctx: Ctx, row: EffectRow) -> SignDocument:
        ru, kk = Translator("ru").t, Translator("kk").t
        return SignDocument(
            user_id=ctx.user.user_id,
            document_id=f"effect-{row.id}",
            purpose="esf",
            title_ru=ru("ESF for: {title}", title=document_title(ru, row.request)),
            title_kk=kk("ESF for: {title}", title=document_title(kk, row.request)),
            expected_iin=str(row.request.get("iin") or "") or None,
        )

    async def _new_link(self, ctx: Ctx, effects: EffectStore, ports: EsfPorts, row: EffectRow) -> list[Reply]:
        if row.status != "signing":
            return [self._status_reply(ctx, row)]
        link = ports.phone.request(str(row.request["payload"]).encode("utf-8"), self._document(ctx, row))
        moved = await effects.advance(row, "signing", {"sign_request": link.id})
        if moved is None:
            return [self._status_reply(ctx, await effects.get(row.key) or row)]
        await effects.audit(ctx.user.user_id, "esf.signature_requested", moved, _details(row, way="phone"))
        intro = ctx.t("Sign the ESF in {app}: open the link on your phone or scan the QR code.", app=APP)
        return [sign_request_reply(ctx, link, intro, row.id, self._signing_buttons(ctx, moved))]

    def _signing_buttons(self, ctx: Ctx, row: EffectRow) -> tuple[tuple[Button, ...], ...]:
        token = str(ctx.state.data.get("token", ""))
        row_buttons = [
            ctx.button(ctx.t("Check signature"), self.name, "chk", str(row.id)),
            ctx.button(ctx.t("New link"), self.name, "lnk", str(row.id)),
        ]
        if token and ctx.state.flow == self.name:
            row_buttons.append(ctx.button(ctx.t("Cancel"), self.name, "no", token))
        return (tuple(row_buttons),)

    async def _sign_with_kept_key(
        self, ctx: Ctx, effects: EffectStore, ports: EsfPorts, row: EffectRow
    ) -> list[Reply]:
        assert ports.kept is not None
        try:
            payload = str(row.request["payload"]).encode("utf-8")
            signed = await ports.kept.sign(payload, self._document(ctx, row), ctx.store)
        except SignRefused as exc:
            await effects.audit(ctx.user.user_id, "esf.signature_refused", row, {"code": exc.code})
            await effects.advance(row, "cancelled")
            ctx.clear()
            return [
                Reply(text=ctx.t("The kept key cannot sign this ({code}). Sign on your phone instead.", code=exc.code))
            ]
        moved = await effects.advance(row, "signed", {"signed": signed.decode("utf-8")})
        if moved is None:
            return [self._status_reply(ctx, await effects.get(row.key) or row)]
        await effects.audit(ctx.user.user_id, "esf.signed", moved, _details(row, way="kept"))
        return await self._check(ctx, effects, ports, moved)

    async def _check(self, ctx: Ctx, effects: EffectStore, ports: EsfPorts, row: EffectRow) -> list[Reply]:
        row, what = await advance_esf(effects, ports, row)
        if what == "pending":
            text = ctx.t("The signature has not arrived yet. Sign in {app}, then press «Check signature».", app=APP)
            return [Reply(text=text, buttons=self._signing_buttons(ctx, row))]
        if what == "expired":
            text = ctx.t("The signing link has expired. Press «New link» and sign again.")
            return [Reply(text=text, buttons=self._signing_buttons(ctx, row))]
        if what == "unavailable":
            return [Reply(text=ctx.t("ИС ЭСФ is not answering right now. I will send it myself a bit later."))]
        if row.status not in IN_FLIGHT and ctx.state.flow == self.name:
            ctx.clear()
        return [self._status_reply(ctx, row)]

    async def _cancel(self, ctx: Ctx, effects: EffectStore, row: EffectRow) -> list[Reply]:
        moved = await effects.advance(row, "cancelled")
        if moved is None:
            return [self._status_reply(ctx, await effects.get(row.key) or row)]
        await effects.audit(ctx.user.user_id, "esf.cancelled", moved, _details(row))
        ctx.clear()
        return [Reply(text=ctx.t("Cancelled. Nothing was sent."), buttons=menu.main_buttons(ctx), edit=True)]

    def _status_reply(self, ctx: Ctx, row: EffectRow, notice: str | None = None) -> Reply:
        text = outcome_text(ctx.t, row)
        if row.status in IN_FLIGHT:
            return Reply(text=text, buttons=self._signing_buttons(ctx, row), notice=notice)
        if row.status == "uploaded":
            check = ctx.button(ctx.t("Check status"), self.name, "chk", str(row.id))
            return Reply(text=text, buttons=((check,),), notice=notice)
        return Reply(text=text, notice=notice)


def status_push(row: EffectRow, lang: Lang) -> Reply:
    """The message the tick pushes when an ESF reached its final status (``meta.kind = esf_status``)."""
    t = Translator(lang).t
    text = outcome_text(t, row)
    meta = {"kind": "esf_status", "effect": row.id, "status": row.status, "lang": lang}
    esf_status = {"created": "CREATED", "uploaded": str(row.result.get("esf_status", "IN_QUEUE"))}.get(
        row.status, "FAILED"
    )
    status = status_text(t, esf_status)
    # WhatsApp's closed 24-hour window needs an approved template: esf_status(document, status)
    return Reply(text=text, meta=meta, template=("esf_status", (document_title(t, row.request), status)))
