"""delivery: claim tokens, capped failures, muted groups

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00.000000

``reminder.claim_token`` fences records to the claim that made the send;
``reminder.failures`` counts refusals a retry may not fix (capped, then the row fails);
``enterprise.muted_at`` / ``mute_retry_at`` / ``mute_attempts`` hold a muted group's reminders
with backoff instead of deactivating the enterprise.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claim_token", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.add_column(sa.Column("muted_at", bot.store.types.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("mute_retry_at", bot.store.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("mute_attempts", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.drop_column("mute_attempts")
        batch_op.drop_column("mute_retry_at")
        batch_op.drop_column("muted_at")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_column("failures")
        batch_op.drop_column("claim_token")
