"""A ``Reply`` as WhatsApp messages: text ≤ 4 096 split cleanly, ≤ 3 reply buttons, a list for 4–10 choices,
numbered text choices beyond that, then one media message per attachment.

```mermaid
flowchart TD
    R[Reply] --> B{choices}
    B -- none --> T[text chunks ≤ 4096]
    B -- "≤ 3, titles fit 20" --> RB[interactive button]
    B -- "≤ 10, titles fit 24" --> L[interactive list, full title in the description]
    B -- more, or a word too long --> N["numbered text: the number → payload is kept for the next inbound text"]
    R --> M[document / image: upload, then send by id]
```

Titles are shortened at a word boundary, never mid-word; a choice whose first word alone does not fit moves the
reply to the next form (list, then numbered text), so nothing a user reads is cut in the middle of a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from bot.whatsapp import limits
from dialogs.contract import Attachment, Button, Reply

JsonDict = dict[str, Any]
ChoiceMode = Literal["buttons", "list", "numbered"]
_ELLIPSIS = "…"
KAZAKH_LETTERS = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)


def split_text(text: str, limit: int = limits.MAX_TEXT) -> list[str]:
    """Chunks of at most ``limit`` characters, cut at a paragraph, a line or a space when one is near."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        cut = cut if cut > limit // 2 else limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def shorten(text: str, limit: int) -> str | None:
    """``text`` if it fits, else whole words and «…» within ``limit``; ``None`` when not even one word fits."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    words = text.split(" ")
    kept: list[str] = []
    for word in words:
        candidate = " ".join([*kept, word]).rstrip(",;:—-–")
        if len(candidate) + len(_ELLIPSIS) > limit:
            break
        kept.append(word)
    if not kept:
        return None
    return " ".join(kept).rstrip(",;:—-– ") + _ELLIPSIS


def choice_mode(buttons: list[Button]) -> ChoiceMode:
    """How the choices of a reply are shown (see the module docstring)."""
    if len(buttons) <= limits.MAX_REPLY_BUTTONS and _fits(buttons, limits.MAX_BUTTON_TITLE, shortened=False):
        return "buttons"
    if len(buttons) <= limits.MAX_LIST_ROWS and _fits(buttons, limits.MAX_ROW_TITLE, shortened=True):
        return "list"
    return "numbered"


def _fits(buttons: list[Button], limit: int, *, shortened: bool) -> bool:
    titles = [shorten(b.text, limit) if shortened else " ".join(b.text.split()) for b in buttons]
    if any(t is None or not t or len(t) > limit for t in titles):
        return False
    ids_ok = all(len(b.payload) <= min(limits.MAX_BUTTON_ID, limits.MAX_ROW_ID) for b in buttons)
    return ids_ok and len(set(titles)) == len(titles) and len({b.payload for b in buttons}) == len(buttons)


@dataclass(frozen=True, slots=True)
class Step:
    """One Cloud API message: ``body`` is the ``type`` part of the request (without ``to``), or a media upload."""

    kind: Literal["message", "media"]
    body: JsonDict = field(default_factory=dict)
    attachment: Attachment | None = None
    #: numbered choices this message shows (number → payload), remembered once it is sent
    choices: dict[str, str] | None = None
    #: the reply's text/choices part this step carries, for the remainder of an interrupted reply
    text: str = ""
    with_buttons: bool = False
    #: the language the choices are in (for the short answers to a number typed later)
    lang: str = "ru"


#: The Cloud API cannot delete a user's message: a reply that asks for it (``Reply.delete_incoming``: a key file, a
#: password) asks the user to delete it, in the reply's language.
DELETE_YOURSELF = {
    "ru": "WhatsApp не даёт мне удалить ваше сообщение. Удалите его, пожалуйста, сами: нажмите на сообщение с файлом "
    "ключа или паролем → «Удалить» → «Удалить у всех».",
    "kk": "WhatsApp маған хабарламаңызды өшіруге мүмкіндік бермейді. Оны өзіңіз өшіріңізші: кілт файлы немесе "
    "құпиясөз бар хабарламаны басып → «Жою» → «Барлығынан жою».",
}
_KAZAKH = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)


def delete_hint(text: str) -> str:
    """The sentence asking the user to delete their own message, Kazakh when the reply is."""
    return DELETE_YOURSELF["kk" if _KAZAKH.search(text) else "ru"]


def plan(reply: Reply) -> list[Step]:
    """The messages for ``reply``, in order."""
    buttons = [b for row in reply.buttons for b in row]
    text = reply.text.strip() or (reply.notice or "" if not buttons and not reply.attachments else "")
    if reply.delete_incoming and delete_hint(text) not in text:  # (a remainder after a rate limit has it already)
        text = f"{text}\n\n{delete_hint(text)}".strip()
    steps: list[Step] = []
    if buttons:
        steps += _choice_steps(text or "⬇️", buttons)
    elif text:
        steps += [Step("message", _text(chunk), text=chunk) for chunk in split_text(text)]
    steps += [Step("media", attachment=a) for a in reply.attachments]
    return steps


def _text(body: str) -> JsonDict:
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def _choice_steps(text: str, buttons: list[Button]) -> list[Step]:
    mode = choice_mode(buttons)
    if mode == "numbered":
        lines = [f"{i}. {' '.join(b.text.split())}" for i, b in enumerate(buttons, 1)]
        kazakh = bool(KAZAKH_LETTERS.search(text))
        hint = "Нөмірін жазыңыз" if kazakh else "Ответьте номером / Нөмірін жазыңыз"
        chunks = split_text(f"{text}\n\n" + "\n".join(lines) + f"\n\n{hint}")
        choices = {str(i): b.payload for i, b in enumerate(buttons, 1)}
        steps = [Step("message", _text(c), text=c) for c in chunks[:-1]]
        lang = "kk" if kazakh else "ru"
        final = Step("message", _text(chunks[-1]), choices=choices, text=chunks[-1], with_buttons=True, lang=lang)
        return [*steps, final]
    chunks = split_text(text)
    head, last = chunks[:-1], chunks[-1]
    if len(last) > limits.MAX_INTERACTIVE_BODY:
        more = split_text(last, limits.MAX_INTERACTIVE_BODY)
        head, last = [*head, *more[:-1]], more[-1]
    steps = [Step("message", _text(c), text=c) for c in head]
    body = _buttons(last, buttons) if mode == "buttons" else _list(last, buttons)
    return [*steps, Step("message", body, text=last, with_buttons=True)]


def _buttons(text: str, buttons: list[Button]) -> JsonDict:
    replies = [{"type": "reply", "reply": {"id": b.payload, "title": " ".join(b.text.split())}} for b in buttons]
    interactive = {"type": "button", "body": {"text": text}, "action": {"buttons": replies}}
    return {"type": "interactive", "interactive": interactive}


def _list(text: str, buttons: list[Button]) -> JsonDict:
    rows: list[JsonDict] = []
    for b in buttons:
        full = " ".join(b.text.split())
        title = shorten(full, limits.MAX_ROW_TITLE) or full[: limits.MAX_ROW_TITLE]
        row: JsonDict = {"id": b.payload, "title": title}
        if title != full:
            row["description"] = shorten(full, limits.MAX_ROW_DESCRIPTION) or ""
        rows.append(row)
    label = "Таңдау" if KAZAKH_LETTERS.search(text) else "Выбрать"
    action = {"button": label, "sections": [{"title": label, "rows": rows}]}
    return {"type": "interactive", "interactive": {"type": "list", "body": {"text": text}, "action": action}}


def media_body(attachment: Attachment, media_id: str) -> JsonDict:
    """The message for an uploaded attachment: a document with its file name, or an image."""
    caption = shorten(attachment.caption, limits.MAX_CAPTION) if attachment.caption else None
    if attachment.kind == "image":
        image: JsonDict = {"id": media_id}
        if caption:
            image["caption"] = caption
        return {"type": "image", "image": image}
    document: JsonDict = {"id": media_id, "filename": attachment.file_name}
    if caption:
        document["caption"] = caption
    return {"type": "document", "document": document}


def remainder(reply: Reply, steps: list[Step]) -> Reply:
    """What is left of ``reply`` when only ``steps`` are still to send (after a rate limit part-way)."""
    texts = [s.text for s in steps if s.kind == "message" and not s.with_buttons]
    tail = [_strip_numbered(s.text) for s in steps if s.with_buttons]
    text = "\n".join([*texts, *tail]).strip()
    with_buttons = bool(tail)
    return replace(
        reply,
        text=text,
        buttons=reply.buttons if with_buttons else (),
        attachments=tuple(s.attachment for s in steps if s.attachment is not None),
        edit=False,
        notice=None,
    )


def _strip_numbered(text: str) -> str:
    """The body of a numbered-choices message without its choices (they are rebuilt from the buttons)."""
    return text.split("\n\n1. ", 1)[0]
