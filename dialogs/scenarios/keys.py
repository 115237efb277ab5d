"""The key kept by the service, the same words on every channel: /key → the risk explained → «Понимаю, сохранить»
→ the ``.p12`` → its password (a wrong one first) → «Ключ сохранён» → /key shows it → «Удалить ключ» → deleted.

Needs an engine with ``EffectServices.keys`` (``dialogs.adapters.keys.SqlKeyKeeper``) over a database, a profile
whose ИИН is the key's (the NCA test key needs test mode and the test ИИН in the profile), and the key file and its
password (``p12`` / ``password``): the dialogs do not read the reference keys themselves.
"""

from __future__ import annotations

from dialogs.i18n import Lang, Translator
from dialogs.testing import ScriptedChat

WRONG_PASSWORD = "not-the-password"  # noqa: S105 — a deliberately wrong password


def _t(lang: str) -> Translator:
    code: Lang = "kk" if lang == "kk" else "ru"
    return Translator(code)


async def keys_scenario(
    chat: ScriptedChat, lang: str, *, p12: bytes, password: str, file_name: str = "RSA256_key.p12"
) -> None:
    """Keep the key, then delete it. Whether the file and password messages were deleted is the channel's to check
    (``Reply.delete_incoming`` on the engine, the emulator's chat on Telegram)."""
    t = _t(lang).t
    await chat.say("/key")
    chat.expect("2025")
    await chat.press(t("I understand, keep it"))
    chat.expect(".p12")
    await chat.send_file(file_name, "application/x-pkcs12", p12)
    chat.expect(t("Now the key's password, in one message."))
    await chat.say(WRONG_PASSWORD)
    chat.expect(t("Wrong password. Send it again (attempts left: {left}).", left=2))
    await chat.say(password)
    chat.expect(t("The key is saved: {facts}", facts="")[:12])
    await chat.say("/key")
    chat.expect(t("A key is kept with me:"))
    await chat.press(t("Delete the key"))
    await chat.press(t("Yes, delete the key"))
    chat.expect(t("The key is deleted."))
