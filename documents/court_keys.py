"""The court CA on disk and its passphrase (no database, no rendering: cheap to import).

The CA lives in ``settings.keys_dir``: ``court-ca.pem`` (public, served at ``GET /api/ca.pem``)
and ``court-ca.key.pem`` (PKCS#8, encrypted). ``odr init`` creates it (so do ``odr demo`` and
the first signature). Its passphrase is ``ODR_CA_PASSPHRASE``; when that is empty, a random
passphrase is generated once into ``keys_dir/ca-passphrase`` (mode 0600) -- then whoever can
read the data folder can use the CA, so set ``ODR_CA_PASSPHRASE`` (from a secret store) in
production. Personal signing keys are encrypted with the same passphrase.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from documents import pki
from odr.errors import StorageUnavailable
from odr.settings import Settings

CA_CERT = "court-ca.pem"
CA_KEY = "court-ca.key.pem"
PASSPHRASE_FILE = "ca-passphrase"  # noqa: S105 - a file name, not a password  # nosec B105
CA_NAME = "微法庭 ODR"


@dataclass(frozen=True)
class Authority:
    identity: pki.Identity
    passphrase: bytes

    @property
    def cert_pem(self) -> bytes:
        return self.identity.cert_pem


def passphrase(settings: Settings) -> bytes:
    """``ODR_CA_PASSPHRASE``, or the generated one in ``keys_dir/ca-passphrase``."""
    if settings.ca_passphrase:
        return settings.ca_passphrase.encode("utf-8")
    path = settings.keys_dir / PASSPHRASE_FILE
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            _write_private(path, secrets.token_urlsafe(32).encode("ascii"))
    return path.read_bytes().strip()


def ensure_ca(settings: Settings) -> Authority:
    """The court CA, created on first call (idempotent, safe against a concurrent creator)."""
    secret = passphrase(settings)
    cert_path, key_path = settings.keys_dir / CA_CERT, settings.keys_dir / CA_KEY
    if not key_path.exists():
        ca = pki.create_ca(CA_NAME, secret)
        try:
            _write_private(key_path, ca.key_pem)
        except FileExistsError:
            pass  # another process won; use theirs
        else:
            write_atomic(cert_path, ca.cert_pem)
    for _ in range(100):  # the winner writes the certificate right after the key
        if cert_path.exists():
            break
        time.sleep(0.02)
    else:
        raise StorageUnavailable("ca_incomplete")  # a key without its certificate
    return Authority(pki.Identity(key_path.read_bytes(), cert_path.read_bytes()), secret)


def ca_certificate(settings: Settings) -> bytes:
    """The CA certificate (PEM) that verifiers trust."""
    path = settings.keys_dir / CA_CERT
    if not path.exists():
        return ensure_ca(settings).cert_pem
    return path.read_bytes()


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` (mode 0600) whole or not at all; ``FileExistsError`` if it exists.

    Written to a temporary file first and then hard-linked into place, so that a concurrent
    reader never sees a half-written key or passphrase.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.link(tmp, path)
    finally:
        tmp.unlink()


def write_atomic(path: Path, data: bytes) -> None:
    """``path`` whole or not at all: written under a dot-name, synced, renamed into place; a
    failed write (a full disk) takes its temporary file away with it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        with tmp.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
