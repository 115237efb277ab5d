"""Names of computed lines in Russian and Kazakh (for the trace and the chat)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "opv": ("ОПВ", "МЗЖ"),
    "opvr": ("ОПВР", "МЗЖЖ"),
    "so": ("СО", "ӘА"),
    "vosms": ("ВОСМС", "МӘМС жарналары"),
    "osms": ("ОСМС", "МӘМС"),
    "oosms": ("ООСМС", "МӘМС аударымдары"),
    "deduction": ("Вычет", "Шегерім"),
    "ipn": ("ИПН", "ЖТС"),
    "net": ("На руки", "Қолға"),
    "social_tax": ("Социальный налог", "Әлеуметтік салық"),
    "910.00.001": ("910.00.001 доход", "910.00.001 табыс"),
    "910.00.005": ("910.00.005 исчисленные налоги", "910.00.005 есептелген салықтар"),
    "910.00.006": ("910.00.006 уменьшение", "910.00.006 азайту"),
    "910.00.007": ("910.00.007 налоги после уменьшения", "910.00.007 азайтудан кейінгі салықтар"),
    "910.00.008": ("910.00.008 ИПН", "910.00.008 ЖТС"),
    "910.00.009": ("910.00.009 социальный налог", "910.00.009 әлеуметтік салық"),
}


def label(key: str) -> tuple[str, str]:
    """(ru, kk) name of a line; per-place lines ``place:<id>`` and unknown keys fall back to the key."""
    if key.startswith("place:"):
        place = key.split(":", 1)[1]
        return f"ИПН по месту {place}", f"{place} орны бойынша ЖТС"
    return LABELS.get(key, (key, key))
