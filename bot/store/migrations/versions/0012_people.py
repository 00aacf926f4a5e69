"""people: persons, certificates, training hours; certificate reminders in the outbox

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 19:40:00.000000

New tables for people's records (``bot/store/people_models.py``). The outbox (``reminder``)
also carries a certificate's reminders to one person: ``occurrence_id`` becomes nullable and
``certificate_id`` and ``recipient_id`` are added. ``enterprise.share_certificates`` lets
linked offices see certificate numbers.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.store.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString
_TS = bot.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("name", _S(length=120), nullable=False),
        sa.Column("role", _S(length=12), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("created_at", _TS(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_id", "user_id", name="uq_person_user"),
    )
    op.create_index("ix_person_enterprise", "person", ["enterprise_id"])
    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("kind", _S(length=40), nullable=False),
        sa.Column("category", _S(length=40), nullable=True),
        sa.Column("number", _S(length=60), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("last_review_on", sa.Date(), nullable=True),
        sa.Column("photo_file_id", _S(length=200), nullable=True),
        sa.Column("recorded_by", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", _TS(), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.ForeignKeyConstraint(["replaced_by_id"], ["certificate.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_certificate_person", "certificate", ["person_id"])
    op.create_index("ix_certificate_enterprise_id", "certificate", ["enterprise_id"])
    op.create_table(
        "training_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("category", _S(length=20), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("source", _S(length=12), nullable=False),
        sa.Column("source_ref", _S(length=40), nullable=True),
        sa.Column("recorded_by", sa.BigInteger(), nullable=True),
        sa.Column("recorded_at", _TS(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "source_ref", name="uq_training_source"),
    )
    op.create_index("ix_training_record_person_id", "training_record", ["person_id"])
    op.create_index("ix_training_enterprise_day", "training_record", ["enterprise_id", "day"])
    op.create_table(
        "people_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("step", _S(length=20), nullable=False),
        sa.Column("data", _S(length=2000), nullable=False),
        sa.Column("updated_at", _TS(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
    )
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("share_certificates", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.alter_column("occurrence_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("certificate_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recipient_id", sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(
            "fk_reminder_certificate", "certificate", ["certificate_id"], ["id"]
        )
        batch_op.create_index("ix_reminder_certificate_id", ["certificate_id"])
        batch_op.create_unique_constraint(
            "uq_reminder_certificate", ["certificate_id", "kind", "recipient_id", "fire_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_constraint("uq_reminder_certificate", type_="unique")
        batch_op.drop_index("ix_reminder_certificate_id")
        batch_op.drop_constraint("fk_reminder_certificate", type_="foreignkey")
        batch_op.drop_column("recipient_id")
        batch_op.drop_column("certificate_id")
    op.execute("DELETE FROM reminder WHERE occurrence_id IS NULL")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.alter_column("occurrence_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.drop_column("share_certificates")
    op.drop_table("people_draft")
    op.drop_index("ix_training_enterprise_day", table_name="training_record")
    op.drop_index("ix_training_record_person_id", table_name="training_record")
    op.drop_table("training_record")
    op.drop_index("ix_certificate_enterprise_id", table_name="certificate")
    op.drop_index("ix_certificate_person", table_name="certificate")
    op.drop_table("certificate")
    op.drop_index("ix_person_enterprise", table_name="person")
    op.drop_table("person")
