"""Primary documents from the chat: «выстави счёт ТОО Альфа на 250 000 за разработку сайта» → what is missing is
asked → a preview → «Выставить» → the PDF; then «Акт» (Р-1 from the invoice), «Оплачен» (one income entry),
«ЭСФ» (the ESF flow); «мои документы» lists them and re-sends a PDF.

Exactly once: the draft's token is the document's idempotency key (``core.documents.issue``), so a double tap, a
redelivered update or a replay returns the same document and number, never a second one; an act's key is derived
from its invoice (one act per invoice), an income entry's from the document id (one per document, from any chat
of the user). Issuing, its audit row and the dialog state commit in the event's transaction. Issued documents are
never changed.

```mermaid
stateDiagram-v2
    [*] --> name: no ФИО in the profile
    [*] --> buyer: create_document, /invoice (what the text lacks is asked)
    name --> buyer
    buyer --> pick: several known counterparties
    buyer --> bin: a new counterparty
    pick --> desc
    bin --> desc: БИН (check digit) or «Без БИН»
    desc --> amount
    amount --> bank: first document, no bank account
    amount --> preview
    bank --> preview: ИИК or «Без реквизитов»
    preview --> edit: «Изменить»
    edit --> buyer
    edit --> desc
    edit --> amount
    edit --> date
    date --> preview
    preview --> issued: «Выставить» (issued once per token, PDF)
    issued --> act: «Акт» / «акт по счёту №3»
    act --> issued: «Выставить» (once per invoice)
    issued --> paid: «Оплачен»
    paid --> [*]: one income entry per document
    issued --> esf: «ЭСФ» (Flow.ESF "new")
    [*] --> list: «мои документы», /docs (counterparty, period)
    list --> list: a document → its PDF again; «Ещё…»
```
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any, Final

from core.documents import (
    Document,
    DocumentConflictError,
    DocumentInputError,
    DocumentKind,
    IssuedDocument,
    LineItem,
    Party,
)
from core.documents.store import act_from_invoice
from core.identity import is_valid_iin_bin
from dialogs.contract import Button, Reply
from dialogs.effects.document_ports import DocumentBook, DocumentPorts, SellerRequisites
from dialogs.effects.ports import document_ports
from dialogs.effects.store import EffectStore
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler, entity, new_token, outdated
from dialogs.flows.document_input import (
    bin_in,
    buyer_hint,
    clean_buyer,
    description_from,
    invoice_number,
    parse_bank,
    parse_line,
    period_range,
    wants_act,
    wants_list,
)
from dialogs.flows.document_views import (
    issued_text,
    kind_name,
    list_row,
    list_title,
    pdf_attachment,
    preview_text,
)
from dialogs.flows.entries import amount_error, amount_from, date_error
from dialogs.flows.filing import NAME_MAX, name_is_valid
from dialogs.format import date, money
from dialogs.keyword_nlu import parse_date_text
from dialogs.ports import Entry
from dialogs.states import Flow
from nlu.types import ParseResult

PAGE = 5
MAX_QUANTITY = Decimal(1_000_000)
_LIST_NOISE = frozenset(
    ("мои", "моих", "мой", "все", "список", "покажи", "показать", "за", "по", "от", "для", "в", "на",
     "менің", "барлық", "тізім", "көрсет")
)  # fmt: skip


_NO_WORDS = frozenset(("без", "нет", "не знаю", "жоқ", "білмеймін", "-", "—"))


class Step:
    """Steps of the documents flow (persisted in the dialog state)."""

    NAME: Final = "name"
    BUYER: Final = "buyer"
    PICK: Final = "pick"
    BIN: Final = "bin"
    DESCRIPTION: Final = "desc"
    AMOUNT: Final = "amount"
    BANK: Final = "bank"
    DATE: Final = "date"
    PREVIEW: Final = "preview"
    EDIT: Final = "edit"
    ISSUED: Final = "issued"
    ACT: Final = "act"
    PAID: Final = "paid"
    LIST: Final = "list"


def income_key(document_id: int) -> str:
    """One income entry per document, whichever chat of the user taps «Оплачен»."""
    return f"doc-income:{document_id}"


class DocumentFlow(FlowHandler):
    name = Flow.DOCUMENTS
    text_steps = frozenset({Step.NAME, Step.BUYER, Step.BIN, Step.DESCRIPTION, Step.AMOUNT, Step.BANK, Step.DATE})
    yes_no_steps = frozenset({Step.BIN, Step.BANK})  # «нет» there means «без БИН» / «без реквизитов»

    # ---- entry ----
    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        if not ctx.onboarded:
            return await ctx.start(Flow.ONBOARDING)
        found = self._book(ctx)
        if found is None:
            return [Reply(text=ctx.t("Documents from the chat are not connected yet. Please try again later."))]
        ports, book = found
        if parse is None:  # /docs, /invoice, the menu: the list with «new invoice» / «new waybill»
            return await self._list(ctx, book, {}, 0, with_new=True)
        text = parse["text"]
        kind = entity(parse, "document_type")
        if kind == "esf":
            return await ctx.start(Flow.ESF, parse)
        if wants_act(text, parse):
            return await self._act_request(ctx, ports, book, text, parse)
        has_request = entity(parse, "amount") or entity(parse, "counterparty") or description_from(text, parse)
        if wants_list(text) or (kind is None and not has_request):
            return await self._search(ctx, book, text, parse)
        return await self._new(ctx, book, "waybill" if kind == "waybill" else "invoice", text, parse)

    def _book(self, ctx: Ctx) -> tuple[DocumentPorts, DocumentBook] | None:
        ports = document_ports(ctx.services)
        book = ports.books(ctx.store) if ports is not None else None
        return (ports, book) if ports is not None and book is not None else None

    async def _new(self, ctx: Ctx, book: DocumentBook, kind: str, text: str, parse: ParseResult | None) -> list[Reply]:
        ctx.go(self.name, Step.BUYER, token=new_token(), kind=kind, date=ctx.today.isoformat())
        data = ctx.state.data
        description = description_from(text, parse) if parse else None
        if description:
            data["desc"] = description
        line = parse_line(text)
        amount = amount_from(text, parse) if parse and entity(parse, "amount") else None
        if line is not None and self._line_error(ctx, line.quantity, line.price) is None:
            data.update(qty=str(line.quantity), unit=line.unit, price=str(line.price))
        elif amount is not None and amount_error(ctx, amount) is None:
            data.update(qty="1", unit=None, price=str(amount))
        query = entity(parse, "iin_bin") or entity(parse, "counterparty")
        if query:
            picked = await self._set_buyer(ctx, book, query)
            if picked is not None:
                return picked
        else:
            hint = buyer_hint(text, parse)
            if hint and await book.find_parties(ctx.user.user_id, hint):  # a known one named without its form
                picked = await self._set_buyer(ctx, book, hint)
                if picked is not None:
                    return picked
        return await self._next(ctx, book)

    # ---- what is missing ----
    async def _next(self, ctx: Ctx, book: DocumentBook, before: str | None = None) -> list[Reply]:
        """Ask the first thing the draft lacks, or show the preview."""
        data = ctx.state.data
        seller = await book.seller(ctx.user.user_id)
        head = [before] if before else []
        if seller.party is None:
            return self._ask(ctx, Step.NAME, head)
        buyer = data.get("buyer")
        if not isinstance(buyer, dict) or not buyer.get("name"):
            return self._ask(ctx, Step.BUYER, head)
        if buyer.get("id") is None and not buyer.get("bin") and not buyer.get("nobin"):
            return self._ask(ctx, Step.BIN, head)
        if not data.get("desc"):
            return self._ask(ctx, Step.DESCRIPTION, head)
        if not data.get("price"):
            return self._ask(ctx, Step.AMOUNT, head)
        if not seller.iban and not seller.issued_before and not data.get("iban") and not data.get("bank_asked"):
            return self._ask(ctx, Step.BANK, head)
        return await self._preview(ctx, book, seller, head)

    def _ask(self, ctx: Ctx, step: str, head: list[str]) -> list[Reply]:
        ctx.state.step = step
        reply = self.prompt(ctx)
        assert reply is not None
        return [Reply(text="\n".join([*head, reply.text]), buttons=reply.buttons)]

    def prompt(self, ctx: Ctx) -> Reply | None:
        step, token = ctx.state.step, str(ctx.state.data.get("token", ""))
        waybill = ctx.state.data.get("kind") == "waybill"
        if step == Step.NAME:
            return Reply(text=ctx.t("Your surname, name and patronymic as in your ID? The documents need them."))
        if step == Step.BUYER:
            if isinstance(ctx.state.data.get("buyer"), dict) and ctx.state.data["buyer"].get("bin"):
                return Reply(text=ctx.t("The buyer's name? For example: ТОО «Альфа»."))
            return Reply(text=ctx.t("Who is the buyer? Write the name or the BIN, for example: ТОО «Альфа»."))
        if step == Step.BIN:
            button = ctx.button(ctx.t("No BIN"), self.name, "nobin", token)
            return Reply(text=ctx.t("The buyer's BIN or IIN (12 digits)?"), buttons=((button,),))
        if step == Step.DESCRIPTION:
            if waybill:
                return Reply(text=ctx.t("What goods? For example: Office chairs."))
            return Reply(text=ctx.t("What for? For example: Website development."))
        if step == Step.AMOUNT:
            if waybill:
                return Reply(text=ctx.t("How many and at what price? For example: 10 pcs at 5 000."))
            return Reply(text=ctx.t("The amount? For example: 250 000 (or 3 pcs at 10 000)."))
        if step == Step.BANK:
            button = ctx.button(ctx.t("Without account"), self.name, "nobank", token)
            text = ctx.t(
                "Your bank account (IBAN, 20 characters from KZ) for the payment details, and the bank's BIC if you "
                "know it? I will remember them for the next documents."
            )
            return Reply(text=text, buttons=((button,),))
        if step == Step.DATE:
            return Reply(text=ctx.t("The document date? For example: 01.12.2026 or «today»."))
        return None

    # ---- the buyer ----
    async def _set_buyer(self, ctx: Ctx, book: DocumentBook, query: str) -> list[Reply] | None:
        """Take the buyer from ``query``: replies when the user has to choose among several, else ``None``."""
        data = ctx.state.data
        number = bin_in(query)
        if number is not None:
            if not is_valid_iin_bin(number):
                return [Reply(text=ctx.t("This BIN/IIN does not pass the check digit. Please check it."))]
            known = await book.find_parties(ctx.user.user_id, number)
            if known:
                data["buyer"] = self._buyer_slot(known[0].id, known[0].party)
            else:
                name = (data.get("buyer") or {}).get("name") if isinstance(data.get("buyer"), dict) else None
                data["buyer"] = {"name": name, "bin": number, "id": None}
            return None
        name = clean_buyer(query, ctx.lang)
        known = await book.find_parties(ctx.user.user_id, name)
        if len(known) == 1:
            data["buyer"] = self._buyer_slot(known[0].id, known[0].party)
            return None
        if known:
            token = str(data.get("token", ""))
            ctx.state.step = Step.PICK
            data["typed"] = name
            data["choices"] = [k.id for k in known]
            rows = [(ctx.button(k.party.name[:20], self.name, "cp", str(k.id)),) for k in known]
            rows.append((ctx.button(ctx.t("New buyer"), self.name, "cpnew", token),))
            lines = [ctx.t("Which one?")]
            lines += [f"• {k.party.name}" + (f", {k.party.bin_iin}" if k.party.bin_iin else "") for k in known]
            return [Reply(text="\n".join(lines), buttons=tuple(rows))]
        bin_known = (data.get("buyer") or {}).get("bin") if isinstance(data.get("buyer"), dict) else None
        data["buyer"] = {"name": name, "bin": bin_known, "id": None}
        return None

    @staticmethod
    def _buyer_slot(party_id: int, party: Party) -> dict[str, Any]:
        return {"name": party.name, "bin": party.bin_iin, "id": party_id}

    # ---- text answers ----
    async def on_text(self, ctx: Ctx, text: str, parse: ParseResult) -> list[Reply]:
        found = self._book(ctx)
        if found is None:
            return await self.start(ctx, parse)
        _, book = found
        step, data = ctx.state.step, ctx.state.data
        answer = " ".join(text.split())
        if step == Step.NAME:
            if len(answer) > NAME_MAX or not name_is_valid(answer):
                return [Reply(text=ctx.t("Please write the name in letters only, for example: Иванов Иван Иванович."))]
            effects = EffectStore.of(ctx.store)
            if effects is None:
                return await self.start(ctx, parse)
            await effects.set_full_name(ctx.user.user_id, answer.upper())
            return await self._next(ctx, book)
        if step == Step.BUYER:
            if len(answer) < 2:
                return [self._again(ctx)]
            picked = await self._set_buyer(ctx, book, answer)
            return picked if picked is not None else await self._next(ctx, book)
        if step == Step.BIN:
            number = bin_in(answer)
            if number is None:
                if parse["intent"]["name"] == "deny" or answer.lower().strip(" .!") in _NO_WORDS:
                    return await self._no_bin(ctx, book)
                return [
                    Reply(text=ctx.t("A BIN/IIN is 12 digits. Please send it again or press «No BIN».")),
                    self._again(ctx),
                ]
            picked = await self._set_buyer(ctx, book, number)
            return picked if picked is not None else await self._next(ctx, book)
        if step == Step.DESCRIPTION:
            if not any(ch.isalpha() for ch in answer):
                return [Reply(text=ctx.t("Please describe it in words.")), self._again(ctx)]
            data["desc"] = (answer[:1].upper() + answer[1:])[:300]
            return await self._next(ctx, book)
        if step == Step.AMOUNT:
            return await self._amount(ctx, book, answer, parse)
        if step == Step.BANK:
            if parse["intent"]["name"] == "deny" or answer.lower().strip(" .!") in _NO_WORDS:
                data["bank_asked"] = True
                return await self._next(ctx, book)
            try:
                iban, bic = parse_bank(answer)
            except DocumentInputError:
                return [
                    Reply(
                        text=ctx.t(
                            "This does not look like an account number: 20 characters from KZ. Please check it."
                        )
                    ),
                    self._again(ctx),
                ]
            data.update(iban=iban, bic=bic, bank_asked=True)
            return await self._next(ctx, book)
        if step == Step.DATE:
            day = self._date(ctx, answer, parse)
            if day is None:
                return [Reply(text=ctx.t("I did not find a date. For example: 01.12.2026.")), self._again(ctx)]
            error = date_error(ctx, day)
            if error:
                return [Reply(text=error), self._again(ctx)]
            data["date"] = day.isoformat()
            return await self._next(ctx, book)
        return await self.start(ctx, parse)

    def _again(self, ctx: Ctx) -> Reply:
        reply = self.prompt(ctx)
        return reply if reply is not None else Reply(text=ctx.t("What shall we do?"))

    @staticmethod
    def _date(ctx: Ctx, text: str, parse: ParseResult) -> dt.date | None:
        value = entity(parse, "date")
        if value:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        found = parse_date_text(text, ctx.today)
        return found[0] if found else None

    def _line_error(self, ctx: Ctx, quantity: Decimal, price: Decimal) -> str | None:
        if quantity <= 0 or quantity > MAX_QUANTITY or quantity != quantity.quantize(Decimal("0.001")):
            return ctx.t("The quantity must be a positive number, at most three decimals. Please check it.")
        return amount_error(ctx, price)

    async def _amount(self, ctx: Ctx, book: DocumentBook, text: str, parse: ParseResult) -> list[Reply]:
        data = ctx.state.data
        line = parse_line(text)
        if line is not None:
            quantity, unit, price = line.quantity, line.unit, line.price
        else:
            quantity, unit, price = Decimal(1), None, amount_from(text, parse)  # type: ignore[assignment]
        error = self._line_error(ctx, quantity, price) if price is not None else amount_error(ctx, None)
        if error:
            return [Reply(text=error), self._again(ctx)]
        data.update(qty=str(quantity), unit=unit, price=str(price))
        return await self._next(ctx, book)

    async def _no_bin(self, ctx: Ctx, book: DocumentBook) -> list[Reply]:
        buyer = ctx.state.data.get("buyer")
        if isinstance(buyer, dict):
            buyer["nobin"] = True
        return await self._next(ctx, book)

    # ---- the draft ----
    async def _draft(self, ctx: Ctx, book: DocumentBook, seller: SellerRequisites) -> Document:
        """The document the slots describe; a remembered buyer with all its known requisites."""
        data = ctx.state.data
        assert seller.party is not None
        party = seller.party
        if data.get("iban"):
            party = replace(party, iban=str(data["iban"]), bic=data.get("bic") or None, bank=None)
        buyer = data.get("buyer") or {}
        kind: DocumentKind = "waybill" if data.get("kind") == "waybill" else "invoice"
        unit = data.get("unit") or (ctx.t("pcs (unit)") if kind == "waybill" else ctx.t("service (unit)"))
        item = LineItem(
            description=str(data.get("desc", "")),
            unit=str(unit),
            quantity=Decimal(str(data.get("qty", "1"))),
            price=Decimal(str(data.get("price", "0"))),
        )
        known = await book.party(ctx.user.user_id, int(buyer["id"])) if buyer.get("id") else None
        return Document(
            kind=kind,
            number="",
            date=dt.date.fromisoformat(str(data.get("date") or ctx.today.isoformat())),
            seller=party,
            buyer=known.party if known else Party(name=str(buyer.get("name", "")), bin_iin=buyer.get("bin") or None),
            items=(item,),
        )

    async def _preview(self, ctx: Ctx, book: DocumentBook, seller: SellerRequisites, head: list[str]) -> list[Reply]:
        try:
            draft = (await self._draft(ctx, book, seller)).checked()
        except DocumentInputError:
            ctx.state.step = Step.AMOUNT
            return [
                Reply(text=ctx.t("Something in the document is not right: please check the amount.")),
                self._again(ctx),
            ]
        ctx.state.step = Step.PREVIEW
        token = str(ctx.state.data["token"])
        buttons = (
            (
                ctx.button(ctx.t("Issue"), self.name, "ok", token),
                ctx.button(ctx.t("Edit"), self.name, "ed", token),
                ctx.button(ctx.t("Cancel"), self.name, "no", token),
            ),
        )
        return [Reply(text="\n".join([*head, preview_text(ctx, draft)]), buttons=buttons)]

    # ---- buttons ----
    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        found = self._book(ctx)
        if found is None:
            return [Reply(text=ctx.t("Documents from the chat are not connected yet. Please try again later."))]
        ports, book = found
        if action in ("pdf", "act", "aok", "paid", "pok"):
            if not arg.isdigit():
                return outdated(ctx)
            document = await book.get(ctx.user.user_id, int(arg))
            if document is None:
                return [Reply(text=ctx.t("No such document among yours."))]
            if action == "pdf":  # the PDF again, with what can follow it (act, paid, ESF)
                return [await self._issued_reply(ctx, ports, document)]
            if action in ("act", "aok"):
                return await self._act(ctx, ports, book, document, confirm=action == "aok")
            return await self._paid(ctx, book, document, confirm=action == "pok")
        if action == "new":
            return await self._new(ctx, book, "waybill" if arg == "waybill" else "invoice", "", None)
        if action == "pg":
            data = ctx.state.data if ctx.state.flow == self.name and ctx.state.step == Step.LIST else {}
            return await self._list(ctx, book, dict(data.get("filter") or {}), int(arg) if arg.isdigit() else 0)
        data = ctx.state.data
        if ctx.state.flow != self.name or (data.get("token") != arg and action != "cp"):
            return outdated(ctx)
        if action == "ok":
            return await self._issue(ctx, ports, book)
        if ctx.state.step == Step.ISSUED:
            return outdated(ctx)
        if action == "no":
            ctx.clear()
            return [Reply(text=ctx.t("Cancelled, nothing was issued."), buttons=menu.main_buttons(ctx), edit=True)]
        if action == "cp" and ctx.state.step == Step.PICK and arg.isdigit() and int(arg) in data.get("choices", []):
            known = await book.party(ctx.user.user_id, int(arg))
            if known is None:
                return outdated(ctx)
            data["buyer"] = self._buyer_slot(known.id, known.party)
            return await self._next(ctx, book)
        if action == "cpnew" and ctx.state.step == Step.PICK:
            data["buyer"] = {"name": str(data.get("typed", "")), "bin": None, "id": None}
            return await self._next(ctx, book)
        if action == "nobin" and ctx.state.step == Step.BIN:
            return await self._no_bin(ctx, book)
        if action == "nobank" and ctx.state.step == Step.BANK:
            data["bank_asked"] = True
            return await self._next(ctx, book)
        if action == "ed" and ctx.state.step == Step.PREVIEW:
            return [self._edit_menu(ctx, arg)]
        if ctx.state.step == Step.EDIT and action in ("eb", "ei", "ea", "edt", "ebk"):
            return await self._edit(ctx, book, action)
        return outdated(ctx)

    def _edit_menu(self, ctx: Ctx, token: str) -> Reply:
        ctx.state.step = Step.EDIT
        buttons = (
            (
                ctx.button(ctx.t("Buyer"), self.name, "eb", token),
                ctx.button(ctx.t("Description"), self.name, "ei", token),
                ctx.button(ctx.t("Amount"), self.name, "ea", token),
            ),
            (
                ctx.button(ctx.t("Date"), self.name, "edt", token),
                ctx.button(ctx.t("Bank account"), self.name, "ebk", token),
                ctx.button(ctx.t("Cancel"), self.name, "no", token),
            ),
        )
        return Reply(text=ctx.t("What to change?"), buttons=buttons)

    async def _edit(self, ctx: Ctx, book: DocumentBook, action: str) -> list[Reply]:
        data = ctx.state.data
        if action == "eb":
            data.pop("buyer", None)
            return self._ask(ctx, Step.BUYER, [])
        if action == "ei":
            data.pop("desc", None)
            return self._ask(ctx, Step.DESCRIPTION, [])
        if action == "ea":
            data.pop("price", None)
            return self._ask(ctx, Step.AMOUNT, [])
        if action == "edt":
            return self._ask(ctx, Step.DATE, [])
        data.pop("iban", None)
        data["bank_asked"] = False
        return self._ask(ctx, Step.BANK, [])

    async def _issue(self, ctx: Ctx, ports: DocumentPorts, book: DocumentBook) -> list[Reply]:
        data = ctx.state.data
        if ctx.state.step == Step.ISSUED and str(data.get("doc", "")).isdigit():  # a second tap: the same document
            issued = await book.get(ctx.user.user_id, int(data["doc"]))
            if issued is not None:
                return [await self._issued_reply(ctx, ports, issued, notice=ctx.t("Already issued."))]
        if ctx.state.step != Step.PREVIEW:
            return outdated(ctx)
        seller = await book.seller(ctx.user.user_id)
        if seller.party is None:
            return await self._next(ctx, book)
        buyer = data.get("buyer") or {}
        try:
            issued = await book.issue(
                ctx.user.user_id, await self._draft(ctx, book, seller), f"doc:{data['token']}", buyer.get("id")
            )
        except DocumentInputError:
            return [Reply(text=ctx.t("Something in the document is not right: please check the amount."))]
        except DocumentConflictError:
            return outdated(ctx)
        ctx.go(self.name, Step.ISSUED, token=data["token"], doc=issued.id)
        return [await self._issued_reply(ctx, ports, issued)]

    async def _issued_reply(
        self, ctx: Ctx, ports: DocumentPorts, issued: IssuedDocument, notice: str | None = None
    ) -> Reply:
        reply = await self._send(ctx, ports, issued, issued_text(ctx, issued), notice)
        return replace(reply, buttons=self._after_buttons(ctx, issued))

    def _after_buttons(self, ctx: Ctx, issued: IssuedDocument) -> tuple[tuple[Button, ...], ...]:
        doc_id = str(issued.id)
        row: list[Button] = []
        if issued.kind == "invoice":
            row.append(ctx.button(ctx.t("Act"), self.name, "act", doc_id))
        if issued.kind in ("invoice", "waybill"):
            row.append(ctx.button(ctx.t("Paid"), self.name, "paid", doc_id))
        row.append(ctx.button(ctx.t("ESF"), Flow.ESF, "new", doc_id))
        return (tuple(row),)

    async def _send(
        self, ctx: Ctx, ports: DocumentPorts, issued: IssuedDocument, text: str, notice: str | None = None
    ) -> Reply:
        content = await asyncio.to_thread(ports.render, issued.document, ctx.lang)
        return Reply(text=text, attachments=(pdf_attachment(ctx, issued, content),), notice=notice)

    # ---- the act of completed work ----
    async def _act_request(
        self, ctx: Ctx, ports: DocumentPorts, book: DocumentBook, text: str, parse: ParseResult
    ) -> list[Reply]:
        number = invoice_number(text)
        if number is not None:
            years = [ctx.today.year, ctx.today.year - 1]
            period = period_range(entity(parse, "period"))
            if period is not None:
                years = [period[0].year]
            for year in years:
                invoice = await book.find(ctx.user.user_id, "invoice", number, year)
                if invoice is not None:
                    return await self._act(ctx, ports, book, invoice, confirm=False)
            head = ctx.t("Invoice No. {number} is not among yours.", number=number)
        else:
            head = ctx.t("Which invoice is the act for?")
        invoices = [d for d in await book.documents(ctx.user.user_id) if d.kind == "invoice"][:PAGE]
        if not invoices:
            return [Reply(text="\n".join([head, ctx.t("You have no invoices yet: first «issue an invoice».")]))]
        rows = tuple((ctx.button(list_title(ctx, d), self.name, "act", str(d.id)),) for d in invoices)
        return [Reply(text="\n".join([head, *(list_row(ctx, d) for d in invoices)]), buttons=rows)]

    async def _act(
        self, ctx: Ctx, ports: DocumentPorts, book: DocumentBook, invoice: IssuedDocument, *, confirm: bool
    ) -> list[Reply]:
        if invoice.kind != "invoice":
            return [Reply(text=ctx.t("An act is made from an invoice."))]
        existing = await book.act_of(ctx.user.user_id, invoice.id)
        if existing is not None:
            text = ctx.t(
                "The act for invoice No. {invoice} is already issued: act No. {number}.",
                invoice=invoice.number,
                number=existing.number,
            )
            return (
                [await self._issued_reply(ctx, ports, existing, notice=ctx.t("Already issued."))]
                if confirm
                else [replace(await self._issued_reply(ctx, ports, existing), text=text)]
            )
        if not confirm:
            token = new_token()
            ctx.go(self.name, Step.ACT, token=token, inv=invoice.id)
            draft = act_from_invoice(invoice, ctx.today)
            buttons = (
                (
                    ctx.button(ctx.t("Issue"), self.name, "aok", str(invoice.id)),
                    ctx.button(ctx.t("Cancel"), self.name, "no", token),
                ),
            )
            head = ctx.t("The act of completed work for invoice No. {number}:", number=invoice.number)
            return [Reply(text="\n".join([head, preview_text(ctx, draft)]), buttons=buttons)]
        if ctx.state.flow != self.name or ctx.state.step != Step.ACT or ctx.state.data.get("inv") != invoice.id:
            return outdated(ctx)
        act = await book.issue_act(ctx.user.user_id, invoice.id, ctx.today)
        ctx.go(self.name, Step.ISSUED, token=str(ctx.state.data.get("token", "")), doc=act.id)
        return [await self._issued_reply(ctx, ports, act)]

    # ---- paid: one income entry ----
    async def _paid(self, ctx: Ctx, book: DocumentBook, document: IssuedDocument, *, confirm: bool) -> list[Reply]:
        if document.kind not in ("invoice", "waybill"):
            return [Reply(text=ctx.t("Income is recorded from the invoice or the waybill."))]
        title = ctx.t("{kind} No. {number}", kind=kind_name(ctx, document.kind), number=document.number)
        if await book.paid_at(ctx.user.user_id, document.id) is not None:
            ctx.clear()
            return [Reply(text=ctx.t("The income for {title} is already recorded.", title=title))]
        buyer = document.document.buyer.name
        if not confirm:
            ctx.go(self.name, Step.PAID, token=new_token(), doc=document.id)
            text = ctx.t(
                "Record income {amount} from {buyer} for {title}, dated {day}?",
                amount=money(document.total),
                buyer=buyer,
                title=title,
                day=date(ctx.today),
            )
            buttons = (
                (
                    ctx.button(ctx.t("Yes, record"), self.name, "pok", str(document.id)),
                    ctx.button(ctx.t("Cancel"), self.name, "no", str(ctx.state.data["token"])),
                ),
            )
            return [Reply(text=text, buttons=buttons)]
        if ctx.state.flow != self.name or ctx.state.step != Step.PAID or ctx.state.data.get("doc") != document.id:
            return outdated(ctx)
        entry = Entry("income", document.total, ctx.today, counterparty=buyer[:200])
        created = await ctx.store.add_entry(ctx.user.user_id, entry, income_key(document.id))
        ctx.clear()
        if not created:
            return [Reply(text=ctx.t("The income for {title} is already recorded.", title=title))]
        await book.mark_paid(ctx.user.user_id, document.id, ctx.now)
        details = {"document_id": document.id, "amount": str(document.total), "date": ctx.today.isoformat()}
        await ctx.store.audit(ctx.user.user_id, "document.paid", details)
        text = ctx.t(
            "Recorded: income {amount} from {buyer} ({title}).", amount=money(document.total), buyer=buyer, title=title
        )
        return [Reply(text=text, buttons=menu.main_buttons(ctx), edit=True)]

    # ---- the list ----
    async def _search(self, ctx: Ctx, book: DocumentBook, text: str, parse: ParseResult) -> list[Reply]:
        filters: dict[str, Any] = {}
        period = period_range(entity(parse, "period"))
        if period is not None:
            filters.update(start=period[0].isoformat(), end=period[1].isoformat())
        query = entity(parse, "counterparty") or self._leftover(text, parse)
        head: list[str] = []
        if query:
            known = await book.find_parties(ctx.user.user_id, clean_buyer(query, ctx.lang))
            if not known:
                return [Reply(text=ctx.t("I do not know the counterparty «{name}» yet.", name=query))]
            filters["party"] = known[0].id
            head.append(known[0].party.name)
        return await self._list(ctx, book, filters, 0, head=head)

    @staticmethod
    def _leftover(text: str, parse: ParseResult) -> str | None:
        """What a list request says besides list words and the period: «счета Альфа за ноябрь» → «Альфа»."""
        chars = list(text)
        for item in parse["entities"]:
            if item["entity"] in ("period", "date", "amount"):
                chars[item["start"] : item["end"]] = [" "] * (item["end"] - item["start"])
        words = [w for w in "".join(chars).replace("№", " ").split() if w.lower().strip(".,!?") not in _LIST_NOISE]
        words = [
            w
            for w in words
            if any(ch.isalpha() for ch in w)
            and not w.lower().startswith(("счёт", "счет", "шот", "докум", "құжат", "накладн", "акт"))
        ]
        return " ".join(words) if words else None

    async def _list(
        self,
        ctx: Ctx,
        book: DocumentBook,
        filters: dict[str, Any],
        page: int,
        *,
        with_new: bool = False,
        head: list[str] | None = None,
    ) -> list[Reply]:
        start = dt.date.fromisoformat(filters["start"]) if filters.get("start") else None
        end = dt.date.fromisoformat(filters["end"]) if filters.get("end") else None
        party = int(filters["party"]) if filters.get("party") else None
        found = await book.documents(ctx.user.user_id, party_id=party, start=start, end=end)
        ctx.go(self.name, Step.LIST, token=new_token(), filter=filters)
        new = (
            ctx.button(ctx.t("New invoice"), self.name, "new", "invoice"),
            ctx.button(ctx.t("New waybill"), self.name, "new", "waybill"),
        )
        if not found:
            text = ctx.t("No documents found.") if filters else ctx.t("You have no documents yet.")
            return [Reply(text="\n".join([*(head or []), text]), buttons=(new,))]
        shown = found[page * PAGE : (page + 1) * PAGE]
        lines = [*(head or []), ctx.t("Your documents ({count}), newest first:", count=len(found))]
        lines += [list_row(ctx, d) for d in shown]
        lines.append(ctx.t("Tap a document to get its PDF again."))
        rows: list[tuple[Button, ...]] = [
            (ctx.button(list_title(ctx, d), self.name, "pdf", str(d.id)),) for d in shown
        ]
        if (page + 1) * PAGE < len(found):
            rows.append((ctx.button(ctx.t("More…"), self.name, "pg", str(page + 1)),))
        if with_new or page == 0:
            rows.append(new)
        return [Reply(text="\n".join(lines), buttons=tuple(rows))]
