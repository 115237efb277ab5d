"""WhatsApp cannot delete a user's message: a reply with ``delete_incoming`` asks the user to delete it (ru/kk),
once, whatever form the reply takes."""

from __future__ import annotations

from bot.whatsapp.render import DELETE_YOURSELF, plan, remainder
from dialogs.contract import Button, Reply


def _bodies(reply: Reply) -> list[str]:
    out: list[str] = []
    for step in plan(reply):
        body = step.body
        out.append(body["text"]["body"] if body.get("type") == "text" else body["interactive"]["body"]["text"])
    return out


def test_the_user_is_asked_to_delete_the_message() -> None:
    (ru,) = _bodies(Reply(text="Теперь пароль ключа одним сообщением.", delete_incoming=True))
    assert ru.startswith("Теперь пароль")
    assert ru.endswith(DELETE_YOURSELF["ru"])
    (kk,) = _bodies(Reply(text="Енді кілттің құпиясөзін жіберіңіз.", delete_incoming=True))
    assert kk.endswith(DELETE_YOURSELF["kk"])


def test_with_buttons_and_after_a_rate_limit_the_hint_appears_once() -> None:
    reply = Reply(text="Ключ сохранён.", buttons=((Button("Меню", "m:menu"),),), delete_incoming=True)
    (body,) = _bodies(reply)
    assert body.count(DELETE_YOURSELF["ru"]) == 1
    rest = remainder(reply, plan(reply))
    assert sum(b.count(DELETE_YOURSELF["ru"]) for b in _bodies(rest)) == 1


def test_no_hint_unless_asked() -> None:
    assert _bodies(Reply(text="Привет")) == ["Привет"]
