"""incremental materialization: ``materialized_until`` counts windows by their opening day

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 16:00:00.000000

``enterprise.materialized_until`` used to be the last *due* window written (windows ending
within the horizon); it is now the last *opening* day written, so a daily run adds only what
opens on the new day and a yearly duty is stored from its first day. Every enterprise is
materialized once more on the next tick (idempotent: existing rows stay as they are).
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE enterprise SET materialized_until = NULL")


def downgrade() -> None:
    op.execute("UPDATE enterprise SET materialized_until = NULL")
