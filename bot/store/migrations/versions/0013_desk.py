"""desk: the office's web desk (login links, sessions, signing key) and what its pages need

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-10 09:00:00.000000

Issue 21. New tables ``desk_key``, ``desk_login``, ``desk_session`` (``bot/store/desk_models.py``);
other parts of the desk add their columns and tables here too (one migration for the issue):
``stored_file`` (``bot/store/storage_models.py``, evidence kept in our own storage).
desk-pages: ``enterprise.township`` (乡镇/街道) and ``enterprise.authority`` (行业主管部门),
the attributes the desk filters by.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.store.types

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString
_TS = bot.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "desk_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secret", _S(length=100), nullable=False),
        sa.Column("created_at", _TS(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "desk_login",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nonce_hash", _S(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("user_name", _S(length=120), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("locale", _S(length=10), nullable=False),
        sa.Column("created_at", _TS(), nullable=False),
        sa.Column("expires_at", _TS(), nullable=False),
        sa.Column("used_at", _TS(), nullable=True),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nonce_hash"),
    )
    op.create_table(
        "desk_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", _S(length=64), nullable=False),
        sa.Column("login_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("user_name", _S(length=120), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("locale", _S(length=10), nullable=False),
        sa.Column("csrf_token", _S(length=64), nullable=False),
        sa.Column("user_agent", _S(length=200), nullable=False),
        sa.Column("created_at", _TS(), nullable=False),
        sa.Column("last_seen_at", _TS(), nullable=False),
        sa.Column("expires_at", _TS(), nullable=False),
        sa.Column("revoked_at", _TS(), nullable=True),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.ForeignKeyConstraint(["login_id"], ["desk_login.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("login_id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_desk_session_user_id", "desk_session", ["user_id"], unique=False)
    # desk-evidence: where each evidence file / hazard photo is kept (bot/store/storage_models.py)
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("source", _S(length=12), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("kind", _S(length=12), nullable=False),
        sa.Column("file_id", _S(length=200), nullable=False),
        sa.Column("file_name", _S(length=200), nullable=True),
        sa.Column("received_at", _TS(), nullable=False),
        sa.Column("key", _S(length=300), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("content_type", _S(length=120), nullable=True),
        sa.Column("sha256", _S(length=64), nullable=True),
        sa.Column("stored_at", _TS(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TS(), nullable=True),
        sa.Column("refused", _S(length=20), nullable=True),
        sa.Column("purged_at", _TS(), nullable=True),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "source_id", name="uq_stored_file_source"),
    )
    op.create_index(
        "ix_stored_file_enterprise_received",
        "stored_file",
        ["enterprise_id", "received_at"],
        unique=False,
    )
    op.create_index(
        "ix_stored_file_stored", "stored_file", ["stored_at", "purged_at"], unique=False
    )
    # desk-pages: the enterprise attributes the desk filters by (bot/store/models.py)
    with op.batch_alter_table("enterprise") as batch:
        batch.add_column(sa.Column("township", _S(length=60), nullable=True))
        batch.add_column(sa.Column("authority", _S(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enterprise") as batch:
        batch.drop_column("authority")
        batch.drop_column("township")
    op.drop_index("ix_stored_file_stored", table_name="stored_file")
    op.drop_index("ix_stored_file_enterprise_received", table_name="stored_file")
    op.drop_table("stored_file")
    op.drop_index("ix_desk_session_user_id", table_name="desk_session")
    op.drop_table("desk_session")
    op.drop_table("desk_login")
    op.drop_table("desk_key")
