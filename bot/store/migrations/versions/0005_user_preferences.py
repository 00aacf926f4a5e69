"""user preferences

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 16:54:50.817786
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.store.types


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_pref",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("updated_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
    )


def downgrade() -> None:
    op.drop_table("user_pref")
