"""What every signing step shows: the eGov mobile deep link, its expiry in Kazakhstan time and the QR image —
one reply shape for the declaration, payment orders, the ESF and a notice's explanation."""

from __future__ import annotations

from dialogs.clock import KZ_TZ
from dialogs.contract import Attachment, Button, Reply
from dialogs.effects.ports import SignLink
from dialogs.flows.base import Ctx


def sign_request_reply(
    ctx: Ctx,
    link: SignLink,
    intro: str,
    effect_id: int,
    buttons: tuple[tuple[Button, ...], ...],
    *,
    edit: bool = False,
) -> Reply:
    """``intro`` (what to sign, already translated), the link, when it expires, and the QR for a second device."""
    expires = link.expires_at.astimezone(KZ_TZ).strftime("%H:%M")
    text = "\n".join(
        (intro, link.deep_link, ctx.t("The link works until {time}. Then press «Check signature».", time=expires))
    )
    qr = Attachment("image", "egov-sign.png", "image/png", link.qr_png, caption=ctx.t("QR code for signing"))
    meta = {"kind": "sign_request", "deep_link": link.deep_link, "effect": effect_id}
    return Reply(text=text, buttons=buttons, attachments=(qr,), meta=meta, edit=edit)
