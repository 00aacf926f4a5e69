"""channels: robot channels (WeCom, DingTalk, Feishu) and their outbox

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 19:50:00.000000

Issue 22 (``bot/store/channel_models.py``): ``channel`` and ``channel_message``;
``confirmation.channel`` (where a confirmation came from) and ``enterprise.on_telegram``
(False: an enterprise only on robot channels).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.store.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString
_TS = bot.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("platform", _S(length=12), nullable=False),
        sa.Column("webhook_url", _S(length=500), nullable=False),
        sa.Column("secret", _S(length=200), nullable=True),
        sa.Column("keyword", _S(length=40), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.BigInteger(), nullable=True),
        sa.Column("added_at", _TS(), nullable=False),
        sa.Column("disabled_reason", _S(length=60), nullable=True),
        sa.Column("throttled_until", _TS(), nullable=True),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_id", "webhook_url", name="uq_channel_webhook"),
    )
    op.create_index("ix_channel_enterprise", "channel", ["enterprise_id"])
    op.create_table(
        "channel_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", _S(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("fire_at", _TS(), nullable=False),
        sa.Column("state", _S(length=12), nullable=False),
        sa.Column("claimed_until", _TS(), nullable=True),
        sa.Column("claim_token", _S(length=32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS(), nullable=False),
        sa.Column("sent_at", _TS(), nullable=True),
        sa.Column("last_error", _S(length=200), nullable=True),
        sa.ForeignKeyConstraint(["channel_id"], ["channel.id"]),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel_id", "dedupe_key", name="uq_channel_message"),
    )
    op.create_index("ix_channel_message_due", "channel_message", ["state", "fire_at"])
    with op.batch_alter_table("confirmation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", _S(length=12), nullable=False, server_default="telegram")
        )
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("on_telegram", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.drop_column("on_telegram")
    with op.batch_alter_table("confirmation", schema=None) as batch_op:
        batch_op.drop_column("channel")
    op.drop_index("ix_channel_message_due", table_name="channel_message")
    op.drop_table("channel_message")
    op.drop_index("ix_channel_enterprise", table_name="channel")
    op.drop_table("channel")
