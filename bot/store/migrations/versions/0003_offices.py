"""offices

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 16:56:12.440280
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.store.types


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("created_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.Column("digest_week", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chat_id"),
    )
    op.create_table(
        "link_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.Column("used_at", bot.store.types.UTCDateTime(), nullable=True),
        sa.Column("used_by_office_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
        ),
        sa.ForeignKeyConstraint(
            ["used_by_office_id"],
            ["office.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("link_code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_link_code_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "office_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["office.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("office_id", "enterprise_id", name="uq_office_link"),
    )
    with op.batch_alter_table("office_link", schema=None) as batch_op:
        batch_op.create_index("ix_office_link_enterprise", ["enterprise_id"], unique=False)

    op.create_index(
        "ix_occurrence_completions",
        "occurrence",
        ["obligation_id", "status", "done_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_occurrence_completions", table_name="occurrence")
    with op.batch_alter_table("office_link", schema=None) as batch_op:
        batch_op.drop_index("ix_office_link_enterprise")

    op.drop_table("office_link")
    with op.batch_alter_table("link_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_code_enterprise_id"))

    op.drop_table("link_code")
    op.drop_table("office")
