"""Requisites an order needs besides the tax engine's ``payment_requisites``: tax offices (УГД) by place, КОд/КБе,
KNP of the platform fee and own transfers (``payment_codes.*``), and the platform's own requisites (settings).

The platform's requisites are settings (``PLATFORM_NAME``, ``PLATFORM_BIN``, ``PLATFORM_IBAN``, ``PLATFORM_BIC``,
``PLATFORM_KBE``, ``PLATFORM_BANK``; ``PAYER_PLACEHOLDER_IBAN``/``_BIC`` stand in for a payer account not given).
Their defaults are safe placeholders: a synthetic BIN and synthetic accounts with valid check digits that belong to
nobody; an order built on them carries ``platform.placeholder`` in ``verify`` so nothing is paid to them by mistake.
Set the real values in the environment before taking money.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from core.rules import parameters


class UnknownTaxOfficeError(ValueError):
    """No УГД is known for the place: the user must give the office's BIN (bad input, not a crash)."""

    def __init__(self, place: str) -> None:
        super().__init__(f"no tax office (УГД) known for place {place!r}; give the office BIN")
        self.place = place
        self.text_ru = f"Не знаю УГД для «{place}». Укажите БИН своего УГД (он есть в кабинете налогоплательщика)."
        self.text_kk = f"«{place}» үшін МКБ белгісіз. Өз МКБ-ңіздің БСН-ін көрсетіңіз (салық төлеушінің кабинетінде)."


@dataclass(frozen=True, slots=True)
class TaxOffice:
    """A state revenue office (УГД/ДГД) receiving taxes: name, BIN, KNO code (when known), doubtful paths."""

    name: str
    bin: str
    kno: str | None = None
    verify: tuple[str, ...] = ()


def tax_office(place: str, on: dt.date) -> TaxOffice:
    """The УГД for an ИП registered at ``place`` (a ``payment_codes.ugd`` id such as ``astana``) on ``on``."""
    tree = parameters()
    prefix = f"payment_codes.ugd.{place}"
    if f"{prefix}.bin" not in tree:
        raise UnknownTaxOfficeError(place)
    name, bin_ = tree.at(f"{prefix}.name", on), tree.at(f"{prefix}.bin", on)
    kno = tree.at(f"{prefix}.kno", on) if f"{prefix}.kno" in tree else None
    used = tuple(v.path for v in (name, bin_, kno) if v is not None and v.verify)
    return TaxOffice(str(name.value), str(bin_.value), None if kno is None else str(kno.value), used)


def known_tax_offices() -> list[str]:
    """Place ids with a known УГД."""
    return sorted({p.split(".")[2] for p in parameters().paths("payment_codes.ugd.")})


def code(path: str, on: dt.date) -> tuple[str, bool]:
    """A ``payment_codes.*`` value as text, and whether it is flagged verify."""
    value = parameters().at(f"payment_codes.{path}", on)
    return str(value.value), value.verify


class PlatformSettings(BaseSettings):
    """The platform's own requisites as beneficiary of the monthly fee (placeholders until configured)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    PLATFORM_NAME: str = "ТОО «asistent» (реквизиты не настроены)"
    PLATFORM_BIN: str = "240140000120"  # synthetic, valid check digit (integrations.md §6.1)
    PLATFORM_IBAN: str = "KZ72722S000000000001"  # synthetic, valid mod-97, nobody's account
    PLATFORM_BIC: str = "CASPKZKA"
    PLATFORM_KBE: str = "17"
    PLATFORM_BANK: str = "АО «Kaspi Bank»"
    #: days from a fee invoice's issue to its due date
    PLATFORM_FEE_DUE_DAYS: int = 10
    #: the payer account written into files when the user gave none (CLI without --iban): synthetic, nobody's
    PAYER_PLACEHOLDER_IBAN: str = "KZ41722C000000000001"
    PAYER_PLACEHOLDER_BIC: str = "CASPKZKA"

    @property
    def placeholder(self) -> bool:
        """True while the account or BIN are still the documented placeholders."""
        defaults = PlatformSettings.model_fields
        iban: str = defaults["PLATFORM_IBAN"].default
        bin_: str = defaults["PLATFORM_BIN"].default
        return iban == self.PLATFORM_IBAN or bin_ == self.PLATFORM_BIN


@lru_cache(maxsize=1)
def platform_settings() -> PlatformSettings:
    """The process-wide platform requisites (read once)."""
    return PlatformSettings()
