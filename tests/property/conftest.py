"""Property tests of the parsers: one database kind (SQLite), since what is checked is the
parsing in front of it, and signed sample documents to mutate; the other fixtures are the
shared ones (tests/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import signed_samples as samples


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "db" / "odr.sqlite3"
    path.parent.mkdir()
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def signed_samples(tmp_path_factory: pytest.TempPathFactory) -> samples.SignedSamples:
    return samples.build(tmp_path_factory.mktemp("court"))
