"""The documents conversation as a reusable scenario: an invoice from one message → the preview → «Выставить» →
the PDF → «Акт» → its PDF → «мои документы».

Needs an onboarded chat (``dialogs.testing.onboarding_scenario``) and ``EffectServices.documents`` bound to SQL
storage (``dialogs.adapters.documents.core_document_ports()``); no sandbox. A buyer with a new БИН is used, so the
scenario runs on a fresh user; the ФИО is asked when the profile has none.
"""

from __future__ import annotations

from dialogs.testing import ScriptedChat

#: a БИН with a valid check digit (the buyer of the scenario)
BUYER_BIN = "060240000017"

WORDS: dict[str, dict[str, str]] = {
    "ru": {
        "invoice": "выстави счёт ТОО Альфа на 250 000 за разработку сайта",
        "name_q": "фамилия, имя и отчество",
        "bin_q": "БИН или ИИН покупателя",
        "check_digit": "контрольной цифры",
        "bank_q": "банковский счёт",
        "no_bank": "Без реквизитов",
        "preview": "Выставлю только после",
        "issue": "Выставить",
        "issued": "PDF во вложении",
        "pdf_title": "Счёт на оплату",
        "words": "двести пятьдесят тысяч",
        "description": "Разработка сайта",
        "act": "Акт",
        "paid": "Оплачен",
        "esf": "ЭСФ",
        "act_preview": "Акт выполненных работ по счёту № 1",
        "act_pdf": "АКТ ВЫПОЛНЕННЫХ РАБОТ",
        "act_by_number": "акт по счёту №1",
        "act_exists": "уже выставлен",
        "yes_record": "Да, записать",
        "recorded": "Записано",
        "already_recorded": "уже записан",
        "list": "мои документы",
        "listed": "Счёт № 1",
    },
    "kk": {
        "invoice": "ЖШС Альфаға сайт әзірлеу үшін 250 000 теңгеге шот жаз",
        "name_q": "тегіңіз, атыңыз",
        "bin_q": "Сатып алушының БСН-і",
        "check_digit": "бақылау цифрынан",
        "bank_q": "банк шотыңыз",
        "no_bank": "Деректемесіз",
        "preview": "Тек сіз растағаннан кейін",
        "issue": "Жазу",
        "issued": "PDF қосымшада",
        "pdf_title": "төлем шоты",
        "words": "екі жүз елу мың",
        "description": "Сайт",
        "act": "Акт",
        "paid": "Төленді",
        "esf": "ЭШФ",
        "act_preview": "№ 1 шот бойынша орындалған жұмыстар актісі",
        "act_pdf": "ОРЫНДАЛҒАН ЖҰМЫСТАР",
        "act_by_number": "№1 шот бойынша акт",
        "act_exists": "бұрын жазылған",
        "yes_record": "Иә, жазу",
        "recorded": "Жазылды",
        "already_recorded": "бұрын жазылған",
        "list": "менің құжаттарым",
        "listed": "Шот № 1",
    },
}


async def documents_scenario(chat: ScriptedChat, lang: str) -> None:
    """One message → (ФИО) → БИН → (no bank account) → preview → «Выставить» → PDF → «Акт» → PDF → the list."""
    w = WORDS[lang]
    await chat.say(w["invoice"])
    if w["name_q"].lower() in chat.text.lower():
        await chat.say("Иванов Иван Иванович")
    if w["bin_q"].lower() in chat.text.lower():
        await chat.say(BUYER_BIN)
    if "сайт" not in chat.text.lower() and w["preview"].lower() not in chat.text.lower():
        await chat.say("Сайт әзірлеу" if lang == "kk" else "Разработка сайта")
    if w["no_bank"].lower() in " ".join(b.text for b in chat.buttons).lower():
        await chat.press(w["no_bank"])
    chat.expect(w["preview"], "250 000")
    await chat.press(w["issue"])
    chat.expect(w["issued"])
    assert chat.replies[0].attachments, "the invoice PDF"
    await chat.press(w["act"])
    chat.expect(w["act_preview"])
    await chat.press(w["issue"])
    assert chat.replies[0].attachments, "the act PDF"
    await chat.say("/docs")
    chat.expect(w["listed"])
