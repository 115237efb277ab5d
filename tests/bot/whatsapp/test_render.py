"""Rendering within WhatsApp's limits: long text split cleanly, ≤ 3 buttons, a list for 4–10 choices, numbered text
beyond, titles shortened at word boundaries (never mid-word)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.whatsapp import limits
from bot.whatsapp.render import choice_mode, plan, remainder, shorten, split_text
from dialogs.contract import Attachment, Button, ButtonEvent, InputEvent, Reply
from tests.bot.whatsapp.harness import WhatsAppStack


def buttons(*titles: str) -> tuple[tuple[Button, ...], ...]:
    return (tuple(Button(t, f"p:{i}") for i, t in enumerate(titles)),)


def test_long_text_splits_at_word_boundaries_and_loses_nothing() -> None:
    text = " ".join(f"слово{i}" for i in range(2000))
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(len(c) <= limits.MAX_TEXT for c in chunks)
    assert " ".join(chunks) == text
    assert all(not c.endswith(" ") and c[-1].isdigit() for c in chunks)  # cut between words
    steps = plan(Reply(text=text))
    assert [s.body["text"]["body"] for s in steps] == chunks


def test_long_text_with_buttons_puts_the_buttons_on_a_short_last_part() -> None:
    text = "абзац " * 1500
    steps = plan(Reply(text=text, buttons=buttons("Да", "Нет")))
    last = steps[-1].body
    assert last["type"] == "interactive"
    assert len(last["interactive"]["body"]["text"]) <= limits.MAX_INTERACTIVE_BODY
    assert all(s.body["type"] == "text" and len(s.body["text"]["body"]) <= limits.MAX_TEXT for s in steps[:-1])


def test_shorten_keeps_whole_words() -> None:
    assert shorten("Записать доход", 20) == "Записать доход"
    short = shorten("Декларация по упрощённой системе", 20)
    assert short == "Декларация по…"
    assert len(short) <= 20
    assert shorten("Оңайлатылғандекларацияныңнысаны", 20) is None  # one word too long: never cut mid-word


def test_three_buttons_are_reply_buttons() -> None:
    body = plan(Reply(text="Выберите", buttons=buttons("Да", "Нет", "Позже")))[0].body
    assert body["interactive"]["type"] == "button"
    assert [b["reply"]["title"] for b in body["interactive"]["action"]["buttons"]] == ["Да", "Нет", "Позже"]


def test_more_than_three_choices_become_a_list() -> None:
    titles = ("Январь", "Февраль", "Март", "Апрель", "Упрощённая декларация за полугодие")
    reply = Reply(
        text="Месяц?",
        buttons=(
            tuple(Button(t, f"m:{i}") for i, t in enumerate(titles[:2])),
            tuple(Button(t, f"m:{i + 2}") for i, t in enumerate(titles[2:])),
        ),
    )
    body = plan(reply)[0].body
    interactive = body["interactive"]
    assert interactive["type"] == "list"
    rows = interactive["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [f"m:{i}" for i in range(5)]
    assert all(len(r["title"]) <= limits.MAX_ROW_TITLE for r in rows)
    assert rows[-1]["title"] == "Упрощённая декларация…"
    assert rows[-1]["description"] == "Упрощённая декларация за полугодие"
    assert len(interactive["action"]["button"]) <= limits.MAX_LIST_BUTTON


def test_a_title_too_long_for_a_button_moves_three_choices_to_a_list() -> None:
    assert choice_mode(buttons("Да", "Изменить сумму дохода")[0]) == "list"  # type: ignore[arg-type]
    assert choice_mode(list(buttons("Да", "Нет")[0])) == "buttons"


def test_beyond_ten_choices_or_unshortenable_titles_are_numbered_text() -> None:
    many = [f"Вариант {i}" for i in range(1, 13)]
    steps = plan(Reply(text="Выберите", buttons=buttons(*many)))
    assert steps[-1].body["type"] == "text"
    assert "12. Вариант 12" in steps[-1].body["text"]["body"]
    assert steps[-1].choices == {str(i + 1): f"p:{i}" for i in range(12)}
    assert choice_mode(list(buttons("Оңайлатылғандекларацияныңнысаныбойынша")[0])) == "numbered"


def test_attachments_follow_the_text_and_remainder_keeps_what_is_left() -> None:
    image = Attachment("image", "chart.png", "image/png", b"\x89PNG", caption="График")
    reply = Reply(text="Сводка", buttons=buttons("Налоги"), attachments=(image,))
    steps = plan(reply)
    assert [s.kind for s in steps] == ["message", "media"]
    rest = remainder(reply, steps[1:])
    assert rest.attachments == (image,)
    assert rest.buttons == ()
    whole = remainder(reply, steps)
    assert whole.text == "Сводка"
    assert whole.buttons == reply.buttons


class ChoicesEngine:
    """Offers twelve choices, then reports what came back."""

    def __init__(self) -> None:
        self.events: list[InputEvent] = []

    async def handle(self, event: InputEvent) -> Sequence[Reply]:
        self.events.append(event)
        if len(self.events) == 1:
            return [Reply(text="Какой месяц?", buttons=buttons(*[f"Месяц {i}" for i in range(1, 13)]))]
        return [Reply(text="ок")]


async def test_a_typed_number_answers_the_numbered_choice_once() -> None:
    engine = ChoicesEngine()
    stack = await WhatsAppStack.start(engine)  # type: ignore[arg-type]
    try:
        person = stack.person("ru")
        chat = stack.chat(person)
        await chat.say("привет")
        assert "11. Месяц 11" in chat.text
        await chat.say("11")
        event = engine.events[-1]
        assert isinstance(event, ButtonEvent)
        assert event.payload == "p:10"
        await chat.say("11")  # the offer was used: now it is just text
        assert not isinstance(engine.events[-1], ButtonEvent)
    finally:
        await stack.close()


async def test_a_list_row_pick_comes_back_as_the_buttons_payload() -> None:
    class ListEngine(ChoicesEngine):
        async def handle(self, event: InputEvent) -> Sequence[Reply]:
            self.events.append(event)
            return [Reply(text="Какой?", buttons=buttons("Один", "Два", "Три", "Четыре"))]

    engine = ListEngine()
    stack = await WhatsAppStack.start(engine)  # type: ignore[arg-type]
    try:
        chat = stack.chat(stack.person("ru"))
        await chat.say("привет")
        await chat.press("Четыре")
        event = engine.events[-1]
        assert isinstance(event, ButtonEvent)
        assert event.payload == "p:3"
        assert event.message_ref is not None
    finally:
        await stack.close()
