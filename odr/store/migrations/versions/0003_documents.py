"""settlement documents: versions, change requests, certificates, signatures, confirmation, files

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import odr.store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settlement_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("languages", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("created_at", odr.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("unsigned_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("current_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("effective_at", odr.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "number", name="uq_settlement_version_number"),
        sa.UniqueConstraint("ref"),
    )
    with op.batch_alter_table("settlement_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_settlement_version_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "signing_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("cert_pem", sa.Text(), nullable=False),
        sa.Column("key_pem", sa.Text(), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", odr.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "holder", "role", name="uq_signing_certificate_holder"),
        sa.UniqueConstraint("fingerprint"),
    )
    with op.batch_alter_table("signing_certificate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signing_certificate_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "document_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("created_at", odr.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["settlement_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256", name="uq_document_file_sha256"),
    )
    with op.batch_alter_table("document_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_file_case_id"), ["case_id"], unique=False)

    op.create_table(
        "settlement_change_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", odr.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["party.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["settlement_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("settlement_change_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_settlement_change_request_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "settlement_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("applied_by", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("applied_at", odr.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline", odr.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", odr.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("judge_id", sa.Integer(), nullable=True),
        sa.Column("unsigned_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("ruling_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["judge_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["settlement_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id"),
        sa.UniqueConstraint("ref"),
    )
    op.create_table(
        "settlement_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("signer", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("signer_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("cert_fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("signed_at", odr.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revision_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("authenticated_by", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("confirmed_on_screen", sa.Boolean(), nullable=False),
        sa.Column("with_image", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["settlement_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "field", name="uq_settlement_signature_field"),
    )
    with op.batch_alter_table("settlement_signature", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_settlement_signature_case_id"), ["case_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("settlement_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_settlement_signature_case_id"))

    op.drop_table("settlement_signature")
    op.drop_table("settlement_confirmation")
    with op.batch_alter_table("settlement_change_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_settlement_change_request_case_id"))

    op.drop_table("settlement_change_request")
    with op.batch_alter_table("document_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_file_case_id"))

    op.drop_table("document_file")
    with op.batch_alter_table("signing_certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_certificate_case_id"))

    op.drop_table("signing_certificate")
    with op.batch_alter_table("settlement_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_settlement_version_case_id"))

    op.drop_table("settlement_version")
