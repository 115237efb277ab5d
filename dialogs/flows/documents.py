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

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any, Final

from core.documents import (
    Document,
    DocumentConflictError,
    DocumentInputError,
    DocumentKind,
    LineItem,
    Party,
)
from core.identity import is_valid_iin_bin
from dialogs.contract import Reply
from dialogs.effects.document_ports import DocumentBook, DocumentPorts, SellerRequisites
from dialogs.effects.ports import document_ports
from dialogs.effects.store import EffectStore
from dialogs.flows import document_followups as followups
from dialogs.flows import document_list, menu
from dialogs.flows.base import Ctx, FlowHandler, entity, new_token, outdated
from dialogs.flows.document_input import (
    bin_in,
    buyer_hint,
    clean_buyer,
    description_from,
    parse_bank,
    parse_line,
    wants_act,
    wants_list,
)
from dialogs.flows.document_views import (
    preview_text,
)
from dialogs.flows.entries import amount_error, amount_from, date_error
from dialogs.flows.filing import NAME_MAX, name_is_valid
from dialogs.keyword_nlu import parse_date_text
from dialogs.states import Flow
from nlu.types import ParseResult

MAX_QUANTITY = Decimal(1_000_000)
MAX_LINES = 20
#: the slots of the line being written; finished lines are kept in ``lines`` («Изменить» → «Ещё позиция»)
LINE_SLOTS = ("desc", "qty", "unit", "price")


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
    ISSUED: Final = followups.ISSUED
    ACT: Final = followups.ACT
    PAID: Final = followups.PAID
    LIST: Final = document_list.LIST_STEP


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
        if parse is None:  # /docs: the list with «new invoice» / «new waybill» (/invoice comes as a phrase)
            return await document_list.show(ctx, book, {}, 0, with_new=True)
        text = parse["text"]
        kind = entity(parse, "document_type")
        if kind == "esf":
            return await ctx.start(Flow.ESF, parse)
        if wants_act(text, parse):
            return await followups.act_request(ctx, ports, book, text, parse)
        has_request = entity(parse, "amount") or entity(parse, "counterparty") or description_from(text, parse)
        if (wants_list(text) and not entity(parse, "amount")) or (kind is None and not has_request):
            return await document_list.search(ctx, book, text, parse)
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
        if not seller.iin:  # onboarding asks it; a profile without it cannot be a seller
            return await ctx.start(Flow.ONBOARDING)
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
        if step != Step.NAME and parse["intent"]["name"] == "create_document" and entity(parse, "document_type"):
            return await self.start(ctx, parse)  # «выставь счёт …» again mid-question: a new request, not an answer
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
                iban, bic = parse_bank(answer, ctx.today)
            except DocumentInputError as exc:
                if str(exc).startswith("bic"):
                    text = ctx.t("The BIC is not this account's bank. Send the account alone: I will add the BIC.")
                else:
                    text = ctx.t("This does not look like an account number: 20 characters from KZ. Please check it.")
                return [Reply(text=text), self._again(ctx)]
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
        default_unit = ctx.t("pcs (unit)") if kind == "waybill" else ctx.t("service (unit)")
        lines = [*data.get("lines", []), {k: data.get(k) for k in LINE_SLOTS}]
        items = tuple(
            LineItem(
                description=str(line.get("desc") or ""),
                unit=str(line.get("unit") or default_unit),
                quantity=Decimal(str(line.get("qty") or "1")),
                price=Decimal(str(line.get("price") or "0")),
            )
            for line in lines
        )
        known = await book.party(ctx.user.user_id, int(buyer["id"])) if buyer.get("id") else None
        return Document(
            kind=kind,
            number="",
            date=dt.date.fromisoformat(str(data.get("date") or ctx.today.isoformat())),
            seller=party,
            buyer=known.party if known else Party(name=str(buyer.get("name", "")), bin_iin=buyer.get("bin") or None),
            items=items,
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
                return [await followups.issued_reply(ctx, ports, document)]
            if action in ("act", "aok"):
                return await followups.act(ctx, ports, book, document, confirm=action == "aok")
            return await followups.paid(ctx, book, document, confirm=action == "pok")
        if action == "new":
            return await self._new(ctx, book, "waybill" if arg == "waybill" else "invoice", "", None)
        if action == "pg":
            data = ctx.state.data if ctx.state.flow == self.name and ctx.state.step == Step.LIST else {}
            return await document_list.show(
                ctx, book, dict(data.get("filter") or {}), int(arg) if arg.isdigit() else 0
            )
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
        if ctx.state.step == Step.EDIT and action in ("eb", "ei", "ea", "edt", "ebk", "eadd"):
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
                ctx.button(ctx.t("Add an item"), self.name, "eadd", token),
            ),
            (ctx.button(ctx.t("Cancel"), self.name, "no", token),),
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
        if action == "eadd":  # the current line is kept; the next description and amount make a new one
            if len(data.get("lines", [])) + 1 >= MAX_LINES:
                return [
                    Reply(text=ctx.t("That is the most items one document takes here.")),
                    self._edit_menu(ctx, str(data["token"])),
                ]
            data["lines"] = [*data.get("lines", []), {k: data.pop(k, None) for k in LINE_SLOTS}]
            return self._ask(ctx, Step.DESCRIPTION, [])
        data.pop("iban", None)
        data["bank_asked"] = False
        return self._ask(ctx, Step.BANK, [])

    async def _issue(self, ctx: Ctx, ports: DocumentPorts, book: DocumentBook) -> list[Reply]:
        data = ctx.state.data
        if ctx.state.step == Step.ISSUED and str(data.get("doc", "")).isdigit():  # a second tap: the same document
            issued = await book.get(ctx.user.user_id, int(data["doc"]))
            if issued is not None:
                return [await followups.issued_reply(ctx, ports, issued, notice=ctx.t("Already issued."))]
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
        return [await followups.issued_reply(ctx, ports, issued)]
