"""regional profiles by area, logged events, working pattern

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:00:00.000000

``enterprise.region`` names a profile of ``schedules/regions.yaml``: the old ``all`` (every
list, whatever its region) becomes ``national`` (the default), and ``hunan`` / ``shanxi``,
whose only lists were Quyuan's and Xinzhou's, become ``quyuan`` / ``xinzhou``.
``enterprise.work_pattern`` / ``shift_starts`` say whether the site works office days or
continuously in shifts. ``event`` holds what an enterprise logs with ``/event``.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_RENAMED = (("all", "national"), ("hunan", "quyuan"), ("shanxi", "xinzhou"))


def upgrade() -> None:
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "work_pattern",
                sqlmodel.sql.sqltypes.AutoString(length=12),
                nullable=False,
                server_default="office",
            )
        )
        batch_op.add_column(
            sa.Column("shift_starts", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True)
        )
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.alter_column("work_pattern", server_default=None)
    enterprise = sa.table("enterprise", sa.column("region", sa.String))
    for old, new in _RENAMED:
        op.execute(enterprise.update().where(enterprise.c.region == old).values(region=new))
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("happened_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.Column("logged_by", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_enterprise_id"), ["enterprise_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_enterprise_id"))
    op.drop_table("event")
    enterprise = sa.table("enterprise", sa.column("region", sa.String))
    for old, new in _RENAMED[1:]:
        op.execute(enterprise.update().where(enterprise.c.region == new).values(region=old))
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.drop_column("shift_starts")
        batch_op.drop_column("work_pattern")
