"""File 910.00 from the chat: summary → the user's confirmation → signature on the phone (or the kept key) → the
tax cabinet → «Принято, № …» → the final status pushed later by ``poll_filings``.

Exactly once: the confirmation creates the effect row (idempotency key ``core.filings.submission_key``) before any
outside call; every later step moves it by compare-and-set (``signing → signed → submitted → processed |
rejected``) and the cabinet is called with the same key, so a double tap, a redelivered update, a tick racing a
button, or a crash and a replay never file twice. A filed period shows its submission instead; changed income
after it offers an additional declaration.

```mermaid
stateDiagram-v2
    [*] --> name: no ФИО in the profile
    name --> summary: ФИО
    [*] --> summary: file_declaration
    [*] --> filed: period already submitted
    filed --> summary: income changed → additional
    summary --> choice: «Подписать, отправить» with a kept key
    summary --> signing: «Подписать, отправить» (effect created, eGov link + QR)
    choice --> signing: «На телефоне»
    choice --> signed: «Сохранённым ключом» (this use confirmed)
    signing --> signed: the phone returned the signature («Проверить подпись» or the tick)
    signed --> submitted: cabinet.submit(key) → «Принято, № …»
    submitted --> processed: poll_filings
    submitted --> rejected: poll_filings (reasons ru/kk)
```
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from dialogs.contract import Button, Reply
from dialogs.effects.ports import EffectUnavailable, FilingPorts, SignCheck, SignDocument, SignRefused, filing_ports
from dialogs.effects.store import EffectRow, EffectStore
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler, entity, new_token, outdated
from dialogs.flows.signing import sign_request_reply
from dialogs.flows.taxes import figures_text, half_range, income_between
from dialogs.format import date, money
from dialogs.i18n import Lang, Translator
from dialogs.ports import TaxFigures
from dialogs.states import Filing, Flow
from nlu.types import ParseResult

KIND = "f910"
IN_FLIGHT = ("signing", "signed")
FILED = ("submitted", "processed")
APP = "eGov mobile"
_NAME = re.compile(r"^[^\W\d_]+(?:[ \-'][^\W\d_]+)*$")
NAME_MAX = 98  # the three comb lines of page 1 (27 + 35 + 36)

T = Callable[..., str]


def name_is_valid(name: str) -> bool:
    """A ФИО in letters (hyphens, apostrophes and spaces between words), at least two characters."""
    return len(name) >= 2 and bool(_NAME.match(name))


def period_code(year: int, half: int) -> str:
    return f"h{year}{half}"


def parse_code(code: str) -> tuple[int, int] | None:
    if len(code) == 6 and code[0] == "h" and code[1:].isdigit() and code[5] in "12":
        return int(code[1:5]), int(code[5])
    return None


def half_to_file(today: dt.date) -> tuple[int, int]:
    """The last half-year that has ended (the one a declaration can be filed for)."""
    return (today.year, 1) if today.month >= 7 else (today.year - 1, 2)


def requested_half(parse: ParseResult | None, today: dt.date) -> tuple[int, int]:
    period = entity(parse, "period")
    if period and len(period) == 7 and period[:4].isdigit():
        if period[5:] in ("H1", "H2"):
            return int(period[:4]), int(period[6])
        if period[5:].isdigit() and 1 <= int(period[5:]) <= 12:
            return int(period[:4]), 1 if int(period[5:]) <= 6 else 2
    return half_to_file(today)


def half_title(t: T, year: int, half: int) -> str:
    return t("Declaration 910.00 for half-year {half} of {year}:", half=half, year=year).rstrip(":")


def _lines(figures: TaxFigures) -> dict[str, str]:
    raw = figures.raw
    lines: dict[str, Decimal] = getattr(raw, "lines", {})
    return {k: str(v) for k, v in sorted(lines.items())}


def reasons_text(t: T, lang: Lang, reasons: list[str] | tuple[str, ...]) -> list[str]:
    from core.filings import issue_text, reason_code

    seen: list[str] = []
    for reason in reasons:
        text = issue_text(reason_code(reason), lang)
        if text not in seen:
            seen.append(text)
    return [f"• {text}" for text in seen] or [t("The tax office gave no reason.")]


def outcome_text(t: T, lang: Lang, row: EffectRow) -> str:
    """What the chat says about a filing effect in its current status."""
    title = half_title(t, int(row.request["year"]), int(row.request["half"]))
    number = str(row.result.get("registration_number", ""))
    if row.status == "submitted":
        return "\n".join(
            (
                t("Accepted, No. {number}.", number=number),
                t("{title}: sent to the tax office. I will write here when it is processed.", title=title),
            )
        )
    if row.status == "processed":
        return t("{title}, No. {number}: processed by the tax office. Done!", title=title, number=number)
    if row.status == "rejected":
        reasons = row.result.get("reasons") or []
        lines = [t("{title}, No. {number}: rejected by the tax office. Why:", title=title, number=number)]
        lines.extend(reasons_text(t, lang, [str(r) for r in reasons]))
        lines.append(t("Fix it and send the declaration again: /taxes or «file the declaration»."))
        return "\n".join(lines)
    if row.status == "signed":
        return t("{title}: signed, sending to the tax office. I will write the result here.", title=title)
    if row.status == "signing":
        return t("{title}: waiting for your signature in {app}.", title=title, app=APP)
    return t("{title}: cancelled.", title=title)


async def advance_filing(
    effects: EffectStore, ports: FilingPorts, row: EffectRow, actor: str = "user"
) -> tuple[EffectRow, str]:
    """Move a filing as far as it can go now; returns the row and what happened: ``pending`` / ``expired`` (the
    phone), ``unavailable`` (the cabinet), ``moved`` (another step won), or the new status."""
    if row.status == "signing":
        request_id = str(row.result.get("sign_request", ""))
        check = ports.phone.check(request_id) if request_id else SignCheck("unknown")
        if check.state == "pending":
            return row, "pending"
        if check.state != "signed" or check.signed_xml is None:
            return row, "expired"
        signed = await effects.advance(row, "signed", {"signed_xml": check.signed_xml.decode("utf-8")})
        if signed is None:
            return await _reloaded(effects, row)
        await effects.audit(
            row.user_id, "filing.signed", signed, {"way": "phone", "period": row.request["period"]}, actor
        )
        row = signed
    if row.status == "signed":
        try:
            answer = await ports.cabinet.submit(str(row.result["signed_xml"]).encode("utf-8"), row.key)
        except EffectUnavailable:
            return row, "unavailable"
        status = {"rejected": "rejected", "processed": "processed"}.get(answer.status, "submitted")
        result = {"registration_number": answer.registration_number, "reasons": list(answer.reasons)}
        moved = await effects.advance(row, status, result)
        if moved is None:
            return await _reloaded(effects, row)
        details = {"period": row.request["period"], "number": answer.registration_number, "status": answer.status}
        await effects.audit(row.user_id, "filing.submitted", moved, details, actor)
        return moved, status
    if row.status == "submitted":
        try:
            answer = await ports.cabinet.status(str(row.result["registration_number"]))
        except EffectUnavailable:
            return row, "unavailable"
        if answer.status not in ("processed", "rejected"):
            return row, "submitted_still"
        moved = await effects.advance(row, answer.status, {"reasons": list(answer.reasons)})
        if moved is None:
            return await _reloaded(effects, row)
        await effects.audit(row.user_id, f"filing.{answer.status}", moved, {"period": row.request["period"]}, actor)
        return moved, answer.status
    return row, row.status


async def _reloaded(effects: EffectStore, row: EffectRow) -> tuple[EffectRow, str]:
    fresh = await effects.get(row.key)
    return (fresh or row), "moved"


class FilingFlow(FlowHandler):
    name = Flow.FILING
    text_steps = frozenset({Filing.NAME})

    # ---- entry ----
    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        return await self._enter(ctx, parse, None)

    async def _enter(self, ctx: Ctx, parse: ParseResult | None, chosen: tuple[int, int] | None) -> list[Reply]:
        """``file_declaration`` (the NLU's half-year or the last ended one) or «Сдать декларацию» in the taxes
        view (the half-year it names)."""
        ctx.clear()
        if not ctx.onboarded:
            return await ctx.start(Flow.ONBOARDING)
        if ctx.profile is None or ctx.profile.regime != "simplified":
            return [Reply(text=ctx.t("Declaration 910.00 is for the simplified regime; yours is different."))]
        ports, effects = filing_ports(ctx.services), EffectStore.of(ctx.store)
        if ports is None or effects is None or ctx.services.taxes is None:
            return await ctx.start(Flow.TAXES, parse)  # not wired (no cabinet, or in-memory storage): the figures
        year, half = chosen or requested_half(parse, ctx.today)
        if half_range(year, half)[1] >= ctx.today:
            start = half_range(year, half)[1] + dt.timedelta(days=1)
            return [
                Reply(
                    text=ctx.t(
                        "This half-year has not ended: the declaration can be filed from {date}.", date=date(start)
                    )
                )
            ]
        return await self._open(ctx, effects, year, half)

    async def _open(self, ctx: Ctx, effects: EffectStore, year: int, half: int) -> list[Reply]:
        period = f"{year:04d}-H{half}"
        rows = [r for r in await effects.of_user(ctx.user.user_id, KIND) if r.request.get("period") == period]
        live = [r for r in rows if r.status in IN_FLIGHT]
        if live:
            ctx.go(self.name, Filing.SIGNING, token=new_token(), period=period_code(year, half), effect=live[-1].id)
            return [self._status_reply(ctx, live[-1])]
        filed = [r for r in rows if r.status in FILED]
        if filed:
            return await self._filed(ctx, filed[-1], year, half)
        if not await effects.full_name(ctx.user.user_id):
            ctx.go(self.name, Filing.NAME, period=period_code(year, half))
            return [self._ask_name(ctx)]
        return await self._summary(ctx, year, half)

    async def _figures(self, ctx: Ctx, year: int, half: int) -> TaxFigures:
        assert ctx.services.taxes is not None
        assert ctx.profile is not None
        income = await income_between(ctx, *half_range(year, half))
        prior = await income_between(ctx, *half_range(year, 1)) if half == 2 else Decimal(0)
        return ctx.services.taxes.half_year(ctx.profile, year, half, income, prior)

    async def _filed(self, ctx: Ctx, row: EffectRow, year: int, half: int) -> list[Reply]:
        text = outcome_text(ctx.t, ctx.lang, row)
        lines = [ctx.t("This half-year is already filed: a declaration cannot be sent twice."), text]
        figures = await self._figures(ctx, year, half)
        if _lines(figures) != row.request.get("lines"):
            token = new_token()
            ctx.go(self.name, Filing.FILED, token=token, period=period_code(year, half), base=row.id)
            was, now = Decimal(str(row.request.get("income", "0"))), figures.base or Decimal(0)
            lines.append(
                ctx.t(
                    "The income changed since then: {was} → {now}. An additional declaration corrects it.",
                    was=money(was),
                    now=money(now),
                )
            )
            buttons = (
                (
                    ctx.button(ctx.t("Additional"), self.name, "add", token),
                    ctx.button(ctx.t("Cancel"), self.name, "no", token),
                ),
            )
            return [Reply(text="\n".join(lines), buttons=buttons)]
        ctx.clear()
        check = ctx.button(ctx.t("Check status"), self.name, "chk", str(row.id))
        return [Reply(text="\n".join(lines), buttons=((check,),))]

    def _ask_name(self, ctx: Ctx) -> Reply:
        return Reply(text=ctx.t("Your surname, name and patronymic as in your ID? The declaration needs them."))

    def prompt(self, ctx: Ctx) -> Reply | None:
        return self._ask_name(ctx) if ctx.state.step == Filing.NAME else None

    async def on_text(self, ctx: Ctx, text: str, parse: ParseResult) -> list[Reply]:
        effects = EffectStore.of(ctx.store)
        found = parse_code(str(ctx.state.data.get("period", "")))
        if effects is None or found is None:
            return await self.start(ctx, None)
        name = " ".join(text.split())
        if len(name) > NAME_MAX or not name_is_valid(name):
            return [Reply(text=ctx.t("Please write the name in letters only, for example: Иванов Иван Иванович."))]
        await effects.set_full_name(ctx.user.user_id, name.upper())
        return await self._summary(ctx, *found)

    async def _summary(self, ctx: Ctx, year: int, half: int, base: EffectRow | None = None) -> list[Reply]:
        from core.calendar.deadlines import f910_deadlines

        figures = await self._figures(ctx, year, half)
        file_by, pay_by = f910_deadlines(year, half)
        late = (
            [ctx.t("The deadline has passed: better file it now, a late one is fined.")] if file_by < ctx.today else []
        )
        head = ctx.t("Declaration 910.00 for half-year {half} of {year}:", half=half, year=year)
        if base is not None:
            head = ctx.t("Additional declaration 910.00 for half-year {half} of {year}:", half=half, year=year)
        text = "\n".join(
            (
                figures_text(ctx, head, figures),
                ctx.t("File by {file_by}, pay by {pay_by}.", file_by=date(file_by), pay_by=date(pay_by)),
                *late,
                ctx.t("I will sign and send it only after your confirmation."),
            )
        )
        token = new_token()
        code = period_code(year, half)
        ctx.go(self.name, Filing.SUMMARY, token=token, period=code, base=base.id if base else None)
        buttons = (
            (
                ctx.button(ctx.t("How is it calculated?"), Flow.TAXES, "why", code),
                ctx.button(ctx.t("Sign and send"), self.name, "ok", token),
                ctx.button(ctx.t("Cancel"), self.name, "no", token),
            ),
        )
        return [Reply(text=text, buttons=buttons)]

    # ---- buttons ----
    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        if action == "open":  # «Сдать декларацию» under the half-year's figures
            half = parse_code(arg)
            return await self._enter(ctx, None, half) if half else outdated(ctx)
        ports, effects = filing_ports(ctx.services), EffectStore.of(ctx.store)
        if ports is None or effects is None:
            return [Reply(text=ctx.t("Filing from the chat is not connected yet. Please try again later."))]
        if action in ("chk", "new"):
            row = await effects.owned(ctx.user.user_id, arg, KIND)
            if row is None:
                return outdated(ctx)
            return await (
                self._check(ctx, effects, ports, row) if action == "chk" else self._new_link(ctx, effects, ports, row)
            )
        data = ctx.state.data
        if ctx.state.flow != self.name or data.get("token") != arg:
            return outdated(ctx)
        if "effect" in data:  # a second tap after the effect exists: its status, never a second effect
            row = await effects.owned(ctx.user.user_id, str(data["effect"]), KIND)
            if row is not None:
                if action == "no" and row.status == "signing":
                    return await self._cancel(ctx, effects, row)
                return [self._status_reply(ctx, row, notice=ctx.t("Already being done."))]
        if action == "no":
            ctx.clear()
            return [Reply(text=ctx.t("Cancelled. Nothing was sent."), buttons=menu.main_buttons(ctx), edit=True)]
        found = parse_code(str(data.get("period", "")))
        if found is None:
            return outdated(ctx)
        if action == "add" and ctx.state.step == Filing.FILED:
            base = await effects.owned(ctx.user.user_id, str(data.get("base", "")), KIND)
            return await self._summary(ctx, *found, base=base) if base is not None else outdated(ctx)
        if ctx.state.step not in (Filing.SUMMARY, Filing.CHOICE) or action not in ("ok", "ph", "kk"):
            return outdated(ctx)
        if action == "ok" and ports.kept is not None and await ports.kept.has_key(ctx.user.user_id, ctx.store):
            ctx.state.step = Filing.CHOICE
            buttons = (
                (
                    ctx.button(ctx.t("On my phone"), self.name, "ph", arg),
                    ctx.button(ctx.t("With the kept key"), self.name, "kk", arg),
                    ctx.button(ctx.t("Cancel"), self.name, "no", arg),
                ),
            )
            text = ctx.t("How to sign? On your phone in {app}, or with the key you stored with me.", app=APP)
            return [Reply(text=text, buttons=buttons)]
        return await self._confirm(ctx, effects, ports, *found, "kept" if action == "kk" else "phone")

    async def _confirm(
        self, ctx: Ctx, effects: EffectStore, ports: FilingPorts, year: int, half: int, way: str
    ) -> list[Reply]:
        from core.filings import FilingInputError, build_910, check_910, issue_text, submission_key

        base_id = ctx.state.data.get("base")
        base = await effects.owned(ctx.user.user_id, str(base_id), KIND) if base_id else None
        figures = await self._figures(ctx, year, half)
        name = await effects.full_name(ctx.user.user_id) or ""
        try:
            decl = self._declaration(ctx, ports, figures, name, base)
        except (FilingInputError, ValueError):
            ctx.clear()
            return [Reply(text=ctx.t("I cannot build this declaration: please check the profile and the income."))]
        xml = build_910(decl)
        issues = check_910(xml, allow_test_iin=ports.allow_test_iin)
        if issues:
            ctx.clear()
            texts = sorted({issue_text(i.code, ctx.lang) for i in issues})
            return [Reply(text="\n".join([ctx.t("The declaration does not pass the checks:"), *texts]))]
        rows = await effects.of_user(ctx.user.user_id, KIND)
        attempt = 1 + sum(
            1
            for r in rows
            if r.request.get("period") == decl.period
            and r.request.get("kind") == decl.kind.value
            and r.status == "rejected"
        )
        key = submission_key(ctx.user.user_id, decl, attempt)
        request: dict[str, Any] = {
            "period": decl.period,
            "year": year,
            "half": half,
            "kind": decl.kind.value,
            "attempt": attempt,
            "xml": xml.decode("utf-8"),
            "lines": _lines(figures),
            "income": str(figures.base or 0),
            "total": str(figures.total),
            "way": way,
            "regular_xml": base.request.get("regular_xml", base.request["xml"]) if base else xml.decode("utf-8"),
        }
        row, created = await effects.begin(key, ctx.user.user_id, KIND, request, "signing")
        if not created:
            if row.status != "cancelled":
                ctx.go(self.name, Filing.SIGNING, **{**ctx.state.data, "effect": row.id})
                return [self._status_reply(ctx, row, notice=ctx.t("Already being done."))]
            revived = await effects.advance(row, "signing", {"sign_request": ""})
            if revived is None:
                return outdated(ctx)
            row = revived
        details = {"period": decl.period, "kind": decl.kind.value, "way": way, "attempt": attempt}
        await effects.audit(ctx.user.user_id, "filing.confirmed", row, details)
        ctx.go(self.name, Filing.SIGNING, **{**ctx.state.data, "effect": row.id})
        if way == "kept" and ports.kept is not None:
            return await self._sign_with_kept_key(ctx, effects, ports, row)
        return await self._new_link(ctx, effects, ports, row)

    def _declaration(
        self, ctx: Ctx, ports: FilingPorts, figures: TaxFigures, name: str, base: EffectRow | None
    ) -> Any:
        from core.calc import CalcResult
        from core.filings import Taxpayer, additional_910, declaration_from_result, declaration_from_xml

        assert ctx.profile is not None
        assert isinstance(figures.raw, CalcResult)
        taxpayer = Taxpayer(ctx.profile.iin or "", name)
        if base is None:
            return declaration_from_result(
                figures.raw,
                taxpayer,
                submit_date=ctx.today,
                employees=ctx.profile.employees,
                allow_test_iin=ports.allow_test_iin,
            )
        regular = declaration_from_xml(str(base.request["regular_xml"]).encode(), allow_test_iin=ports.allow_test_iin)
        last = {k: Decimal(v) for k, v in dict(base.request.get("lines") or {}).items()}
        original = dataclasses.replace(regular, lines=last or regular.lines)
        return additional_910(
            original,
            str(base.result["registration_number"]),
            figures.raw,
            submit_date=ctx.today,
            allow_test_iin=ports.allow_test_iin,
        )

    def _document(self, ctx: Ctx, row: EffectRow) -> SignDocument:
        ru, kk = Translator("ru").t, Translator("kk").t
        year, half = int(row.request["year"]), int(row.request["half"])
        return SignDocument(
            user_id=ctx.user.user_id,
            document_id=f"effect-{row.id}",
            purpose="declaration",
            title_ru=half_title(ru, year, half),
            title_kk=half_title(kk, year, half),
            expected_iin=ctx.profile.iin if ctx.profile else None,
        )

    async def _new_link(self, ctx: Ctx, effects: EffectStore, ports: FilingPorts, row: EffectRow) -> list[Reply]:
        if row.status != "signing":
            return [self._status_reply(ctx, row)]
        link = ports.phone.request(str(row.request["xml"]).encode("utf-8"), self._document(ctx, row))
        moved = await effects.advance(row, "signing", {"sign_request": link.id})
        if moved is None:
            return [self._status_reply(ctx, await effects.get(row.key) or row)]
        await effects.audit(ctx.user.user_id, "filing.signature_requested", moved, {"way": "phone"})
        intro = ctx.t("Sign the declaration in {app}: open the link on your phone or scan the QR code.", app=APP)
        return [sign_request_reply(ctx, link, intro, row.id, self._signing_buttons(ctx, moved))]

    def _signing_buttons(self, ctx: Ctx, row: EffectRow) -> tuple[tuple[Button, ...], ...]:
        token = str(ctx.state.data.get("token", ""))
        row_buttons = [
            ctx.button(ctx.t("Check signature"), self.name, "chk", str(row.id)),
            ctx.button(ctx.t("New link"), self.name, "new", str(row.id)),
        ]
        if token and ctx.state.flow == self.name:
            row_buttons.append(ctx.button(ctx.t("Cancel"), self.name, "no", token))
        return (tuple(row_buttons),)

    async def _sign_with_kept_key(
        self, ctx: Ctx, effects: EffectStore, ports: FilingPorts, row: EffectRow
    ) -> list[Reply]:
        assert ports.kept is not None
        try:
            xml = str(row.request["xml"]).encode("utf-8")
            signed = await ports.kept.sign(xml, self._document(ctx, row), ctx.store)
        except SignRefused as exc:
            await effects.audit(ctx.user.user_id, "filing.signature_refused", row, {"code": exc.code})
            await effects.advance(row, "cancelled")
            ctx.clear()
            return [
                Reply(text=ctx.t("The kept key cannot sign this ({code}). Sign on your phone instead.", code=exc.code))
            ]
        moved = await effects.advance(row, "signed", {"signed_xml": signed.decode("utf-8")})
        if moved is None:
            return [self._status_reply(ctx, await effects.get(row.key) or row)]
        await effects.audit(ctx.user.user_id, "filing.signed", moved, {"way": "kept", "period": row.request["period"]})
        return await self._check(ctx, effects, ports, moved)

    async def _check(self, ctx: Ctx, effects: EffectStore, ports: FilingPorts, row: EffectRow) -> list[Reply]:
        row, what = await advance_filing(effects, ports, row)
        if what == "pending":
            text = ctx.t("The signature has not arrived yet. Sign in {app}, then press «Check signature».", app=APP)
            return [Reply(text=text, buttons=self._signing_buttons(ctx, row))]
        if what == "expired":
            text = ctx.t("The signing link has expired. Press «New link» and sign again.")
            return [Reply(text=text, buttons=self._signing_buttons(ctx, row))]
        if what == "unavailable":
            text = ctx.t("The tax office is not answering right now. I will send it myself a bit later.")
            return [Reply(text=text)]
        if row.status in (*FILED, "rejected") and ctx.state.flow == self.name:
            ctx.clear()
        return [self._status_reply(ctx, row)]

    async def _cancel(self, ctx: Ctx, effects: EffectStore, row: EffectRow) -> list[Reply]:
        moved = await effects.advance(row, "cancelled")
        if moved is None:
            return [self._status_reply(ctx, await effects.get(row.key) or row)]
        await effects.audit(ctx.user.user_id, "filing.cancelled", moved, {"period": row.request["period"]})
        ctx.clear()
        return [Reply(text=ctx.t("Cancelled. Nothing was sent."), buttons=menu.main_buttons(ctx), edit=True)]

    def _status_reply(self, ctx: Ctx, row: EffectRow, notice: str | None = None) -> Reply:
        text = outcome_text(ctx.t, ctx.lang, row)
        if row.status in IN_FLIGHT:
            return Reply(text=text, buttons=self._signing_buttons(ctx, row), notice=notice)
        if row.status == "submitted":
            check = ctx.button(ctx.t("Check status"), self.name, "chk", str(row.id))
            return Reply(text=text, buttons=((check,),), notice=notice)
        return Reply(text=text, notice=notice)


def status_push(row: EffectRow, lang: Lang) -> Reply:
    """The message the tick pushes when a filing moved (``meta.kind = filing_status``)."""
    text = outcome_text(Translator(lang).t, lang, row)
    meta = {"kind": "filing_status", "effect": row.id, "status": row.status, "lang": lang}
    number = str(row.result.get("registration_number", ""))
    # WhatsApp's closed 24-hour window needs an approved template: filing_<status>(period, number)
    return Reply(text=text, meta=meta, template=(f"filing_{row.status}", (str(row.request["period"]), number)))
