"""``odr init`` makes the court CA, ``odr demo`` seeds a confirmed ruling, ``odr verify``
checks files (exit 0 only when intact and trusted) -- as real subprocesses."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from procs import odr
from support import make_settings

from odr.services import audit, settlement_records
from odr.services.startup import opened_store
from odr.store.models import DocumentFile


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_creates_the_court_ca_once(tmp_path: Path, db_url: str) -> None:
    data_dir = tmp_path / "data"
    done = odr(data_dir, db_url, "init")
    assert done.returncode == 0, done.stderr
    keys = data_dir / "keys"
    assert "法院认证机构证书" in done.stdout and "ca-passphrase" in done.stdout  # zh-CN: default
    assert (keys / "court-ca.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    key_pem = (keys / "court-ca.key.pem").read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in key_pem  # encrypted at rest
    assert _mode(keys / "court-ca.key.pem") == 0o600
    assert _mode(keys / "ca-passphrase") == 0o600
    again = odr(data_dir, db_url, "init")
    assert again.returncode == 0, again.stderr
    assert (keys / "court-ca.key.pem").read_bytes() == key_pem  # kept, not replaced


def test_demo_seeds_a_confirmed_ruling_once(tmp_path: Path, db_url: str) -> None:
    data_dir = tmp_path / "data"
    first = odr(data_dir, db_url, "demo", "--json", timeout=240)
    assert first.returncode == 0, first.stderr
    documents = json.loads(first.stdout)["documents"]
    assert documents["ca_url"].endswith("/api/ca.pem")
    assert documents["agreement_url"].endswith("/document.pdf")
    assert documents["ruling_url"].endswith("/document.pdf")
    second = odr(data_dir, db_url, "demo", "--json", timeout=240)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["documents"] == documents  # idempotent

    settings = make_settings(data_dir, db_url)
    ruling_ref = documents["ruling_url"].split("/")[-2]
    with opened_store(settings) as (db, key):
        ruling: DocumentFile = db.read_sync(settlement_records.public_file, ruling_ref)
        record = db.read_sync(settlement_records.record_by_ref, ruling_ref)
        log = db.read_sync(audit.verify, key.public)
    assert log.ok, log.problems
    assert record.state == "confirmed"
    path = settlement_records.file_path(settings.documents_dir, ruling.case_id, ruling.sha256)
    done = odr(data_dir, db_url, "verify", "--lang", "en", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "final document" in done.stdout and "Judge" in done.stdout
    done = odr(data_dir, db_url, "verify", str(path))  # the court's language by default
    assert "最终文书" in done.stdout and "审判员" in done.stdout
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(path.read_bytes() + b"\n%% appended\n")
    done = odr(data_dir, db_url, "verify", "--lang", "en", str(altered))
    assert done.returncode == 1, done.stdout
    assert "FAILED" in done.stdout


def test_verify_without_a_file_or_a_ca_exits_2(tmp_path: Path, db_url: str) -> None:
    missing = odr(tmp_path / "data", db_url, "verify", str(tmp_path / "nope.pdf"), lang="en")
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr and "Traceback" not in missing.stderr
    pdf = tmp_path / "some.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    ca = str(tmp_path / "ca.pem")
    no_ca = odr(tmp_path / "empty", db_url, "verify", "--ca", ca, str(pdf), lang="en")
    assert no_ca.returncode == 2
    assert "no CA certificate" in no_ca.stderr
    (tmp_path / "ca.pem").write_text("not a certificate")
    bad_ca = odr(tmp_path / "empty", db_url, "verify", "--ca", ca, str(pdf), lang="en")
    assert bad_ca.returncode == 2, bad_ca.stdout + bad_ca.stderr
    assert "not a PEM certificate" in bad_ca.stderr and "Traceback" not in bad_ca.stderr
    garbage = odr(tmp_path / "data", db_url, "init")
    assert garbage.returncode == 0
    done = odr(tmp_path / "data", db_url, "verify", "--json", str(pdf))
    assert done.returncode == 1
    assert json.loads(done.stdout)["problems"] == ["ui.verify.unreadable"]
