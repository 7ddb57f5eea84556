"""The court CA on disk: made once, key encrypted, passphrase private, safe when raced."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support import make_settings

from documents import court_keys, pki
from odr.errors import InvalidInput


def test_generated_passphrase_and_key_are_private_and_kept(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", "sqlite://")
    first = court_keys.ensure_ca(settings)
    keys = settings.keys_dir
    for name in (court_keys.CA_KEY, court_keys.PASSPHRASE_FILE):
        assert stat.S_IMODE((keys / name).stat().st_mode) == 0o600, name
    assert len(first.passphrase) >= 32
    pki.load_key(first.identity.key_pem, first.passphrase)  # encrypted with it
    with pytest.raises(InvalidInput):
        pki.load_key(first.identity.key_pem, b"wrong")
    again = court_keys.ensure_ca(settings)
    assert again == first
    assert court_keys.ca_certificate(settings) == first.cert_pem
    assert list(keys.glob(".*")) == []  # no temporary files left behind


def test_a_configured_passphrase_writes_no_passphrase_file(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", "sqlite://", ca_passphrase="from the vault")
    ca = court_keys.ensure_ca(settings)
    assert ca.passphrase == b"from the vault"
    assert not (settings.keys_dir / court_keys.PASSPHRASE_FILE).exists()
    pki.load_key(ca.identity.key_pem, b"from the vault")


def test_concurrent_first_use_makes_one_ca(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", "sqlite://")
    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(lambda _: court_keys.ensure_ca(settings), range(4)))
    assert len({m.cert_pem for m in made}) == 1
    assert len({m.passphrase for m in made}) == 1
