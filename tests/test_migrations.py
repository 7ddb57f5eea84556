"""The migrations build exactly the tables the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from odr.store import models  # noqa: F401  (registers the tables)
from odr.store.db import make_engine, migrate


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    migrate(db_url)  # already at head: applying again changes nothing
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []
