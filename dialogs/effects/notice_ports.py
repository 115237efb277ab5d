"""What the notices flow needs from the tax cabinet (list/get notices, send an explanation)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class NoticePorts:
    """Filled in by its flow's work; ``None`` in ``EffectServices`` means the flow answers «недоступно»."""
