"""ИП registration (регистрация ИП): regime advice from the tax engine and the ОКЭД classifier search."""

from core.registration.regime import REGIMES, Reason, RegimeComparison, RegimeOption, compare_regimes

__all__ = ["REGIMES", "Reason", "RegimeComparison", "RegimeOption", "compare_regimes"]
