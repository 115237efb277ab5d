"""Warnings a calculator attaches to a result (codes are a stable contract: add, never rename)."""

from __future__ import annotations

from decimal import Decimal

from core.explain import CalcWarning, format_amount, format_share


def limit_usage(level: int, used: Decimal, limit: Decimal, regime_ru: str, regime_kk: str) -> CalcWarning:
    """``limit_50``/``limit_80``/``limit_95`` or ``limit_exceeded`` (level 100) for a regime's income limit."""
    if level >= 100:  # the 100 % level is the limit itself
        return CalcWarning(
            "limit_exceeded",
            f"Доход {format_amount(used)} превысил предел режима «{regime_ru}» {format_amount(limit)}.",
            f"Табыс {format_amount(used)} «{regime_kk}» режимінің шегінен {format_amount(limit)} асты.",
        )
    return CalcWarning(
        f"limit_{level}",
        f"Использовано {level} % предела режима «{regime_ru}»: {format_amount(used)} из {format_amount(limit)}.",
        f"«{regime_kk}» режимі шегінің {level} % пайдаланылды: {format_amount(used)} / {format_amount(limit)}.",
    )


def vat_threshold(turnover: Decimal, threshold: Decimal) -> CalcWarning:
    """The year's turnover reached the VAT registration threshold."""
    return CalcWarning(
        "vat_threshold",
        f"Оборот за год {format_amount(turnover)} достиг порога НДС {format_amount(threshold)}: "
        "нужна постановка на учёт.",
        f"Жылдық айналым {format_amount(turnover)} ҚҚС шегіне {format_amount(threshold)} жетті: есепке тұру қажет.",
    )


def default_rate_used(place_ru: str, place_kk: str, rate: Decimal) -> CalcWarning:
    """No maslikhat decision is known for the place: the base rate is used."""
    return CalcWarning(
        "default_rate_used",
        f"Для «{place_ru}» решение маслихата о ставке не известно — применена базовая ставка {format_share(rate)}.",
        f"«{place_kk}» үшін мәслихаттың мөлшерлеме туралы шешімі белгісіз — базалық {format_share(rate)} қолданылды.",
    )


def no_place(rate: Decimal) -> CalcWarning:
    """No place of activity was given: the base rate is used."""
    return CalcWarning(
        "default_rate_used",
        f"Место деятельности не указано — применена базовая ставка {format_share(rate)}.",
        f"Қызмет орны көрсетілмеген — базалық {format_share(rate)} мөлшерлеме қолданылды.",
    )


def employees_exceeded(employees: int, limit: int) -> CalcWarning:
    """More employees than the regime allows (2024–25: 30 including the ИП)."""
    return CalcWarning(
        "employees_exceeded",
        f"Численность {employees} больше предела режима ({limit}, включая ИП).",
        f"Қызметкерлер саны {employees} режим шегінен ({limit}, ЖК-ні қоса) көп.",
    )
