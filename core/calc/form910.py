"""Line numbers of form 910.00 (official СОНО template v27 r133, valid 2023-01-01…2026-12-31; integrations.md §2.2).

The template computes 005 = 001 × rate, 007 = 005 − 006, 008 = ИПН share of 007, 009 = social-tax share of 007 minus
СО (floor 0). No НК-2026 template was published; for 2026 the same lines are kept (005 = Σ per-place tax, 009 = 0).
"""

from __future__ import annotations

INCOME = "910.00.001"
TAX = "910.00.005"
REDUCTION = "910.00.006"
TAX_AFTER_REDUCTION = "910.00.007"
IPN = "910.00.008"
SOCIAL_TAX = "910.00.009"
OWN_SO_BASE = "910.00.010"
OWN_SO = "910.00.011"
OWN_OPV_BASE = "910.00.012"
OWN_OPV = "910.00.013"
OWN_OPVR = "910.00.014"
OWN_VOSMS = "910.00.015"
TEMPLATE = "form_910_00_v27_r133"
