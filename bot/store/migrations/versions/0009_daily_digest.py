"""the daily digest, forum topics, tidied reminders

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:00:00.000000

``enterprise.digest_time`` / ``digest_mode`` say when the enterprise's one daily message goes
out; ``enterprise.topic_id`` is the forum topic reminders are posted in; ``reminder.tidied_at``
marks a message a newer digest superseded (its buttons removed). Routine reminders now fire
at the digest moment, so the pending ones planned at their old times are dropped and every
enterprise is materialized again on the next tick (the same occurrences and kinds, re-timed;
nothing sent or confirmed changes). The reminders of logged events' duties stay as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.store.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "digest_time",
                sqlmodel.sql.sqltypes.AutoString(length=5),
                nullable=False,
                server_default="08:00",
            )
        )
        batch_op.add_column(
            sa.Column(
                "digest_mode",
                sqlmodel.sql.sqltypes.AutoString(length=12),
                nullable=False,
                server_default="daily",
            )
        )
        batch_op.add_column(sa.Column("topic_id", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tidied_at", bot.store.types.UTCDateTime(), nullable=True))
        batch_op.create_index("ix_reminder_message", ["enterprise_id", "message_id"], unique=False)
    op.execute("DELETE FROM reminder WHERE state = 'pending' AND kind NOT LIKE 'snooze-%'")
    op.execute("UPDATE enterprise SET materialized_until = NULL")


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_message")
        batch_op.drop_column("tidied_at")
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.drop_column("topic_id")
        batch_op.drop_column("digest_mode")
        batch_op.drop_column("digest_time")
