"""hearings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import odr.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "hearing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("scheduled_start", odr.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("created_at", odr.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", odr.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", odr.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", odr.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hearing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hearing_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_hearing_scheduled_start"), ["scheduled_start"], unique=False
        )

    op.create_table(
        "hearing_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("is_host", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearing.id"],
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["party.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hearing_id", "party_id", name="uq_hearing_participant_party"),
        sa.UniqueConstraint("hearing_id", "user_id", name="uq_hearing_participant_user"),
    )
    with op.batch_alter_table("hearing_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hearing_participant_hearing_id"), ["hearing_id"], unique=False
        )

    op.create_table(
        "hearing_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("room", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", odr.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearing.id"],
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["hearing_participant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hearing_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hearing_message_hearing_id"), ["hearing_id"], unique=False
        )

    op.create_table(
        "recording",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("started_at", odr.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", odr.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearing.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recording", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recording_hearing_id"), ["hearing_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("recording", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recording_hearing_id"))

    op.drop_table("recording")
    with op.batch_alter_table("hearing_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_message_hearing_id"))

    op.drop_table("hearing_message")
    with op.batch_alter_table("hearing_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_participant_hearing_id"))

    op.drop_table("hearing_participant")
    with op.batch_alter_table("hearing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_scheduled_start"))
        batch_op.drop_index(batch_op.f("ix_hearing_case_id"))

    op.drop_table("hearing")
