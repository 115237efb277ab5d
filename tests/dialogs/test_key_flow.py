"""The key kept by the service, from the chat, on SQLite and PostgreSQL: the real NCA test key (RSA) kept in test mode
and then signing the 910.00 «Сохранённым ключом»; nothing secret anywhere in the database; wrong passwords; GOST,
test, expired and revoked keys refused with the policy's words; another person's key; removal on request and by
erasure; the file and the password messages marked for deletion."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import storage
from core.storage import Database, Effect, SecretBlob
from core.storage.models import Base
from dialogs.adapters.keys import SqlKeyKeeper
from dialogs.contract import Reply
from dialogs.effects.key_ports import KeyPorts
from dialogs.effects.ports import EffectServices, FilingPorts
from dialogs.engine import Engine
from dialogs.i18n import Translator
from dialogs.scenarios.keys import keys_scenario
from dialogs.services import (
    CabinetAdapter,
    CoreCalendar,
    CoreConsultant,
    CorePlaces,
    CoreTaxes,
    EgovPhoneSigning,
    default_interpreter,
)
from dialogs.sql_store import SqlStores
from dialogs.testing import VALID_IIN, ScriptedChat, onboarding_scenario
from integrations.signing import CertificatePolicy, verify_xml
from integrations.signing.egov_mobile import EgovMobileService
from integrations.signing.revocation import SandboxOcsp
from integrations.tax_cabinet import LocalTaxCabinet, ManualClock, SandboxCabinet
from tests.dialogs.conftest import NOW, SECRET, chat_for
from tests.integrations.signing.keys import (
    GOST_2015,
    GOST_2015_PASSWORD,
    RSA_PASSWORD,
    SIGN_REVOKED,
    TEST_IIN,
    VALID_SIGN,
    make_ca,
    make_p12,
)

LANGS = ("ru", "kk")
MASTER = bytes(range(1, 33))
P12 = VALID_SIGN.read_bytes()
MIME = "application/x-pkcs12"


@dataclass
class Rig:
    database: Database
    clock: ManualClock
    sandbox: SandboxCabinet
    services: EffectServices
    policy: CertificatePolicy

    def engine(self) -> Engine:
        return Engine(SqlStores(self.database), self.services, SECRET)


def _rig(database: Database, *, test_mode: bool) -> Rig:
    clock = ManualClock(NOW)
    policy = CertificatePolicy(allow_test_keys=test_mode, clock=clock.now)
    keeper = SqlKeyKeeper(MASTER, policy)
    sandbox = SandboxCabinet(test_mode=test_mode, clock=clock)
    egov = EgovMobileService("https://bot.example/egov", policy, clock=clock.now)
    filing = FilingPorts(CabinetAdapter(LocalTaxCabinet(sandbox)), EgovPhoneSigning(egov), keeper, test_mode)
    services = EffectServices(
        interpreter=default_interpreter(),
        taxes=CoreTaxes(),
        places=CorePlaces(),
        calendar=CoreCalendar(),
        consultant=CoreConsultant(),
        filing=filing,
        keys=KeyPorts(keeper),
    )
    return Rig(database, clock, sandbox, services, policy)


@pytest.fixture
def rig(database: Database) -> Rig:
    """Test mode (``ALLOW_TEST_KEYS``): the NCA test keys and the test ИИН are accepted."""
    return _rig(database, test_mode=True)


@pytest.fixture
def production(database: Database) -> Rig:
    return _rig(database, test_mode=False)


async def _user_id(database: Database, chat: ScriptedChat) -> int:
    async with database.session() as session:
        binding = await storage.find_binding(session, chat.channel, chat.chat_id)
        assert binding is not None
        return binding.user_id


async def ready(rig: Rig, lang: str, *, iin: str | None = TEST_IIN, chat_id: str = "1001") -> tuple[ScriptedChat, int]:
    """An onboarded chat whose profile carries ``iin`` (the NCA test ИИН cannot be typed in: set as by test data)."""
    chat = chat_for(rig.engine(), lang, chat_id=chat_id)
    await onboarding_scenario(chat, lang)
    user = await _user_id(rig.database, chat)
    if iin is not None:
        async with rig.database.transaction() as session:
            await storage.update_profile(session, user, iin=iin, allow_test_iin=True)
    return chat, user


async def to_password(chat: ScriptedChat, lang: str, p12: bytes = P12, name: str = "RSA256_test.p12") -> None:
    t = Translator(lang).t  # type: ignore[arg-type]
    await chat.say("/key")
    await chat.press(t("I understand, keep it"))
    await chat.send_file(name, MIME, p12)
    assert chat.replies[0].delete_incoming
    chat.expect(t("Now the key's password, in one message."))


async def secrets_rows(database: Database) -> list[SecretBlob]:
    async with database.session() as session:
        return list((await session.scalars(select(SecretBlob).order_by(SecretBlob.id))).all())


async def every_row_as_text(database: Database) -> str:
    """Every column of every table (bytes as hex and latin-1), to grep for a secret."""
    parts: list[str] = []
    async with database.session() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        raw = bytes(value)
                        parts += [raw.hex(), raw.decode("latin-1")]
                    else:
                        parts.append(json.dumps(value, default=str, ensure_ascii=False))
    return "\n".join(parts)


async def audit(database: Database, user: int) -> list[tuple[str, dict[str, object]]]:
    async with database.session() as session:
        return [(a.action, dict(a.details or {})) for a in await storage.audit_of(session, user)]


@pytest.mark.parametrize("lang", LANGS)
async def test_keep_the_nca_test_key_then_file_with_it(rig: Rig, lang: str) -> None:
    t = Translator(lang).t  # type: ignore[arg-type]
    chat, user = await ready(rig, lang)
    await chat.say("/key")
    chat.expect("2025", "eGov mobile")
    assert any(b.text == t("I understand, keep it") for b in chat.buttons)
    assert not chat.replies[0].delete_incoming
    await chat.press(t("I understand, keep it"))
    chat.expect(".p12")
    await chat.send_file("RSA256_test.p12", MIME, P12)
    assert chat.replies[0].delete_incoming
    await chat.say(RSA_PASSWORD)
    reply = chat.replies[0]
    assert reply.delete_incoming
    chat.expect(t("The key is saved: {facts}", facts="")[:12], TEST_IIN, "ТЕСТОВ", "18.01.2022")
    # stored sealed: no key, no password anywhere in the database (state, audit, outbox, effects, the row itself)
    (row,) = await secrets_rows(rig.database)
    assert row.purpose == "signing_key"
    assert row.meta["serial"] == "4279390A141F5353A62947B61ED65E81741467D1"
    assert row.meta["iin"] == TEST_IIN
    dump = await every_row_as_text(rig.database)
    assert RSA_PASSWORD not in dump
    assert RSA_PASSWORD.encode("utf-16-be").decode("latin-1") not in dump
    assert P12[100:140].hex() not in dump
    assert P12[100:140].decode("latin-1") not in dump
    actions = [a for a, _ in await audit(rig.database, user)]
    assert actions.count("key.acknowledged") == 1
    assert actions.count("key.stored") == 1
    # the filing flow offers «Сохранённым ключом», confirmed for this declaration, and the signature verifies
    async with rig.database.transaction() as session:
        await storage.add_income(session, user, Decimal(3_000_000), dt.date(2026, 3, 10), "k:1")
    words = {"ru": ("Подписать", "Сохранённым"), "kk": ("Қол қойып", "Сақталған")}[lang]
    await chat.say("/file")
    await chat.say("Тестов Тест Тестович")
    await chat.press(words[0])
    await chat.press(words[1])
    chat.expect(t("Accepted, No. {number}.", number="")[:8])
    async with rig.database.session() as session:
        effect = (await session.scalars(select(Effect))).one()
    result = verify_xml(str(effect.result["signed_xml"]).encode("utf-8"), rig.policy)
    assert result.valid, result.errors
    assert result.signer is not None
    assert result.signer.iin == TEST_IIN
    assert len(rig.sandbox._records) == 1
    uses = [d for a, d in await audit(rig.database, user) if a == "signature.kept_key"]
    assert uses == [{"document_id": f"effect-{effect.id}", "purpose": "declaration", "serial": row.meta["serial"]}]
    assert RSA_PASSWORD not in await every_row_as_text(rig.database)


async def test_the_password_step_is_not_parsed(rig: Rig) -> None:
    """«нет» or «/help» while the password is awaited are tried as the password (and deleted), never a command."""
    chat, _ = await ready(rig, "ru")
    await to_password(chat, "ru")
    for attempt in ("нет",):
        await chat.say(attempt)
        assert chat.replies[0].delete_incoming
        chat.expect("Неверный пароль", "осталось попыток: 2")
    await chat.say(RSA_PASSWORD)
    chat.expect("Ключ сохранён")


@pytest.mark.parametrize("lang", LANGS)
async def test_three_wrong_passwords_destroy_the_upload(rig: Rig, lang: str) -> None:
    t = Translator(lang).t  # type: ignore[arg-type]
    chat, user = await ready(rig, lang)
    await to_password(chat, lang)
    assert [r.purpose for r in await secrets_rows(rig.database)] == ["signing_key_upload"]
    for left in (2, 1):
        await chat.say("Qwerty13")
        assert chat.replies[0].delete_incoming
        chat.expect(t("Wrong password. Send it again (attempts left: {left}).", left=left))
    await chat.say("Qwerty14")
    assert chat.replies[0].delete_incoming
    chat.expect(t("Wrong password again: I destroyed the key file. To start over: /key."))
    assert await secrets_rows(rig.database) == []
    assert ("key.refused", {"code": "bad_password"}) in await audit(rig.database, user)
    await chat.say("Qwerty12")  # the flow is over: an ordinary message now
    assert not chat.replies[0].delete_incoming


@pytest.mark.parametrize("lang", LANGS)
async def test_production_refuses_the_nca_test_key(production: Rig, lang: str) -> None:
    t = Translator(lang).t  # type: ignore[arg-type]
    chat, user = await ready(production, lang, iin=VALID_IIN)
    await to_password(chat, lang)
    await chat.say(RSA_PASSWORD)
    assert chat.replies[0].delete_incoming
    chat.expect(t("This is a test key of the НУЦ РК: it is accepted only in test mode."), t("Nothing is kept."))
    assert await secrets_rows(production.database) == []
    assert ("key.refused", {"code": "test_key"}) in await audit(production.database, user)


@pytest.mark.parametrize("lang", LANGS)
async def test_gost_key_refused_in_production(production: Rig, lang: str) -> None:
    chat, user = await ready(production, lang, iin=VALID_IIN)
    await to_password(chat, lang, GOST_2015.read_bytes(), "GOSTKNCA_test.p12")
    await chat.say(GOST_2015_PASSWORD)
    assert chat.replies[0].delete_incoming
    chat.expect("ГОСТ", "eGov mobile", "RSA256_")
    assert await secrets_rows(production.database) == []
    assert ("key.refused", {"code": "gost_key"}) in await audit(production.database, user)


@pytest.mark.parametrize("lang", LANGS)
async def test_forged_nca_certificate_refused(production: Rig, lang: str) -> None:
    """A key whose certificate only names the НУЦ РК (signed by a look-alike CA) is refused by the chain check."""
    t = Translator(lang).t  # type: ignore[arg-type]
    forged = make_p12(iin=VALID_IIN, password="pw", ca=make_ca())
    chat, user = await ready(production, lang, iin=VALID_IIN)
    await to_password(chat, lang, forged)
    await chat.say("pw")
    chat.expect(
        t(
            "This certificate names the НУЦ РК as its issuer, but the НУЦ РК signature on it does not verify: "
            "it is not a genuine key."
        )
    )
    assert await secrets_rows(production.database) == []
    assert ("key.refused", {"code": "forged_issuer"}) in await audit(production.database, user)


@pytest.mark.parametrize("lang", LANGS)
async def test_expired_key_refused_in_production(production: Rig, lang: str) -> None:
    expired = make_p12(
        iin=VALID_IIN,
        not_before=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        password="pw",
    )
    chat, _ = await ready(production, lang, iin=VALID_IIN)
    await to_password(chat, lang, expired)
    await chat.say("pw")
    chat.expect("01.01.2025", {"ru": "истёк", "kk": "аяқталды"}[lang])
    assert await secrets_rows(production.database) == []


async def test_revoked_key_refused(rig: Rig) -> None:
    chat, _ = await ready(rig, "ru")
    await to_password(chat, "ru", SIGN_REVOKED.read_bytes())
    await chat.say(RSA_PASSWORD)
    chat.expect("отозван")
    assert await secrets_rows(rig.database) == []


async def test_a_key_revoked_after_it_was_kept_stops_signing(database: Database) -> None:
    """The policy is asked again at every use: a kept key revoked since (OCSP) signs nothing."""
    ocsp = SandboxOcsp()
    rig = _rig(database, test_mode=False)
    key = make_p12(iin=VALID_IIN, password="pw", serial=0xBEEF)
    keeper = SqlKeyKeeper(MASTER, CertificatePolicy(revocation=ocsp, clock=rig.clock.now))
    assert rig.services.filing is not None
    rig.services.filing.kept = keeper
    rig.services.keys = KeyPorts(keeper)
    chat, user = await ready(rig, "ru", iin=VALID_IIN)
    await to_password(chat, "ru", key)
    await chat.say("pw")
    chat.expect("Ключ сохранён", VALID_IIN)
    ocsp.revoke("BEEF")
    async with database.transaction() as session:
        await storage.add_income(session, user, Decimal(1_000_000), dt.date(2026, 3, 10), "k:1")
    await chat.say("/file")
    await chat.say("Иванов Иван")
    await chat.press("Подписать")
    await chat.press("Сохранённым")
    chat.expect("revoked")
    refused = [d for a, d in await audit(database, user) if a == "signature.refused"]
    assert [(d["purpose"], d["code"]) for d in refused] == [("declaration", "revoked")]
    assert len(rig.sandbox._records) == 0


@pytest.mark.parametrize("lang", LANGS)
async def test_another_persons_key_is_refused(rig: Rig, lang: str) -> None:
    chat, user = await ready(rig, lang, iin=VALID_IIN)
    await to_password(chat, lang)
    await chat.say(RSA_PASSWORD)
    assert chat.replies[0].delete_incoming
    chat.expect(TEST_IIN, {"ru": "другому человеку", "kk": "басқа адамдікі"}[lang])
    assert await secrets_rows(rig.database) == []
    assert ("key.refused", {"code": "iin_mismatch"}) in await audit(rig.database, user)


@pytest.mark.parametrize("lang", LANGS)
async def test_the_scenario_keeps_and_deletes(rig: Rig, lang: str) -> None:
    chat, user = await ready(rig, lang)
    await keys_scenario(chat, lang, p12=P12, password=RSA_PASSWORD)
    assert await secrets_rows(rig.database) == []
    destroyed = [d for a, d in await audit(rig.database, user) if a == "key.destroyed"]
    assert destroyed == [{"serial": "4279390A141F5353A62947B61ED65E81741467D1", "reason": "request"}]


async def test_erasure_destroys_the_key(rig: Rig) -> None:
    chat, _ = await ready(rig, "ru")
    await to_password(chat, "ru")
    await chat.say(RSA_PASSWORD)
    assert len(await secrets_rows(rig.database)) == 1
    await chat.say("удалить мои данные")
    await chat.press("Да, удалить")
    chat.expect("данные удалены")
    assert await secrets_rows(rig.database) == []


async def test_a_key_file_sent_unasked_is_deleted_and_the_risk_explained(rig: Rig) -> None:
    chat, _ = await ready(rig, "ru")
    await chat.send_file("RSA256_test.p12", "application/octet-stream", P12)
    assert chat.replies[0].delete_incoming
    chat.expect("удалил файл ключа", "2025")
    assert await secrets_rows(rig.database) == []
    await chat.press("Понимаю, сохранить")
    await chat.send_file("statement.pdf", "application/pdf")  # not a key while a key is awaited
    chat.expect("не файл ключа")
    await chat.send_file("key.pfx", "", P12)
    chat.expect("пароль ключа")


async def test_an_upload_waits_for_its_password_only_a_while(rig: Rig) -> None:
    chat, _ = await ready(rig, "ru")
    await to_password(chat, "ru")
    chat.now += dt.timedelta(minutes=16)
    await chat.say(RSA_PASSWORD)
    assert chat.replies[0].delete_incoming
    chat.expect("ждал слишком долго", ".p12")
    assert await secrets_rows(rig.database) == []
    await chat.send_file("RSA256_test.p12", MIME, P12)
    await chat.say(RSA_PASSWORD)
    chat.expect("Ключ сохранён")


async def test_buttons_of_another_user_do_nothing(rig: Rig) -> None:
    owner, _ = await ready(rig, "ru")
    await owner.say("/key")
    ack = next(b for b in owner.buttons if "Понимаю" in b.text)
    stranger, _ = await ready(rig, "ru", chat_id="2002")
    assert await stranger.press_payload(ack.payload) == []
    await owner.press_payload(ack.payload)
    await owner.send_file("RSA256_test.p12", MIME, P12)
    await owner.say(RSA_PASSWORD)
    await owner.say("/key")
    delete = next(b for b in owner.buttons if "Удалить" in b.text)
    assert await stranger.press_payload(delete.payload) == []
    assert len(await secrets_rows(rig.database)) == 1


async def test_cancel_keeps_nothing_and_the_settings_lead_here(rig: Rig) -> None:
    chat, _ = await ready(rig, "ru")
    await chat.say("/settings")
    await chat.press("Ещё")
    await chat.press("Ключ ЭЦП")
    chat.expect("2025")
    await chat.press("Понимаю")
    await chat.send_file("RSA256_test.p12", MIME, P12)
    await chat.say("/cancel")
    assert chat.replies[0].delete_incoming
    chat.expect("Ключ не сохранён")
    assert await secrets_rows(rig.database) == []


def test_button_labels_fit_whatsapp() -> None:
    for lang in LANGS:
        t = Translator(lang).t  # type: ignore[arg-type]
        labels = ("I understand, keep it", "Replace the key", "Delete the key", "Yes, delete the key", "Signing key")
        for label in (*labels, "Cancel"):
            assert len(t(label)) <= 20, (lang, label, t(label))


def test_reply_flag_survives_the_outbox() -> None:
    reply = Reply(text="x", delete_incoming=True)
    assert Reply.from_dict(reply.to_dict()).delete_incoming
    assert not Reply.from_dict({"text": "old row"}).delete_incoming


async def test_a_failure_at_the_password_still_deletes_it(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    chat, _ = await ready(rig, "ru")
    await to_password(chat, "ru")
    assert rig.services.keys is not None

    def broken(p12: bytes, password: str) -> object:
        raise RuntimeError("the container library crashed")

    monkeypatch.setattr(rig.services.keys.keeper, "check", broken)
    await chat.say(RSA_PASSWORD)
    (apology,) = chat.replies
    assert apology.delete_incoming
    assert "Traceback" not in apology.text
    assert RSA_PASSWORD not in apology.text


async def test_a_password_sent_twice_is_deleted_again(rig: Rig) -> None:
    """Telegram removes the password at once, so it may look lost and be sent again: the repeat is deleted too."""
    chat, _ = await ready(rig, "ru")
    await to_password(chat, "ru")
    await chat.say(RSA_PASSWORD)
    chat.expect("Ключ сохранён")
    await chat.say(RSA_PASSWORD)
    assert chat.replies[0].delete_incoming
    chat.expect("пароль я снова удалил")
    await chat.say(RSA_PASSWORD)  # the moment has passed: an ordinary message now
    assert not any(r.delete_incoming for r in chat.replies)
    await chat.say("/key")
    await chat.press("Заменить ключ")
    await chat.press("Понимаю, сохранить")
    await chat.send_file("RSA256_test.p12", MIME, P12)
    await chat.say(RSA_PASSWORD)
    chat.expect("Ключ сохранён")
    assert len(await secrets_rows(rig.database)) == 1
    await chat.say("/deadlines")  # anything else right after is routed as usual
    chat.expect("910.00")
    assert not chat.replies[0].delete_incoming


async def test_cancel_at_the_password_destroys_the_upload(rig: Rig) -> None:
    chat, _ = await ready(rig, "ru")
    await to_password(chat, "ru")
    await chat.press("Отмена")
    chat.expect("Ключ не сохранён")
    assert await secrets_rows(rig.database) == []
    await chat.say(RSA_PASSWORD)  # no longer awaited: an ordinary message
    assert not chat.replies[0].delete_incoming
