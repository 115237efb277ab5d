"""The webhook: verification challenge, the signature checked before anything else, 200 at once with the work done
after, a redelivered wamid without a second effect (across a restart), statuses recorded, foreign buttons ignored."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Sequence

import aiohttp
from sqlalchemy import func, select

from bot.emulator.whatsapp import DEFAULT_APP_SECRET
from bot.whatsapp import WEBHOOK_PATH
from bot.whatsapp.signature import SIGNATURE_HEADER, is_valid, sign
from bot.whatsapp.stores import MemoryStatuses, MemoryWindows
from core.storage import Database, IncomeEntry
from dialogs.contract import FileEvent, InputEvent, Reply
from dialogs.engine import Engine
from dialogs.sql_store import SqlStores
from dialogs.testing import WORDS, onboarding_scenario
from tests.bot.whatsapp.harness import SECRET, VERIFY_TOKEN, WhatsAppStack, services


class SpyEngine:
    def __init__(self, gate: asyncio.Event | None = None) -> None:
        self.events: list[InputEvent] = []
        self.gate = gate

    async def handle(self, event: InputEvent) -> Sequence[Reply]:
        self.events.append(event)
        if self.gate is not None:
            await self.gate.wait()
        return [Reply(text=f"echo {getattr(event, 'text', '')}")]


def notification(wamid: str = "wamid.T1", text: str = "привет", sender: str = "77010000009") -> bytes:
    message = {"from": sender, "id": wamid, "timestamp": "1796100000", "type": "text", "text": {"body": text}}
    value = {"messaging_product": "whatsapp", "contacts": [{"wa_id": sender, "profile": {"name": "A"}}]}
    value["messages"] = [message]
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(body).encode()


async def post(stack: WhatsAppStack, body: bytes, signature: str | None) -> aiohttp.ClientResponse:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers[SIGNATURE_HEADER] = signature
    async with (
        aiohttp.ClientSession() as session,
        session.post(stack.server.url + WEBHOOK_PATH, data=body, headers=headers) as response,
    ):
        await response.read()
        return response


def test_signature_is_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"a": 1}'
    assert sign(body, "s").startswith("sha256=")
    assert is_valid(body, sign(body, "s"), "s")
    assert not is_valid(body + b" ", sign(body, "s"), "s")
    assert not is_valid(body, sign(body, "other"), "s")
    assert not is_valid(body, None, "s")
    assert not is_valid(body, "md5=abc", "s")
    assert not is_valid(body, sign(body, ""), "")


async def test_verification_challenge_echoed_only_for_our_token() -> None:
    stack = await WhatsAppStack.start(SpyEngine())  # type: ignore[arg-type]
    try:
        url = stack.server.url + WEBHOOK_PATH
        async with aiohttp.ClientSession() as session:
            good = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
            async with session.get(url, params=good) as response:
                assert response.status == 200
                assert await response.text() == "1158201444"
            for bad in ({**good, "hub.verify_token": "nope"}, {**good, "hub.mode": "unsubscribe"}, {}):
                async with session.get(url, params=bad) as response:
                    assert response.status == 403
                    assert "1158201444" not in await response.text()
    finally:
        await stack.close()


async def test_bad_or_missing_signature_is_refused_and_nothing_is_processed() -> None:
    engine = SpyEngine()
    stack = await WhatsAppStack.start(engine)  # type: ignore[arg-type]
    try:
        body = notification()
        for signature in (None, "", "sha256=00", sign(body, "wrong-secret"), sign(body + b" ", DEFAULT_APP_SECRET)):
            response = await post(stack, body, signature)
            assert response.status == 403
        not_json = b"{not json"
        assert (await post(stack, not_json, None)).status == 403  # the signature first: never parsed
        await asyncio.sleep(0)
        assert engine.events == []
        assert stack.channel.webhook.tasks == set()
        response = await post(stack, body, sign(body, DEFAULT_APP_SECRET))
        assert response.status == 200
        await stack.tracker.wait_for("wamid.T1")
        assert [e.event_id for e in engine.events] == ["wamid.T1"]
    finally:
        await stack.close()


async def test_answers_200_at_once_and_processes_after() -> None:
    gate = asyncio.Event()
    engine = SpyEngine(gate)
    stack = await WhatsAppStack.start(engine)  # type: ignore[arg-type]
    try:
        body = notification("wamid.SLOW")
        response = await post(stack, body, sign(body, DEFAULT_APP_SECRET))
        assert response.status == 200  # while the engine is still busy with it
        assert len(stack.channel.webhook.tasks) == 1
        gate.set()
        await stack.tracker.wait_for("wamid.SLOW")
        assert len(engine.events) == 1
    finally:
        await stack.close()


async def income_count(database: Database) -> int:
    async with database.session() as session:
        return int((await session.execute(select(func.count()).select_from(IncomeEntry))).scalar_one())


async def test_redelivered_wamid_has_no_second_effect_even_after_a_restart(sqlite_db: Database) -> None:
    stack = await WhatsAppStack.start(Engine(SqlStores(sqlite_db), services(), SECRET), database=sqlite_db)
    try:
        person = stack.person("ru")
        chat = stack.chat(person)
        await onboarding_scenario(chat, "ru")
        await chat.say(WORDS["ru"]["income"])
        await chat.press(WORDS["ru"]["save"])
        chat.expect(WORDS["ru"]["saved"])
        messages = len(stack.emulator.bot_messages(person.chat_id))
        assert await chat.redeliver() == []  # the same wamid again
        # a new process: no memory of recent wamids, a new engine over the same database
        stack.channel.webhook.engine = Engine(SqlStores(sqlite_db), services(), SECRET)
        stack.channel.webhook._recent.clear()
        assert await chat.redeliver() == []
        assert len(stack.emulator.bot_messages(person.chat_id)) == messages
        assert await income_count(sqlite_db) == 1
        # the window lives in the chat binding: opened by the user's message time (the emulator's clock)
        last = await stack.channel.delivery.windows.last_inbound(person.chat_id)
        assert last is not None
        assert abs((last - stack.now()).total_seconds()) < 5
    finally:
        await stack.close()


async def test_another_users_button_does_nothing(stack: WhatsAppStack) -> None:
    owner, stranger = stack.person("ru", "Айгүл"), stack.person("ru", "Болат")
    chat = stack.chat(owner)
    await onboarding_scenario(chat, "ru")
    await chat.say(WORDS["ru"]["income"])
    save = next(b for b in chat.buttons if WORDS["ru"]["save"] in b.text)
    other = stack.chat(stranger)
    await other.say("/start")
    before = len(stack.emulator.bot_messages(stranger.chat_id))
    holder = stack.emulator.bot_messages(stranger.chat_id)[-1]
    # the stranger's client sends a reply carrying the owner's payload (crafted)
    wamid = stack.emulator.press(stranger.chat_id, holder.wamid, save.payload, forge=True)
    await stack.tracker.wait_for(wamid)
    assert len(stack.emulator.bot_messages(stranger.chat_id)) == before
    await chat.press_payload(save.payload)
    chat.expect(WORDS["ru"]["saved"])  # the owner's save is the first one: the stranger saved nothing


async def test_statuses_are_recorded_and_never_go_back() -> None:
    statuses, windows = MemoryStatuses(), MemoryWindows()
    stack = await WhatsAppStack.start(statuses=statuses, windows=windows)
    try:
        person = stack.person("ru")
        chat = stack.chat(person)
        await chat.say("/start")
        first = stack.emulator.bot_messages(person.chat_id)[0]
        await stack.tracker.wait_for(f"status:{first.wamid}:delivered")
        assert statuses.latest[first.wamid] == "delivered"
        stack.emulator.read(person.chat_id)
        await stack.tracker.wait_for(f"status:{first.wamid}:read")
        assert statuses.latest[first.wamid] == "read"
        # a late "delivered" (redelivered notification) does not undo "read"
        await stack.channel.webhook.process(_status(first.wamid, "delivered", person.chat_id))
        assert statuses.latest[first.wamid] == "read"
        # a failed status saying the user cannot be reached marks the chat
        await stack.channel.webhook.process(_status(first.wamid, "failed", person.chat_id, code=131026))
        assert person.chat_id in windows.unreachable
    finally:
        await stack.close()


def _status(wamid: str, status: str, recipient: str, code: int | None = None) -> dict[str, object]:
    raw: dict[str, object] = {"id": wamid, "status": status, "timestamp": "1", "recipient_user_id": recipient}
    if code is not None:
        raw["errors"] = [{"code": code, "title": "Message undeliverable"}]
    value = {"messaging_product": "whatsapp", "statuses": [raw]}
    return {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": value}]}]}


def test_received_time_is_the_message_timestamp() -> None:
    from bot.whatsapp.inbound import parse

    messages, _ = parse(json.loads(notification()), dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert messages[0].received_at == dt.datetime.fromtimestamp(1796100000, dt.UTC)
    assert messages[0].chat.phone == "77010000009"


async def test_documents_and_images_from_the_user_are_downloaded_into_file_events() -> None:
    engine = SpyEngine()
    stack = await WhatsAppStack.start(engine)  # type: ignore[arg-type]
    try:
        person = stack.person("ru")
        chat = stack.chat(person)
        await chat.send_file("выписка.pdf", "application/pdf")
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
        wamid = stack.emulator.send_file(person.chat_id, "photo.png", png, "image/png", caption="чек за обед")
        await stack.tracker.wait_for(wamid)
        document, image = engine.events
        assert isinstance(document, FileEvent)
        assert (document.file_name, document.mime_type, document.content) == (
            "выписка.pdf",
            "application/pdf",
            b"%PDF-1.4 test",
        )
        assert isinstance(image, FileEvent)
        assert image.content == png
        assert image.caption == "чек за обед"
        assert image.chat.chat_id == person.chat_id
    finally:
        await stack.close()


async def test_a_voice_note_is_asked_to_be_written(stack: WhatsAppStack) -> None:
    person = stack.person("ru")
    chat = stack.chat(person)
    await chat.say("/start")
    notification = stack.emulator.sent_notifications[stack.emulator.chat(person.chat_id).history[0].wamid]
    value = notification["entry"][0]["changes"][0]["value"]
    voice = dict(value["messages"][0], id="wamid.VOICE", type="audio", audio={"id": "1", "mime_type": "audio/ogg"})
    voice.pop("text")
    await stack.channel.webhook.process(
        {"entry": [{"changes": [{"field": "messages", "value": {**value, "messages": [voice]}}]}]}
    )
    answer, reprompt = [e.message for e in stack.emulator.bot_messages(person.chat_id)[-2:]]
    assert "понимаю слова" in answer["text"]["body"]
    assert reprompt["type"] == "interactive"  # the question again: nothing is lost
