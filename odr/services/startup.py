"""Opening the store: data folder, migrations, audit key and tree head, done at every start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from odr.services import audit
from odr.services.audit import AuditKey
from odr.settings import Settings
from odr.store.db import Database, migrate


def open_store(settings: Settings) -> tuple[Database, AuditKey]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.db_url)
    key = AuditKey.load_or_create(settings.audit_key_path)
    db = Database(settings.db_url, settings.db_threads)
    db.write_sync(audit.ensure_head)
    return db, key


@contextmanager
def opened_store(settings: Settings) -> Iterator[tuple[Database, AuditKey]]:
    """``open_store``, closed again on the way out (for commands and tests)."""
    db, key = open_store(settings)
    try:
        yield db, key
    finally:
        db.close()
