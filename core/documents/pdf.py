"""PDF of a document (fpdf2) in Russian or Kazakh: счёт на оплату (A4 portrait, with a payment QR code), акт Р-1 and
накладная З-2 (A4 landscape, the forms' columns numbered as on the official layout).

The DejaVu Sans font is embedded (``core/fonts``, its licence beside it) so Cyrillic and the Kazakh letters
ә ғ қ ң ө ұ ү һ і render and extract on any machine. Output is deterministic for the same document (fixed creation
date), so a re-render of an issued document gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import segno
from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from core.documents.amounts import Totals, totals
from core.documents.labels import LABELS
from core.documents.model import Document, Party, Reference
from core.documents.words import (
    Language,
    amount_in_words,
    capitalised,
    date_in_words,
    format_money,
    format_quantity,
    number_in_words,
)
from core.fonts import FONTS_DIR
from core.money import ZERO

FONTS = FONTS_DIR
FONT = "DejaVu"
_BOLD = FontFace(emphasis="BOLD")
_HEAD = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
_LINE = 5.0


class _Pdf(FPDF):
    def __init__(self, orientation: str, on: dt.date) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(True, margin=12)
        self.set_creation_date(dt.datetime(on.year, on.month, on.day, tzinfo=dt.UTC))
        self.set_creator("asistent")
        self.add_page()

    @property
    def width(self) -> float:
        return float(self.epw)

    def text_line(self, text: str, size: float = 9, bold: bool = False, align: str = "L") -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def gap(self, height: float = 2) -> None:
        self.ln(height)


def render_pdf(document: Document, language: Language = "ru") -> bytes:
    """The document as PDF bytes in ``language`` (``ru`` or ``kk``)."""
    if language not in LABELS:
        raise ValueError(f"unknown language {language!r}")
    sums = totals(document)
    if document.kind == "invoice":
        pdf = _invoice(document, sums, language)
    elif document.kind == "act":
        pdf = _act(document, sums, language)
    else:
        pdf = _waybill(document, sums, language)
    pdf.set_title(title_of(document, language))
    return bytes(pdf.output())


def title_of(document: Document, language: Language) -> str:
    """«Счёт на оплату № 12 от 1 декабря 2026 г.» and the like (also the PDF title and a chat caption)."""
    t = LABELS[language]
    if document.kind == "invoice":
        return t["inv_title"].format(number=document.number, date=_attr_date(document.date, language))
    head = t["act_title"] if document.kind == "act" else t["wb_title"]
    return f"{head.rstrip('*')} № {document.number}, {date_in_words(document.date, language)}"


# --- shared pieces -------------------------------------------------------------------------------------------------


def _attr_date(day: dt.date, language: Language) -> str:
    return date_in_words(day, language, attributive=True)


def _party_text(party: Party, language: Language) -> str:
    t = LABELS[language]
    parts = [party.name]
    if party.bin_iin:
        parts.append(f"{t['bin_iin']} {party.bin_iin}")
    if party.address:
        parts.append(party.address)
    if party.vat_payer and party.vat_certificate_num:
        series = f"{party.vat_certificate_series} " if party.vat_certificate_series else ""
        parts.append(f"{t['vat_certificate']} {series}№ {party.vat_certificate_num}")
    return ", ".join(parts)


def _reference_text(key: str, ref: Reference, language: Language) -> str:
    t = LABELS[language]
    return t[key].format(kind=t[f"kind_{ref.kind}"], number=ref.number, date=_attr_date(ref.date, language))


def _references(pdf: _Pdf, document: Document, language: Language) -> None:
    if document.corrects is not None:
        pdf.text_line(_reference_text("corrects", document.corrects, language), 8.5, bold=True)
    if document.source is not None:
        pdf.text_line(_reference_text("source", document.source, language), 8.5)


def _table(
    pdf: _Pdf,
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    *,
    align: Sequence[str],
    heading_rows: int = 1,
    size: float = 8,
) -> None:
    pdf.set_font(FONT, "", size)
    with pdf.table(
        col_widths=tuple(widths),
        width=pdf.width,
        text_align=tuple(align),
        line_height=size * 0.5,
        headings_style=_HEAD,
        num_heading_rows=heading_rows,
        first_row_as_headings=heading_rows > 0,
        padding=0.8,
    ) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)


def _signature(pdf: _Pdf, label: str, party: Party, language: Language, x: float, width: float) -> None:
    t = LABELS[language]
    pdf.set_x(x)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(width, _LINE, label, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.set_font(FONT, "", 9)
    name = party.signatory or ""
    pdf.cell(width, _LINE + 2, f"{party.position or ''} ____________ / {name} /", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.set_font(FONT, "", 6.5)
    caption = f"{t['position']}          {t['signature']}          {t['signature_name']}"
    pdf.cell(width, 3.5, caption, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.set_font(FONT, "", 9)
    pdf.cell(width, _LINE + 1, t["stamp"], new_x=XPos.LEFT, new_y=YPos.NEXT)


def _two_signatures(pdf: _Pdf, left: tuple[str, Party], right: tuple[str, Party], language: Language) -> None:
    half = pdf.width / 2
    if pdf.will_page_break(24):
        pdf.add_page()
    y = pdf.get_y()
    _signature(pdf, left[0], left[1], language, pdf.l_margin, half - 4)
    bottom = pdf.get_y()
    pdf.set_y(y)
    _signature(pdf, right[0], right[1], language, pdf.l_margin + half, half - 4)
    pdf.set_y(max(bottom, pdf.get_y()))
    pdf.set_x(pdf.l_margin)


def _total_rows(sums: Totals, language: Language) -> list[tuple[str, str]]:
    """Totals under an items table: Итого, and for a VAT payer НДС and Всего с НДС."""
    t = LABELS[language]
    rows = [(t["total"], format_money(sums.net))]
    if sums.vat is not None:
        rows.append((t["vat_line"].format(rate=sums.rate_percent), format_money(sums.vat)))
        rows.append((t["gross"], format_money(sums.gross)))
    return rows


def _merged_totals(pdf: _Pdf, widths: Sequence[float], sums: Totals, language: Language) -> None:
    """Right-aligned totals rows under a table whose last column holds the sums."""
    label_width = sum(widths[:-1])
    pdf.set_font(FONT, "B", 8.5)
    for label, value in _total_rows(sums, language):
        if pdf.will_page_break(_LINE):
            pdf.add_page()
        pdf.cell(label_width, _LINE, f"{label}:", border=1, align="R")
        pdf.cell(widths[-1], _LINE, value, border=1, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


# --- invoice -------------------------------------------------------------------------------------------------------


def qr_payload(document: Document, language: Language = "ru") -> str:
    """The text in the invoice's QR code: beneficiary, БИН/ИИН, ИИК, bank, БИК, Кбе, КНП, amount, purpose.

    Kazakhstan has no national standard for a payment QR on an invoice; plain labelled lines are what any phone's
    camera shows and lets the payer copy into a banking app.
    """
    t = LABELS[language]
    seller = document.seller
    sums = totals(document)
    lines = [
        title_of(document, language),
        f"{t['inv_beneficiary']}: {seller.name}",
        f"{t['bin_iin']}: {seller.bin_iin or ''}",
        f"{t['inv_iik']}: {seller.iban or ''}",
        f"{t['inv_bank']}: {seller.bank or ''}",
        f"{t['inv_bic']}: {seller.bic or ''}",
        f"{t['inv_kbe']}: {seller.kbe or ''}",
        f"{t['inv_knp']}: {document.knp or ''}",
        f"{t['inv_amount']}: {sums.gross:.2f} KZT",
        f"{t['inv_purpose']}: {purpose_of(document, language)}",
    ]
    return "\n".join(lines)


def purpose_of(document: Document, language: Language) -> str:
    """The payment purpose: given, or «Оплата по счёту № 12 от 1 декабря 2026 г.»."""
    if document.purpose:
        return document.purpose
    t = LABELS[language]
    return t["inv_purpose_default"].format(number=document.number, date=_attr_date(document.date, language))


def _qr_png(payload: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(out, kind="png", scale=4, border=2)
    out.seek(0)
    return out


def _invoice(document: Document, sums: Totals, language: Language) -> _Pdf:
    t = LABELS[language]
    seller, buyer = document.seller, document.buyer
    pdf = _Pdf("portrait", document.date)
    pdf.text_line(t["inv_warning"], 7)
    pdf.gap()
    pdf.text_line(t["inv_sample"], 9, bold=True)
    w = pdf.width
    beneficiary = f"{t['inv_beneficiary']}:\n{seller.name}\n{t['bin_iin']}: {seller.bin_iin or ''}"
    _table(
        pdf,
        (w * 0.55, w * 0.3, w * 0.15),
        [
            [beneficiary, f"{t['inv_iik']}\n{seller.iban or ''}", f"{t['inv_kbe']}\n{seller.kbe or ''}"],
            [
                f"{t['inv_bank']}:\n{seller.bank or ''}",
                f"{t['inv_bic']}\n{seller.bic or ''}",
                f"{t['inv_knp']}\n{document.knp or ''}",
            ],
        ],
        align=("LEFT", "LEFT", "LEFT"),
        heading_rows=0,
        size=8.5,
    )
    pdf.gap(3)
    top = pdf.get_y()
    qr_size = 34.0
    pdf.image(_qr_png(qr_payload(document, language)), x=pdf.l_margin + w - qr_size, y=top, w=qr_size)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(w - qr_size - 4, 7, title_of(document, language), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.gap(2)
    pdf.set_font(FONT, "", 9)
    for label, value in (
        (t["inv_supplier"], _party_text(seller, language)),
        (t["inv_buyer"], _party_text(buyer, language)),
        (t["contract"], document.contract or t["no_contract"]),
    ):
        pdf.set_font(FONT, "B", 9)
        pdf.cell(36, _LINE, f"{label}:")
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(w - qr_size - 40, _LINE, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 7)
    pdf.set_xy(pdf.l_margin + w - qr_size, max(pdf.get_y(), top + qr_size))
    pdf.multi_cell(qr_size, 3, t["inv_qr"], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.gap(2)
    _references(pdf, document, language)
    pdf.gap(1)
    _invoice_items(pdf, document, sums, language)
    pdf.gap(2)
    amount = format_money(sums.gross)
    pdf.text_line(t["inv_count"].format(count=len(document.items), amount=amount), 9)
    pdf.text_line(f"{t['inv_to_pay']}: {amount_in_words(sums.gross, language)}", 10, bold=True)
    if sums.vat is None:
        pdf.text_line(t["no_vat"], 9)
    pdf.gap(8)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(30, _LINE, f"{t['inv_executor']}:")
    pdf.set_font(FONT, "", 9)
    pdf.cell(0, _LINE, f"____________ / {seller.signatory or ''} /", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.gap(3)
    pdf.cell(0, _LINE, t["stamp"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return pdf


def _invoice_items(pdf: _Pdf, document: Document, sums: Totals, language: Language) -> None:
    t = LABELS[language]
    w = pdf.width
    vat = sums.vat is not None
    if vat:
        head = ["inv_col_no", "inv_col_code", "inv_col_name", "inv_col_qty", "inv_col_unit", "inv_col_price_net",
                "inv_col_sum", "inv_col_vat", "inv_col_gross"]  # fmt: skip
        widths = [w * x for x in (0.04, 0.08, 0.30, 0.08, 0.07, 0.11, 0.11, 0.10, 0.11)]
    else:
        head = ["inv_col_no", "inv_col_code", "inv_col_name", "inv_col_qty", "inv_col_unit", "inv_col_price",
                "inv_col_sum"]  # fmt: skip
        widths = [w * x for x in (0.05, 0.10, 0.39, 0.09, 0.08, 0.14, 0.15)]
    rows = [[t[key] for key in head]]
    for i, line in enumerate(sums.lines, start=1):
        item = line.item
        row = [str(i), item.code or "", item.description, format_quantity(item.quantity), item.unit,
               format_money(item.price), format_money(line.amount)]  # fmt: skip
        if vat:
            row += [format_money(line.vat or ZERO), format_money(line.gross)]
        rows.append(row)
    align = ["CENTER", "LEFT", "LEFT", "RIGHT", "CENTER", "RIGHT", "RIGHT", "RIGHT", "RIGHT"][: len(head)]
    _table(pdf, widths, rows, align=align)
    if vat:
        _merged_totals(pdf, [sum(widths[:-3]), widths[-3] + widths[-2] + widths[-1]], sums, language)
    else:
        _merged_totals(pdf, widths, sums, language)


# --- act (Р-1) -----------------------------------------------------------------------------------------------------


def _form_header(pdf: _Pdf, form: str, order: str | None) -> None:
    pdf.set_font(FONT, "", 7)
    if order:
        pdf.multi_cell(0, 3, order, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 8)
    pdf.cell(0, 4, form, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.gap(1)


def _number_box(pdf: _Pdf, document: Document, language: Language) -> None:
    t = LABELS[language]
    w = 70.0
    pdf.set_x(pdf.l_margin + pdf.width - w)
    pdf.set_font(FONT, "B", 7.5)
    pdf.cell(w / 2, _LINE, t["doc_number"], border=1, align="C")
    pdf.cell(w / 2, _LINE, t["doc_date"], border=1, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(pdf.l_margin + pdf.width - w)
    pdf.set_font(FONT, "", 9)
    pdf.cell(w / 2, _LINE, document.number, border=1, align="C")
    pdf.cell(w / 2, _LINE, f"{document.date:%d.%m.%Y}", border=1, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _act(document: Document, sums: Totals, language: Language) -> _Pdf:
    t = LABELS[language]
    pdf = _Pdf("landscape", document.date)
    _form_header(pdf, t["act_form"], t["act_order"])
    w = pdf.width
    _table(
        pdf,
        (w * 0.16, w * 0.66, w * 0.08, w * 0.10),
        [
            [t["act_customer"], _party_text(document.buyer, language), t["bin_iin"], document.buyer.bin_iin or ""],
            [t["act_executor"], _party_text(document.seller, language), t["bin_iin"], document.seller.bin_iin or ""],
            [t["contract"], document.contract or t["no_contract"], "", ""],
        ],
        align=("LEFT", "LEFT", "CENTER", "CENTER"),
        heading_rows=0,
        size=8.5,
    )
    pdf.gap(2)
    _number_box(pdf, document, language)
    pdf.gap(2)
    pdf.text_line(t["act_title"], 12, bold=True, align="C")
    _references(pdf, document, language)
    pdf.gap(2)
    widths = [w * x for x in (0.06, 0.34, 0.11, 0.15, 0.08, 0.08, 0.09, 0.09)]
    head = [t["act_col_no"], t["act_col_name"], t["act_col_date"], t["act_col_report"], t["act_col_unit"],
            f"{t['act_col_done']}: {t['act_col_qty']}", t["act_col_price"], t["act_col_cost"]]  # fmt: skip
    rows = [head, [str(i) for i in range(1, 9)]]
    for i, line in enumerate(sums.lines, start=1):
        item = line.item
        done = f"{item.done_on:%d.%m.%Y}" if item.done_on else ""
        rows.append([str(i), item.description, done, "", item.unit, format_quantity(item.quantity),
                     format_money(item.price), format_money(line.amount)])  # fmt: skip
    _table(pdf, widths, rows, align=("CENTER", "LEFT", "CENTER", "LEFT", "CENTER", "RIGHT", "RIGHT", "RIGHT"),
           heading_rows=2, size=7.5)  # fmt: skip
    _merged_totals(pdf, widths, sums, language)
    pdf.gap(2)
    pdf.text_line(f"{t['in_words']}: {amount_in_words(sums.gross, language)}", 9, bold=True)
    if sums.vat is None:
        pdf.text_line(t["no_vat"], 8.5)
    pdf.gap(1)
    pdf.text_line(t["act_stock"], 8)
    pdf.text_line(t["act_annex"], 8)
    pdf.gap(4)
    _two_signatures(pdf, (t["act_handed"], document.seller), (t["act_accepted"], document.buyer), language)
    pdf.text_line(f"{t['act_signed_on']}: ____________", 8.5)
    pdf.gap(3)
    for key in ("act_note1", "act_note2", "act_note3"):
        pdf.text_line(t[key], 6.5)
    return pdf


# --- waybill (З-2) -------------------------------------------------------------------------------------------------


def _waybill(document: Document, sums: Totals, language: Language) -> _Pdf:
    t = LABELS[language]
    seller, buyer = document.seller, document.buyer
    pdf = _Pdf("landscape", document.date)
    _form_header(pdf, t["wb_form"], t["act_order"])
    w = pdf.width
    _table(
        pdf,
        (w * 0.22, w * 0.6, w * 0.08, w * 0.10),
        [[t["wb_org"], _party_text(seller, language), t["bin_iin"], seller.bin_iin or ""]],
        align=("LEFT", "LEFT", "CENTER", "CENTER"),
        heading_rows=0,
        size=8.5,
    )
    pdf.gap(2)
    _number_box(pdf, document, language)
    pdf.gap(2)
    pdf.text_line(t["wb_title"], 12, bold=True, align="C")
    _references(pdf, document, language)
    pdf.gap(2)
    _table(
        pdf,
        (w * 0.25, w * 0.25, w * 0.17, w * 0.15, w * 0.18),
        [
            [t["wb_sender"], t["wb_receiver"], t["wb_responsible"], t["wb_carrier"], t["wb_ttn"]],
            [
                _party_text(seller, language),
                _party_text(buyer, language),
                document.responsible or "",
                document.carrier or "",
                document.waybill_ref or "",
            ],
        ],
        align=("LEFT",) * 5,
        size=7.5,
    )
    pdf.gap(1)
    pdf.text_line(f"{t['contract']}: {document.contract or t['no_contract']}", 8.5)
    pdf.gap(2)
    vat = sums.vat is not None
    qty = t["wb_col_qty"]
    head = [t["wb_col_no"], t["wb_col_name"], t["wb_col_code"], t["wb_col_unit"],
            f"{qty}: {t['wb_col_to_release']}", f"{qty}: {t['wb_col_released']}", t["wb_col_price"],
            t["wb_col_sum_vat"] if vat else t["wb_col_sum"]]  # fmt: skip
    fractions = [0.06, 0.30, 0.10, 0.08, 0.09, 0.09, 0.09, 0.10, 0.09] if vat else [0.06, 0.35, 0.10, 0.08, 0.1,
                                                                                    0.1, 0.1, 0.11]  # fmt: skip
    if vat:
        head.append(t["wb_col_vat"])
    widths = [w * x for x in fractions]
    rows = [head, [str(i) for i in range(1, len(head) + 1)]]
    for i, line in enumerate(sums.lines, start=1):
        item = line.item
        q = format_quantity(item.quantity)
        row = [str(i), item.description, item.code or "", item.unit, q, q, format_money(item.price),
               format_money(line.gross)]  # fmt: skip
        if vat:
            row.append(format_money(line.vat or ZERO))
        rows.append(row)
    total = [t["total"], "", "", "", format_quantity(sums.quantity), format_quantity(sums.quantity), "",
             format_money(sums.gross)]  # fmt: skip
    if vat:
        total.append(format_money(sums.vat or ZERO))
    rows.append(total)
    align = ("CENTER", "LEFT", "CENTER", "CENTER", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")[: len(head)]
    _table(pdf, widths, rows, align=align, heading_rows=2, size=7.5)
    pdf.gap(2)
    count = sums.quantity
    count_words = (
        capitalised(number_in_words(int(count), language))
        if count == count.to_integral_value()
        else format_quantity(count)
    )
    pdf.text_line(f"{t['wb_qty_words']}: {count_words}", 8.5)
    pdf.text_line(f"{t['wb_sum_words']}: {amount_in_words(sums.gross, language)}", 9, bold=True)
    if vat:
        pdf.text_line(f"{t['vat_line'].format(rate=sums.rate_percent)}: {format_money(sums.vat or ZERO)}", 8.5)
    else:
        pdf.text_line(t["no_vat"], 8.5)
    pdf.gap(4)
    _two_signatures(pdf, (t["wb_allowed"], seller), (t["wb_received"], buyer), language)
    pdf.text_line(f"{t['wb_accountant']}: {t['wb_accountant_none']}", 8.5)
    pdf.text_line(f"{t['wb_released']}: ____________ / {seller.signatory or ''} /", 8.5)
    pdf.text_line(f"{t['wb_attorney']}: {document.power_of_attorney or '____________'}", 8.5)
    return pdf
