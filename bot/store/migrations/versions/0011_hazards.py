"""hazards: reports, their steps and photos, prompts, notices, self-checks

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 17:00:00.000000

The 隐患排查治理 loop (``bot/store/hazard_models.py``): new tables only, nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.store.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString
_TS = bot.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "hazard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reported_by", sa.BigInteger(), nullable=False),
        sa.Column("reporter_name", _S(length=120), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("description", _S(length=1000), nullable=False),
        sa.Column("location", _S(length=200), nullable=False),
        sa.Column("reported_at", _TS(), nullable=False),
        sa.Column("status", _S(length=12), nullable=False),
        sa.Column("grade", _S(length=8), nullable=True),
        sa.Column("standard_item", _S(length=120), nullable=True),
        sa.Column("graded_by", sa.BigInteger(), nullable=True),
        sa.Column("graded_at", _TS(), nullable=True),
        sa.Column("responsible_id", sa.BigInteger(), nullable=True),
        sa.Column("responsible_name", _S(length=120), nullable=True),
        sa.Column("measures", _S(length=1000), nullable=True),
        sa.Column("funds", _S(length=200), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("plan", _S(length=1000), nullable=True),
        sa.Column("rectified_at", _TS(), nullable=True),
        sa.Column("rectified_by", sa.BigInteger(), nullable=True),
        sa.Column("closed_at", _TS(), nullable=True),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.Column("closed_by_name", _S(length=120), nullable=True),
        sa.Column("office_reported_at", _TS(), nullable=True),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.Column("escalated_at", _TS(), nullable=True),
        sa.Column("card_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("card_message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_id", "number", name="uq_hazard_number"),
    )
    op.create_index("ix_hazard_enterprise_status", "hazard", ["enterprise_id", "status"])
    op.create_table(
        "hazard_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=False),
        sa.Column("action", _S(length=20), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("user_name", _S(length=120), nullable=False),
        sa.Column("at", _TS(), nullable=False),
        sa.Column("detail", _S(length=1000), nullable=True),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_hazard_step_hazard_id", "hazard_step", ["hazard_id"])
    op.create_table(
        "hazard_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=False),
        sa.Column("stage", _S(length=10), nullable=False),
        sa.Column("file_id", _S(length=200), nullable=False),
        sa.Column("file_unique_id", _S(length=100), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("at", _TS(), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hazard_id", "file_unique_id", name="uq_hazard_photo"),
    )
    op.create_index("ix_hazard_photo_hazard_id", "hazard_photo", ["hazard_id"])
    op.create_table(
        "self_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("user_name", _S(length=120), nullable=False),
        sa.Column("standard_id", _S(length=60), nullable=False),
        sa.Column("started_at", _TS(), nullable=False),
        sa.Column("finished_at", _TS(), nullable=True),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_self_check_enterprise_id", "self_check", ["enterprise_id"])
    op.create_index("ix_self_check_user", "self_check", ["user_id", "finished_at"])
    op.create_table(
        "self_check_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("self_check_id", sa.Integer(), nullable=False),
        sa.Column("item", _S(length=120), nullable=False),
        sa.Column("answer", _S(length=4), nullable=False),
        sa.Column("at", _TS(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"]),
        sa.ForeignKeyConstraint(["self_check_id"], ["self_check.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("self_check_id", "item", name="uq_self_check_item"),
    )
    op.create_index("ix_self_check_answer_self_check_id", "self_check_answer", ["self_check_id"])
    op.create_table(
        "hazard_prompt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=True),
        sa.Column("step", _S(length=20), nullable=False),
        sa.Column("draft", _S(length=4000), nullable=False),
        sa.Column("created_at", _TS(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chat_id", "message_id", name="uq_hazard_prompt"),
    )
    op.create_table(
        "hazard_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=False),
        sa.Column("kind", _S(length=12), nullable=False),
        sa.Column("round", _S(length=12), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("sent_at", _TS(), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hazard_id", "kind", "round", "chat_id", name="uq_hazard_notice"),
    )


def downgrade() -> None:
    op.drop_table("hazard_notice")
    op.drop_table("hazard_prompt")
    op.drop_table("self_check_answer")
    op.drop_table("self_check")
    op.drop_table("hazard_photo")
    op.drop_table("hazard_step")
    op.drop_table("hazard")
