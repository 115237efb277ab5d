"""What the ESF flow needs: build, sign and upload an e-invoice to ИС ЭСФ, read its status."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class EsfPorts:
    """Filled in by the ESF work; ``None`` in ``EffectServices`` means the flow answers «недоступно»."""
