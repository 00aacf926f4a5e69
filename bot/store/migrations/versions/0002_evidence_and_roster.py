"""evidence and roster

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 16:54:14.879614
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.store.types


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "disabled_obligation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("disabled_by", sa.BigInteger(), nullable=False),
        sa.Column("disabled_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_id", "obligation_id", name="uq_disabled"),
    )
    with op.batch_alter_table("disabled_obligation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disabled_obligation_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("file_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("created_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
        ),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrence.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_occurrence_id"), ["occurrence_id"], unique=False
        )

    op.create_table(
        "evidence_prompt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrence.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chat_id", "message_id", name="uq_evidence_prompt"),
    )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_member_username"), ["username"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_username"))
        batch_op.drop_column("username")

    op.drop_table("evidence_prompt")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_occurrence_id"))

    op.drop_table("evidence")
    with op.batch_alter_table("disabled_obligation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disabled_obligation_enterprise_id"))

    op.drop_table("disabled_obligation")
