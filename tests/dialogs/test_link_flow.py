"""Linking two channels to one user (issue 8 item 4), scripted on the engine with a Telegram and a WhatsApp chat, on
SQLite and PostgreSQL: link ok (both sides told), wrong, expired and reused codes, a code from the same channel,
another user's confirm button, a chat that already has data, and plain numbers left to the other flows."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from core.storage import AuditLog, Database, OutboxMessage, find_binding
from dialogs.engine import Engine
from dialogs.flows.link import LINK_CODE_TTL, code_in, is_link_phrase
from dialogs.testing import ScriptedChat, onboarding_scenario
from tests.dialogs.conftest import NOW, chat_for

TG_ID, WA_ID = "1001", "77010000001"


def _code(chat: ScriptedChat) -> str:
    found = re.search(r"\b(\d{6})\b", chat.text)
    assert found, chat.text
    return found.group(1)


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def _user_of(database: Database, channel: str, chat_id: str) -> int | None:
    async with database.transaction() as session:
        binding = await find_binding(session, channel, chat_id)
        return binding.user_id if binding is not None else None


async def _issue(engine: Engine, lang: str = "ru") -> tuple[ScriptedChat, str]:
    tg = chat_for(engine, lang, TG_ID, "telegram")
    await onboarding_scenario(tg, lang)
    await tg.say("привязать WhatsApp" if lang == "ru" else "аккаунтты байланыстыру")
    return tg, _code(tg)


def test_phrases_and_codes() -> None:
    for phrase in ("привязать Telegram", "Привязать WhatsApp!", "аккаунтты байланыстыру", "привязать аккаунт"):
        assert is_link_phrase(phrase), phrase
    assert not is_link_phrase("привязать карту")
    assert code_in("123456") == ("123456", False)
    assert code_in("код 123456") == ("123456", True)
    assert code_in("Код: 123456.") == ("123456", True)
    assert code_in("1234567") is None
    assert code_in("пришло 123456") is None


async def test_link_ok_both_sides_confirmed(sql_engine: Engine, database: Database) -> None:
    tg, code = await _issue(sql_engine)
    tg.expect("Ваш код привязки", f"{LINK_CODE_TTL.seconds // 60} минут")
    issuer = await _user_of(database, "telegram", TG_ID)

    wa = chat_for(sql_engine, "ru", WA_ID, "whatsapp")
    await wa.say(code)
    wa.expect("Связать этот чат с аккаунтом в Telegram?")
    await wa.press("Связать")
    wa.expect("Связано")
    assert await _user_of(database, "whatsapp", WA_ID) == issuer
    assert await _user_of(database, "telegram", TG_ID) == issuer

    async with database.transaction() as session:
        outbox = list((await session.scalars(select(OutboxMessage))).all())
        actions = [a.action for a in (await session.scalars(select(AuditLog))).all()]
    told = [m for m in outbox if m.dedupe_key.startswith(f"link:{code}")]
    assert [(m.channel, m.chat_id) for m in told] == [("telegram", TG_ID)]
    assert "WhatsApp" in told[0].payload["text"]
    assert "связан" in told[0].payload["text"]
    for action in ("link.code_issued", "link.code_entered", "link.linked", "link.moved_away"):
        assert action in actions

    await wa.say("/taxes")  # the WhatsApp chat now sees the Telegram user's profile
    wa.expect("910.00")


async def test_link_in_kazakh(sql_engine: Engine, database: Database) -> None:
    tg, code = await _issue(sql_engine, "kk")
    tg.expect("Байланыстыру кодыңыз")
    wa = chat_for(sql_engine, "kk", WA_ID, "whatsapp")
    await wa.say(f"код {code}")
    await wa.press("Байланыстыру")
    wa.expect("Байланыстырылды")
    assert await _user_of(database, "whatsapp", WA_ID) == await _user_of(database, "telegram", TG_ID)


async def test_wrong_code(sql_engine: Engine, database: Database) -> None:
    _, code = await _issue(sql_engine)
    wa = chat_for(sql_engine, "ru", WA_ID, "whatsapp")
    await wa.say(f"код {_other(code)}")
    wa.expect("Код не подошёл")
    assert all(b.text != "Связать" for b in wa.buttons)
    await wa.say(_other(code))  # a bare number without a live code is not a code: the other flows get it
    assert "Код не подошёл" not in wa.text
    assert await _user_of(database, "whatsapp", WA_ID) != await _user_of(database, "telegram", TG_ID)


async def test_expired_code(sql_engine: Engine, database: Database) -> None:
    _, code = await _issue(sql_engine)
    wa = chat_for(sql_engine, "ru", WA_ID, "whatsapp")
    wa.now = NOW + LINK_CODE_TTL + dt.timedelta(seconds=1)
    await wa.say(f"код {code}")
    wa.expect("Код не подошёл")
    assert await _user_of(database, "whatsapp", WA_ID) != await _user_of(database, "telegram", TG_ID)


async def test_code_expires_while_confirming(sql_engine: Engine, database: Database) -> None:
    _, code = await _issue(sql_engine)
    wa = chat_for(sql_engine, "ru", WA_ID, "whatsapp")
    await wa.say(code)
    wa.now = NOW + LINK_CODE_TTL
    await wa.press("Связать")
    wa.expect("Код не подошёл")
    assert await _user_of(database, "whatsapp", WA_ID) != await _user_of(database, "telegram", TG_ID)


async def test_reused_code(sql_engine: Engine, database: Database) -> None:
    _, code = await _issue(sql_engine)
    wa = chat_for(sql_engine, "ru", WA_ID, "whatsapp")
    await wa.say(code)
    await wa.press("Связать")
    wa.expect("Связано")
    other = chat_for(sql_engine, "ru", "77010000002", "whatsapp")
    await other.say(f"код {code}")
    other.expect("Код не подошёл")
    assert await _user_of(database, "whatsapp", "77010000002") != await _user_of(database, "telegram", TG_ID)


async def test_same_channel_does_nothing(sql_engine: Engine, database: Database) -> None:
    tg, code = await _issue(sql_engine)
    await tg.say(code)
    tg.expect("из другого мессенджера")
    other_tg = chat_for(sql_engine, "ru", "1002", "telegram")
    await other_tg.say(f"код {code}")
    other_tg.expect("из другого мессенджера")
    assert not other_tg.buttons
    assert await _user_of(database, "telegram", "1002") != await _user_of(database, "telegram", TG_ID)
    wa = chat_for(sql_engine, "ru", WA_ID, "whatsapp")  # the code is still good for the other channel
    await wa.say(code)
    await wa.press("Связать")
    wa.expect("Связано")


async def test_another_users_confirm_button(sql_engine: Engine, database: Database) -> None:
    tg, code = await _issue(sql_engine)
    wa = chat_for(sql_engine, "ru", WA_ID, "whatsapp")
    await wa.say(code)
    confirm = next(b for b in wa.buttons if b.text == "Связать")
    assert await tg.press_payload(confirm.payload) == []
    stranger = chat_for(sql_engine, "ru", "77010000003", "whatsapp")
    assert await stranger.press_payload(confirm.payload) == []
    assert await _user_of(database, "whatsapp", WA_ID) != await _user_of(database, "telegram", TG_ID)
    await wa.press("Связать")  # the owner's press still works
    wa.expect("Связано")


async def test_cancel(sql_engine: Engine, database: Database) -> None:
    _, code = await _issue(sql_engine)
    wa = chat_for(sql_engine, "ru", WA_ID, "whatsapp")
    await wa.say(code)
    await wa.press("Отмена")
    wa.expect("Не связываю")
    assert await _user_of(database, "whatsapp", WA_ID) != await _user_of(database, "telegram", TG_ID)


async def test_chat_with_data_is_refused(sql_engine: Engine, database: Database) -> None:
    _, code = await _issue(sql_engine)
    wa = chat_for(sql_engine, "ru", WA_ID, "whatsapp")
    await onboarding_scenario(wa, "ru")
    await wa.say(code)
    wa.expect("уже есть свои данные", "удалить мои данные")
    assert not wa.buttons
    assert await _user_of(database, "whatsapp", WA_ID) != await _user_of(database, "telegram", TG_ID)


async def test_command_and_numbers_in_a_step(sql_engine: Engine) -> None:
    tg = chat_for(sql_engine, "ru", TG_ID, "telegram")
    await onboarding_scenario(tg, "ru")
    await tg.say("/link")
    code = _code(tg)
    await tg.say("пришло от Альфы")  # the income flow asks for the amount: a six-digit number is its answer
    await tg.say(_other(code))
    assert "Код не подошёл" not in tg.text
    tg.expect("Записать доход?", f"{int(_other(code)):,}".replace(",", " ") + " ₸")


async def test_a_fresh_chat_speaks_the_accounts_language(sql_engine: Engine) -> None:
    """WhatsApp sends no language hint: a Kazakh account's code typed in a new chat is confirmed in Kazakh."""
    _, code = await _issue(sql_engine, "kk")
    wa = chat_for(sql_engine, "ru", WA_ID, "whatsapp")
    await wa.say(code)
    assert "Связать этот чат" not in wa.text
    assert any(letter in wa.text for letter in "әғқңөұүі"), wa.text
