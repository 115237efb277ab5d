"""The user's documents in the chat: newest first, five a page, filtered by counterparty and period; a tap on one
re-sends its PDF (``DocumentFlow`` handles the ``pdf`` and ``pg`` buttons)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dialogs.contract import Button, Reply
from dialogs.effects.document_ports import DocumentBook
from dialogs.flows.base import Ctx, entity, new_token
from dialogs.flows.document_input import clean_buyer, period_range
from dialogs.flows.document_views import list_row, list_title
from dialogs.states import Flow
from nlu.types import ParseResult

PAGE = 5
LIST_STEP = "list"
_LIST_NOISE = frozenset(
    ("мои", "моих", "мой", "все", "список", "покажи", "показать", "за", "по", "от", "для", "в", "на",
     "менің", "барлық", "тізім", "көрсет")
)  # fmt: skip


async def search(ctx: Ctx, book: DocumentBook, text: str, parse: ParseResult) -> list[Reply]:
    """«мои документы», «счета Альфа за ноябрь»: the list filtered by the counterparty and the period named."""
    filters: dict[str, Any] = {}
    period = period_range(entity(parse, "period"))
    if period is not None:
        filters.update(start=period[0].isoformat(), end=period[1].isoformat())
    query = entity(parse, "counterparty") or leftover(text, parse)
    head: list[str] = []
    if query:
        known = await book.find_parties(ctx.user.user_id, clean_buyer(query, ctx.lang))
        if not known:
            return [Reply(text=ctx.t("I do not know the counterparty «{name}» yet.", name=query))]
        filters["party"] = known[0].id
        head.append(known[0].party.name)
    return await show(ctx, book, filters, 0, head=head)


def leftover(text: str, parse: ParseResult) -> str | None:
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


async def show(
    ctx: Ctx,
    book: DocumentBook,
    filters: dict[str, Any],
    page: int,
    *,
    with_new: bool = False,
    head: list[str] | None = None,
) -> list[Reply]:
    """A page of the user's documents, newest first; each a button that re-sends its PDF."""
    start = dt.date.fromisoformat(filters["start"]) if filters.get("start") else None
    end = dt.date.fromisoformat(filters["end"]) if filters.get("end") else None
    party = int(filters["party"]) if filters.get("party") else None
    found = await book.documents(ctx.user.user_id, party_id=party, start=start, end=end)
    ctx.go(Flow.DOCUMENTS, LIST_STEP, token=new_token(), filter=filters)
    new = (
        ctx.button(ctx.t("New invoice"), Flow.DOCUMENTS, "new", "invoice"),
        ctx.button(ctx.t("New waybill"), Flow.DOCUMENTS, "new", "waybill"),
    )
    if not found:
        text = ctx.t("No documents found.") if filters else ctx.t("You have no documents yet.")
        return [Reply(text="\n".join([*(head or []), text]), buttons=(new,))]
    shown = found[page * PAGE : (page + 1) * PAGE]
    lines = [*(head or []), ctx.t("Your documents ({count}), newest first:", count=len(found))]
    lines += [list_row(ctx, d) for d in shown]
    lines.append(ctx.t("Tap a document to get its PDF again."))
    rows: list[tuple[Button, ...]] = [
        (ctx.button(list_title(ctx, d), Flow.DOCUMENTS, "pdf", str(d.id)),) for d in shown
    ]
    if (page + 1) * PAGE < len(found):
        rows.append((ctx.button(ctx.t("More…"), Flow.DOCUMENTS, "pg", str(page + 1)),))
    if with_new or page == 0:
        rows.append(new)
    return [Reply(text="\n".join(lines), buttons=tuple(rows))]
