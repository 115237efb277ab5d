"""Any document the builder accepts passes the sandbox's arithmetic: lines and totals agree."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from integrations.esf import build_invoice, check_invoice
from tests.integrations.esf.documents import NON_VAT, VAT_2025, VAT_2026, document

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10_000), places=3)
prices = st.decimals(min_value=Decimal(0), max_value=Decimal(10_000_000), places=2)
items = st.lists(
    st.tuples(quantities, prices).map(lambda qp: {"description": "x", "quantity": str(qp[0]), "price": str(qp[1])}),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(items=items, base=st.sampled_from([NON_VAT, VAT_2025, VAT_2026]))
def test_built_invoices_always_check(items: list[dict[str, str]], base: dict[str, object]) -> None:
    assert check_invoice(build_invoice(document(base, items=items))) == []
