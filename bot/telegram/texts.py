"""The few texts the Telegram front end says on its own (the dialog engine says everything else).

They cover what happens before or around the engine: an apology after a failure, a file over the size cap, a kind of
message the bot does not read. Russian is the fallback; Kazakh when the user's Telegram ``language_code`` is ``kk``.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["ru", "kk"]

_TEXTS: dict[str, dict[Lang, str]] = {
    "apology": {
        "ru": "Извините, что-то пошло не так. Попробуйте ещё раз чуть позже. Код ошибки: {cid}",
        "kk": "Кешіріңіз, бірдеңе дұрыс болмады. Сәл кейінірек қайталап көріңіз. Қате коды: {cid}",
    },
    "file_too_big": {
        "ru": "Файл слишком большой: можно до {mb} МБ. Пришлите файл поменьше.",
        "kk": "Файл тым үлкен: {mb} МБ-қа дейін болады. Кішірек файл жіберіңіз.",
    },
    "unsupported": {
        "ru": "Я понимаю текст, кнопки, документы и фото. Напишите, пожалуйста, словами.",
        "kk": "Мен мәтінді, батырмаларды, құжаттар мен фотоны түсінемін. Сөзбен жазыңызшы.",
    },
    "delete_yourself": {
        "ru": "Не удалось удалить ваше сообщение с ключом или паролем — удалите его, пожалуйста, сами.",
        "kk": "Кілт не құпиясөз бар хабарламаңызды өшіре алмадым — оны өзіңіз өшіріңізші.",
    },
    "cmd_start": {"ru": "Начать", "kk": "Бастау"},
    "cmd_help": {"ru": "Помощь", "kk": "Көмек"},
    "cmd_taxes": {"ru": "Налоги", "kk": "Салықтар"},
    "cmd_deadlines": {"ru": "Сроки", "kk": "Мерзімдер"},
    "cmd_income": {"ru": "Доходы", "kk": "Кірістер"},
    "cmd_settings": {"ru": "Настройки", "kk": "Баптаулар"},
}


def language_of(language_code: str | None) -> Lang:
    """The user's language from Telegram's ``language_code`` (``kk``/``kk-KZ`` → Kazakh, anything else → Russian)."""
    return "kk" if (language_code or "").lower().startswith("kk") else "ru"


def text(key: str, lang: Lang, **values: object) -> str:
    """One text in one language, formatted."""
    return _TEXTS[key][lang].format(**values)
