"""The ИП's start date from the state register (``profiles.registered_on``): periods that ended before it owe nothing.

Set when the taxpayer lookup confirms a registration made from the chat; an ИП who came to us already registered
has none (every period the calendar lists is owed).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("registered_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("registered_on")
