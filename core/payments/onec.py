"""1CClientBankExchange export of payment orders (integrations.md §5.4) for import into a bank's client.

Windows-1251 text of ``key=value`` lines: the header, then one ``СекцияДокумент=Платежное поручение`` …
``КонецДокумента`` per order, then ``КонецФайла``. Kazakh bank keys for КОд/КБе/КНП/КБК vary by bank ([G]); the
common names are used. Windows-1251 has no Kazakh letters ә ғ қ ң ө ұ ү һ, so they are written as the nearest Russian
letters (the same thing the banks' own exports do); Russian text is unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from core.payments.model import PaymentOrder

ENCODING = "cp1251"
_KAZAKH = str.maketrans("әғқңөұүһӘҒҚҢӨҰҮҺ", "агкноуухАГКНОУУХ")


def _date(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def _document(order: PaymentOrder) -> list[str]:
    payer, ben = order.payer, order.beneficiary
    return [
        "СекцияДокумент=Платежное поручение",
        f"Номер={order.number}",
        f"Дата={_date(order.date)}",
        f"ДатаВалютирования={_date(order.value_date)}",
        f"Сумма={order.amount:.2f}",
        f"ПлательщикСчет={payer.iban}",
        f"Плательщик={payer.name}",
        f"ПлательщикБИН={payer.idn}",
        f"ПлательщикБИК={payer.bic}",
        f"ПлательщикКОд={payer.code}",
        f"ПолучательСчет={ben.iban}",
        f"Получатель={ben.name}",
        f"ПолучательБИН={ben.idn}",
        f"ПолучательБИК={ben.bic}",
        f"ПолучательКБе={ben.code}",
        f"КодНазначенияПлатежа={order.knp}",
        f"КБК={order.kbk or ''}",
        f"НазначениеПлатежа={order.purpose_ru}",
        "КонецДокумента",
    ]


def onec_text(orders: Sequence[PaymentOrder], *, created: dt.datetime, sender: str = "asistent") -> str:
    """The export as text (one payer account: the first order's)."""
    if not orders:
        raise ValueError("nothing to export")
    dates = [o.date for o in orders]
    lines = [
        "1CClientBankExchange",
        "ВерсияФормата=1.03",
        "Кодировка=Windows",
        f"Отправитель={sender}",
        "Получатель=",
        f"ДатаСоздания={_date(created.date())}",
        f"ВремяСоздания={created:%H:%M:%S}",
        f"ДатаНачала={_date(min(dates))}",
        f"ДатаКонца={_date(max(dates))}",
        f"РасчСчет={orders[0].payer.iban}",
        "Документ=Платежное поручение",
    ]
    for order in orders:
        lines += _document(order)
    lines.append("КонецФайла")
    return "\r\n".join(lines) + "\r\n"


def onec_bytes(orders: Sequence[PaymentOrder], *, created: dt.datetime, sender: str = "asistent") -> bytes:
    """The export encoded in Windows-1251 (Kazakh letters transliterated)."""
    text = onec_text(orders, created=created, sender=sender).translate(_KAZAKH)
    return text.encode(ENCODING, errors="replace")
