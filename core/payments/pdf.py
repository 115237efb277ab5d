"""A PDF of a payment order for the user (fpdf2, the DejaVu Sans font embedded so Cyrillic and Kazakh letters render on
any machine — the font and its licence live in ``core/fonts``).

Layout of the Kazakh paper form: title and number, date; payer, beneficiary and their banks with ИИН/БИН, ИИК, BIC,
КОд/КБе; amount in figures and in words (Russian and Kazakh); KNP, KBK, value date, period; purpose; for social
payments the list of persons; signature lines. Output is deterministic for the same order (fixed creation date).
"""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from core.explain import format_amount
from core.fonts import FONTS_DIR
from core.payments.model import PaymentOrder
from core.payments.texts import amount_in_words

FONTS = FONTS_DIR
FONT = "DejaVu"
WIDTH = 180.0  # A4 minus 15 mm margins
ROW = 6.0
LABEL = 56.0
LABEL_LINE = 4.0


def _font(pdf: FPDF, size: float, bold: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)


def _lines(pdf: FPDF, width: float, text: str) -> int:
    lines = pdf.multi_cell(width, ROW, text, dry_run=True, output=MethodReturnValue.LINES)
    return max(1, len(lines)) if isinstance(lines, list) else 1


def _row(pdf: FPDF, label: str, value: str) -> None:
    """A bordered label/value row; both wrap, the row is as tall as the taller one."""
    _font(pdf, 7.5)
    label_lines = _lines(pdf, LABEL, label)
    _font(pdf, 9)
    value_lines = _lines(pdf, WIDTH - LABEL, value)
    height = max(label_lines * LABEL_LINE, value_lines * ROW)
    if pdf.will_page_break(height):
        pdf.add_page()
    x, y = pdf.get_x(), pdf.get_y()
    pdf.rect(x, y, LABEL, height)
    pdf.rect(x + LABEL, y, WIDTH - LABEL, height)
    _font(pdf, 7.5)
    pdf.multi_cell(LABEL, LABEL_LINE, label, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.set_xy(x + LABEL, y)
    _font(pdf, 9)
    pdf.multi_cell(WIDTH - LABEL, ROW, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.TOP)
    pdf.set_xy(x, y + height)


def _party(pdf: FPDF, title: str, name: str, idn: str, iban: str, code_label: str, code: str) -> None:
    _row(pdf, title, name)
    _row(pdf, "ИИН/БИН / ЖСН/БСН", idn)
    _row(pdf, "ИИК (IBAN) / ЖСК", iban)
    _row(pdf, code_label, code)


def _persons(pdf: FPDF, order: PaymentOrder) -> None:
    pdf.ln(3)
    _font(pdf, 10, bold=True)
    pdf.cell(WIDTH, ROW, "Список лиц / Тұлғалар тізімі", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _font(pdf, 8)
    align = ("RIGHT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT")
    with pdf.table(col_widths=(8, 26, 70, 24, 20, 32), text_align=align) as table:
        table.row(("№", "ИИН", "ФИО", "Дата рождения", "Период", "Сумма"))
        for index, person in enumerate(order.persons, start=1):
            table.row(
                (
                    str(index),
                    person.iin,
                    person.full_name,
                    person.birth_date.strftime("%d.%m.%Y"),
                    person.period,
                    format_amount(person.amount),
                )
            )


def order_pdf(order: PaymentOrder) -> bytes:
    """The order as a one- or two-page A4 PDF."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime.combine(order.date, dt.time(), tzinfo=dt.UTC))
    pdf.set_title(f"Платёжное поручение № {order.number}")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    title = "МАССОВОЕ ПЛАТЁЖНОЕ ПОРУЧЕНИЕ" if order.persons else "ПЛАТЁЖНОЕ ПОРУЧЕНИЕ"
    _font(pdf, 13, bold=True)
    pdf.cell(WIDTH, 8, f"{title} № {order.number}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _font(pdf, 9)
    pdf.cell(WIDTH, 5, "Төлем тапсырмасы", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(WIDTH, 6, f"Дата / Күні: {order.date:%d.%m.%Y}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    payer, ben = order.payer, order.beneficiary
    _party(pdf, "Отправитель денег / Ақша жіберуші", payer.name, payer.idn, payer.iban, "КОд", payer.code)
    _row(pdf, "Банк отправителя / Жіберушінің банкі", f"{payer.bank or '—'}, БИК {payer.bic}")
    _party(pdf, "Бенефициар / Бенефициар", ben.name, ben.idn, ben.iban, "КБе", ben.code)
    _row(pdf, "Банк бенефициара / Бенефициар банкі", f"{ben.bank or '—'}, БИК {ben.bic}")
    _row(pdf, "Сумма / Сома", format_amount(order.amount).replace("₸", "KZT"))
    _row(pdf, "Сумма прописью", amount_in_words(order.amount, "ru"))
    _row(pdf, "Сома жазбаша", amount_in_words(order.amount, "kk"))
    _row(pdf, "КНП / ТМК", order.knp)
    _row(pdf, "КБК / БСЖ", order.kbk or "—")
    _row(pdf, "Дата валютирования / Валюттау күні", order.value_date.strftime("%d.%m.%Y"))
    _row(pdf, "Период / Кезең", order.period)
    _row(pdf, "Назначение платежа", order.purpose_ru)
    _row(pdf, "Төлемнің мақсаты", order.purpose_kk)
    if order.due is not None:
        _row(pdf, "Срок уплаты / Төлеу мерзімі", order.due.strftime("%d.%m.%Y"))
    if order.persons:
        _persons(pdf, order)
    pdf.ln(6)
    _font(pdf, 9)
    pdf.cell(WIDTH / 2, ROW, "Подпись / Қолы: ____________________", new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.cell(WIDTH / 2, ROW, "Печать: не предусмотрена", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if order.verify:
        pdf.ln(3)
        _font(pdf, 7)
        pdf.multi_cell(
            WIDTH,
            4,
            "Реквизиты, которые требуют проверки перед оплатой / Төлеу алдында тексеруді қажет ететін деректемелер: "
            + ", ".join(order.verify),
        )
    return bytes(pdf.output())
