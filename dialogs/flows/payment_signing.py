"""The user's signature on the month's payment orders before they go to the bank (``PaymentPorts.sign_orders``).

The issue lists the payment order among the documents the user signs (declaration, payment order, ESF). The
month's orders are signed as one document — ``orders_xml``: each order's idempotency key, kind, amount, KNP/KBK,
beneficiary and the digest of its substance — on the user's phone (eGov mobile, ``PhoneSigning``), so one signature
covers exactly the orders that will be sent and nothing else. Exactly once: «Да, оплатить» claims the month and
creates one signature row (kind ``pays``: ``signing → done | cancelled``); when the signature arrives («Проверить
подпись» or the tick ``poll_payment_signatures``) the row moves by compare-and-set and the orders are sent through
``payment.send_orders_as`` with their usual keys — a double tap, the tick racing the button or a replay after a
crash never send twice.

```mermaid
stateDiagram-v2
    [*] --> signing: «Да, оплатить» (month claimed, eGov link + QR)
    signing --> signing: «Новая ссылка»
    signing --> done: the phone returned the signature → orders sent (sending → sent → executed)
    signing --> cancelled: «Отмена»
    [*] --> done: «Сохранённым ключом» (a kept key, this use confirmed) → orders sent
```
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.contract import Button, Reply
from dialogs.effects.ports import PaymentPorts, SignCheck, SignDocument
from dialogs.effects.store import EffectRow, EffectStore
from dialogs.effects.ticks import PollReport, _each
from dialogs.flows import menu
from dialogs.flows.base import Ctx, outdated
from dialogs.flows.signing import sign_request_reply
from dialogs.format import money
from dialogs.i18n import Lang, Translator
from dialogs.states import Flow

SIGN = "pays"
APP = "eGov mobile"
ACTIONS = frozenset({"schk", "snew", "sno"})
CHOICE = "schoice"  # Payment step: «На телефоне» or «Сохранённым ключом»
NAMESPACE = "urn:asistent:payment-orders:1"


def orders_xml(period: str, payer_iin: str, orders: list[Any], keys: list[str]) -> bytes:
    """The document the user signs: the orders as they will be sent (one element each, attributes only)."""
    from core.payments.model import substance_digest

    root = ET.Element("paymentOrders", {"xmlns": NAMESPACE, "period": period, "payer": payer_iin})
    for order, key in zip(orders, keys, strict=True):
        ET.SubElement(
            root,
            "order",
            {
                "key": key,
                "kind": order.kind.value,
                "amount": str(order.amount),
                "knp": str(order.knp),
                "kbk": str(order.kbk or ""),
                "beneficiary": order.beneficiary.idn,
                "iban": order.beneficiary.iban,
                "digest": substance_digest(order),
            },
        )
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _document(user_id: str, row: EffectRow, iin: str | None) -> SignDocument:
    month = _month(str(row.request["period"]))
    return SignDocument(
        user_id=user_id,
        document_id=f"effect-{row.id}",
        purpose="payment_order",
        title_ru=Translator("ru").t("Payment orders for {month}", month=month("ru")),
        title_kk=Translator("kk").t("Payment orders for {month}", month=month("kk")),
        expected_iin=iin,
    )


def _month(period: str) -> Any:
    from dialogs.flows.payment import month_name

    return lambda lang: month_name(Translator(lang).t, int(period[5:]), int(period[:4]))


def is_fee(row: EffectRow) -> bool:
    """A signature row of the platform fee's order (not the month's social payments: no month claim)."""
    return str(row.request.get("nonce", "")).startswith("fee-")


def choice_reply(ctx: Ctx, token: str) -> Reply:
    """With a kept key: the user chooses how to sign this very document (each use of the kept key is confirmed)."""
    buttons = (
        (
            ctx.button(ctx.t("On my phone"), Flow.PAYMENT, "sph", token),
            ctx.button(ctx.t("With the kept key"), Flow.PAYMENT, "skk", token),
            ctx.button(ctx.t("Cancel"), Flow.PAYMENT, "no", token),
        ),
    )
    text = ctx.t("How to sign? On your phone in {app}, or with the key you stored with me.", app=APP)
    return Reply(text=text, buttons=buttons)


async def request_signature(
    ctx: Ctx,
    effects: EffectStore,
    ports: PaymentPorts,
    orders: list[Any],
    period: str,
    nonce: str,
    way: str = "phone",
) -> list[Reply]:
    """After «Да, оплатить» (the month claimed): the signature row, then the eGov link or the kept key."""
    from core.payments import idempotency_key
    from dialogs.flows.payment import order_attempt

    if (ports.kept if way == "kept" else ports.phone) is None:
        return [Reply(text=ctx.t("Signing is not connected yet, so I cannot send the orders."))]
    mine = await effects.of_user(ctx.user.user_id, "pay")
    keys = [idempotency_key(o, order_attempt(mine, o)) for o in orders]
    iin = ctx.profile.iin if ctx.profile else ""
    request = {
        "period": period,
        "nonce": nonce,
        "orders": [o.to_json() for o in orders],
        "keys": keys,
        "total": str(sum((o.amount for o in orders), Decimal(0))),
        "xml": orders_xml(period, iin or "", orders, keys).decode("utf-8"),
    }
    row, created = await effects.begin(f"pays-{ctx.user.user_id}-{nonce}", ctx.user.user_id, SIGN, request, "signing")
    if created:
        details = {"period": period, "orders": len(orders), "way": way}
        await effects.audit(ctx.user.user_id, "payment.confirmed", row, details)
    if way == "kept" and row.status == "signing":
        return await _sign_with_kept_key(ctx, effects, ports, row)
    return await new_link(ctx, effects, ports, row)


async def _sign_with_kept_key(ctx: Ctx, effects: EffectStore, ports: PaymentPorts, row: EffectRow) -> list[Reply]:
    from dialogs.effects.ports import SignRefused

    assert ports.kept is not None
    iin = ctx.profile.iin if ctx.profile else None
    try:
        xml = str(row.request["xml"]).encode("utf-8")
        signed = await ports.kept.sign(xml, _document(ctx.user.user_id, row, iin), ctx.store)
    except SignRefused as exc:
        await effects.audit(ctx.user.user_id, "payment.signature_refused", row, {"code": exc.code})
        await effects.advance(row, "cancelled")
        ctx.clear()
        text = ctx.t("The kept key cannot sign this ({code}). Sign on your phone instead.", code=exc.code)
        return [Reply(text=text)]
    moved, what, lines = await _signed(effects, ports, row, signed, "kept", ctx.t, ctx.lang, "user")
    if what != "done":
        return [status_reply(ctx, moved)]
    ctx.clear()
    return [Reply(text="\n".join([*lines, ctx.t("I will write here when the bank executes them.")]), edit=True)]


async def new_link(ctx: Ctx, effects: EffectStore, ports: PaymentPorts, row: EffectRow) -> list[Reply]:
    if row.status != "signing" or ports.phone is None:
        return [status_reply(ctx, row)]
    iin = ctx.profile.iin if ctx.profile else None
    link = ports.phone.request(str(row.request["xml"]).encode("utf-8"), _document(ctx.user.user_id, row, iin))
    moved = await effects.advance(row, "signing", {"sign_request": link.id})
    if moved is None:
        return [status_reply(ctx, await effects.get(row.key) or row)]
    await effects.audit(ctx.user.user_id, "payment.signature_requested", moved, {"way": "phone"})
    intro = ctx.t(
        "Sign the payment orders for {amount} in {app}: open the link on your phone or scan the QR code.",
        amount=money(_total(row)),
        app=APP,
    )
    return [sign_request_reply(ctx, link, intro, row.id, _buttons(ctx, moved), edit=True)]


def _total(row: EffectRow) -> Decimal:
    return Decimal(str(row.request.get("total", "0")))


def _buttons(ctx: Ctx, row: EffectRow) -> tuple[tuple[Button, ...], ...]:
    arg = str(row.id)
    return (
        (
            ctx.button(ctx.t("Check signature"), Flow.PAYMENT, "schk", arg),
            ctx.button(ctx.t("New link"), Flow.PAYMENT, "snew", arg),
            ctx.button(ctx.t("Cancel"), Flow.PAYMENT, "sno", arg),
        ),
    )


def status_reply(ctx: Ctx, row: EffectRow, lines: list[str] | None = None) -> Reply:
    if row.status == "signing":
        text = ctx.t("The signature has not arrived yet. Sign in {app}, then press «Check signature».", app=APP)
        return Reply(text=text, buttons=_buttons(ctx, row))
    if row.status == "cancelled":
        return Reply(text=ctx.t("Cancelled. Nothing was sent."))
    body = [*(lines or []), ctx.t("I will write here when the bank executes them.")]
    return Reply(text="\n".join(body))


async def advance_signature(
    effects: EffectStore, ports: PaymentPorts, row: EffectRow, t: Any, lang: Lang, actor: str = "user"
) -> tuple[EffectRow, str, list[str]]:
    """If the phone returned the signature: the row ``done`` and the orders sent; ``pending`` / ``expired`` /
    ``moved`` otherwise (and the chat lines of the orders)."""

    if row.status != "signing" or ports.phone is None:
        return row, row.status, []
    request_id = str(row.result.get("sign_request", ""))
    check = ports.phone.check(request_id) if request_id else SignCheck("unknown")
    if check.state == "pending":
        return row, "pending", []
    if check.state != "signed" or check.signed_xml is None:
        return row, "expired", []
    return await _signed(effects, ports, row, check.signed_xml, "phone", t, lang, actor)


async def _signed(
    effects: EffectStore,
    ports: PaymentPorts,
    row: EffectRow,
    signed_xml: bytes,
    way: str,
    t: Any,
    lang: Lang,
    actor: str,
) -> tuple[EffectRow, str, list[str]]:
    """The signature is there: the row ``done`` (compare-and-set) and the orders sent with their usual keys."""
    from core.payments import PaymentOrder
    from dialogs.flows.payment import send_orders_as

    signed = signed_xml.decode("utf-8")
    digest = hashlib.sha256(signed_xml).hexdigest()
    moved = await effects.advance(row, "done", {"signed_xml": signed, "signed_digest": digest, "way": way})
    if moved is None:
        return (await effects.get(row.key) or row), "moved", []
    await effects.audit(row.user_id, "payment.signed", moved, {"way": way, "period": row.request["period"]}, actor)
    orders = [PaymentOrder.from_json(dict(o)) for o in row.request["orders"]]
    lines = await send_orders_as(
        effects, ports, row.user_id, orders, t, lang, actor, signed_by=row.id, signed_xml=signed
    )
    return moved, "done", lines


async def on_button(ctx: Ctx, effects: EffectStore, ports: PaymentPorts, action: str, arg: str) -> list[Reply]:
    row = await effects.owned(ctx.user.user_id, arg, SIGN)
    if row is None:
        return outdated(ctx)
    if action == "snew":
        return await new_link(ctx, effects, ports, row)
    if action == "sno":
        moved = await effects.advance(row, "cancelled") if row.status == "signing" else None
        if moved is None:
            return [status_reply(ctx, await effects.get(row.key) or row)]
        await effects.audit(ctx.user.user_id, "payment.cancelled", moved, {"period": row.request["period"]})
        ctx.clear()
        return [Reply(text=ctx.t("Cancelled. Nothing was sent."), buttons=menu.main_buttons(ctx), edit=True)]
    moved, what, lines = await advance_signature(effects, ports, row, ctx.t, ctx.lang)
    if what == "expired":
        text = ctx.t("The signing link has expired. Press «New link» and sign again.")
        return [Reply(text=text, buttons=_buttons(ctx, moved))]
    if what == "done":
        ctx.clear()
        return [Reply(text="\n".join([*lines, ctx.t("I will write here when the bank executes them.")]), edit=True)]
    return [status_reply(ctx, moved)]


async def poll_payment_signatures(session: AsyncSession, now: dt.datetime, ports: PaymentPorts) -> PollReport:
    """The worker's tick: a signature that arrived while nobody pressed «Проверить подпись» sends the orders
    (each in its savepoint; the order statuses are then followed by ``poll_payments``)."""
    effects = EffectStore(session)
    rows = await effects.in_status(SIGN, ("signing",))

    async def one(row: EffectRow) -> bool:
        if not row.result.get("sign_request"):
            return False
        lang = await effects.language(row.user_id)
        moved, what, lines = await advance_signature(effects, ports, row, Translator(lang).t, lang, "system")
        if what != "done":
            return False
        text = "\n".join([*lines, Translator(lang).t("I will write here when the bank executes them.")])
        meta = {"kind": "payment_signed", "effect": moved.id, "lang": lang}
        reply = Reply(text=text, meta=meta, template=("payment_signed", (str(moved.request["period"]),)))
        await effects.push(moved.user_id, reply, f"pays:{moved.id}:done", now)
        return True

    return await _each(session, rows, one)
