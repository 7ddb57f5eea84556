"""recordings: one row per file (``uq_recording_path``)

A record a live process was still writing could be registered twice: as interrupted by another
process's start-up sweep, then complete by its writer. Of such a pair the complete row stays
(else the first); the audit log keeps both entries, as it keeps everything.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Every row another row of the same path outranks (complete first, then the older).
DUPLICATES = sa.text(
    "DELETE FROM recording WHERE id IN ("
    " SELECT r.id FROM recording r JOIN recording o ON o.path = r.path AND o.id <> r.id"
    " AND (o.complete AND NOT r.complete OR (o.complete = r.complete AND o.id < r.id)))"
)


def upgrade() -> None:
    op.execute(DUPLICATES)
    with op.batch_alter_table("recording") as batch:
        batch.create_unique_constraint("uq_recording_path", ["path"])


def downgrade() -> None:
    with op.batch_alter_table("recording") as batch:
        batch.drop_constraint("uq_recording_path", type_="unique")
