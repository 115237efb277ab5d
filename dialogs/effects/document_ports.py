"""What the documents flow needs from core.documents, core.counterparties and the ESF integration."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class DocumentPorts:
    """Filled in by its flow's work; ``None`` in ``EffectServices`` means the flow answers «недоступно»."""
