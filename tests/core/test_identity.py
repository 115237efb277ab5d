"""ИИН/БИН check digit: the vectors of shared/docs/integrations.md §6.1."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.identity import check_digit, iin_birth_date, is_valid_iin_bin


@pytest.mark.parametrize(
    "number",
    ["900101300007", "900101300811", "160440007161", "141140001547", "160940025485", "970740001013", "240140000120"],
)
def test_valid_vectors(number: str) -> None:
    assert is_valid_iin_bin(number)


@pytest.mark.parametrize(
    "number",
    [
        "900101300001",
        "123456789011",
        "123456789012",
        "123456789021",
        "",
        "90010130000",
        "9001013000070",
        "90010130000a",
        "９００１０１３０００７",
        " 900101300007",
    ],
)
def test_invalid_vectors(number: str) -> None:
    assert not is_valid_iin_bin(number)


def test_prefix_never_issued() -> None:
    assert check_digit("90010130080") is None
    assert not any(is_valid_iin_bin(f"90010130080{d}") for d in range(10))


def test_check_digit_rejects_bad_prefix() -> None:
    with pytest.raises(ValueError, match="11 ASCII digits"):
        check_digit("123")


def test_birth_date() -> None:
    assert iin_birth_date("900101300007") == dt.date(1990, 1, 1)
    assert iin_birth_date("900101300001") is None  # wrong check digit
    assert iin_birth_date("160440007161") is None  # a БИН: 7th digit 0 is no century


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_exactly_one_or_no_check_digit(prefix: str) -> None:
    valid = [d for d in range(10) if is_valid_iin_bin(prefix + str(d))]
    expected = check_digit(prefix)
    assert valid == ([] if expected is None else [expected])
