"""Opening the store: data folder, migrations, audit key and tree head, done at every start."""

from __future__ import annotations

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
