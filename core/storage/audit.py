"""The append-only audit log (журнал аудита) of every action with a legal or money effect.

The database rejects UPDATE and DELETE on it (triggers, both backends). Details carry ids, amounts, statuses —
never personal data: keys that name personal fields are refused here, so a mistake fails loudly in tests.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.storage.models import AuditLog

PERSONAL_KEYS = frozenset(
    {
        "iin",
        "bin",
        "full_name",
        "name",
        "phone",
        "username",
        "counterparty",
        "birth_date",
        "password",
        "private_key",
        "secret",
        "token",
        "text",
        "address",
        "iban",
        "email",
    }
)


class PersonalDataInAudit(ValueError):  # noqa: N818
    """Audit details named a personal field."""


def _check_details(details: dict[str, Any], path: str = "") -> None:
    for key, value in details.items():
        if key.lower() in PERSONAL_KEYS:
            raise PersonalDataInAudit(f"personal field {path}{key!r} must not go into the audit log")
        if isinstance(value, dict):
            _check_details(value, f"{path}{key}.")


async def append_audit(
    session: AsyncSession,
    actor: str,
    action: str,
    *,
    user_id: int | None = None,
    subject: str = "",
    details: dict[str, Any] | None = None,
    correlation_id: str | None = None,
) -> AuditLog:
    """Append one entry.

    ``actor``: who did it (``user``, ``system``, ``worker:<id>``); ``subject``: what, e.g. ``effect:42``.
    """
    payload = details or {}
    _check_details(payload)
    row = AuditLog(
        actor=actor, action=action, user_id=user_id, subject=subject, details=payload, correlation_id=correlation_id
    )
    session.add(row)
    await session.flush()
    return row


async def audit_of(session: AsyncSession, user_id: int) -> list[AuditLog]:
    """A user's audit entries, oldest first."""
    stmt = select(AuditLog).where(AuditLog.user_id == user_id).order_by(AuditLog.id)
    return list((await session.scalars(stmt)).all())
