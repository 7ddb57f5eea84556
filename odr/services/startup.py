"""Opening the store: data folder, migrations, audit key and tree head, done at every start."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from odr.services import audit
from odr.services.audit import AuditKey
from odr.settings import Settings
from odr.store.db import Database, migrate

log = logging.getLogger(__name__)


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


def sweep_temporaries(settings: Settings) -> list[Path]:
    """Remove the half-written files a killed server left behind: evidence uploads and PDFs
    are written under a dot-name and renamed into place whole, so a dot-name under the
    evidence or documents folder is never stored data. Only at the server's start (no write
    is under way then), never from a command that may run beside a server."""
    removed: list[Path] = []
    for folder in (settings.evidence_dir, settings.documents_dir):
        if folder.is_dir():
            for path in folder.rglob(".*"):
                try:
                    if path.is_file():
                        path.unlink()
                        removed.append(path)
                except OSError:  # a read-only data folder: left for later, the server starts
                    log.warning("could not remove the half-written file %s", path)
    if removed:
        log.warning("removed %d half-written file(s) left by a crash", len(removed))
    return removed
