"""What the registration flow needs: the taxpayer lookup (state register by ИИН)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class RegistrationPorts:
    """Filled in by its flow's work; ``None`` in ``EffectServices`` means the flow answers «недоступно»."""
