"""The audit log catches tampering done directly in the database, on SQLite and PostgreSQL.

The log is built by real events (the demo seed, cases filed through the services, a code
redeemed), then rows are changed with plain SQL as someone with database access but without
the signing key would do, and the real ``odr audit verify`` must fail and say what is wrong.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from procs import odr
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session, col, select
from support import filing

from odr.cli import demo
from odr.domain import merkle
from odr.services import audit, cases, codes
from odr.services.audit import AuditKey
from odr.services.schemas import FileCaseIn
from odr.services.startup import opened_store
from odr.settings import Settings
from odr.store.db import Database, migrate
from odr.store.models import AuditEntry, AuditHead

CASES = 4


@dataclass
class Log:
    data_dir: Path
    db_url: str
    engine: Engine
    size: int

    def verify(self) -> subprocess.CompletedProcess[str]:
        return odr(self.data_dir, self.db_url, "audit", "verify", lang="en")

    def sql(self, statement: str, **params: object) -> int:
        with self.engine.begin() as conn:
            return conn.execute(text(statement), params).rowcount

    def entries(self) -> list[AuditEntry]:
        with Session(self.engine) as session:
            return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))))


@pytest.fixture
def log(tmp_path: Path, db_url: str) -> Iterator[Log]:
    settings = Settings(
        data_dir=tmp_path / "data", database_url=db_url, argon2_time_cost=1, argon2_memory_kib=1024
    )
    with opened_store(settings) as (db, key):
        seeded = demo.seed(settings, db, key)
        data = FileCaseIn.model_validate(filing(seeded["intake_code"]))
        filed = [db.write_sync(cases.file_case, key, data, "192.0.2.1") for _ in range(CASES)]
        db.write_sync(codes.redeem, key, filed[0].code, "192.0.2.1")
        size = db.read_sync(audit.tree_head).size
    engine = create_engine(db_url)
    try:
        yield Log(settings.data_dir, db_url, engine, size)
    finally:
        engine.dispose()


def failed(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The FAIL lines of a failed ``odr audit verify``."""
    assert done.returncode == 1, done.stdout + done.stderr
    assert "audit log FAILED verification" in done.stdout
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines and all(line.startswith("FAIL: ") for line in lines), done.stderr
    return [line.removeprefix("FAIL: ") for line in lines]


def test_untouched_log_verifies(log: Log) -> None:
    # demo: court, micro-court, 4 users; per case: filed + code issued; one code redeemed
    assert log.size == 6 + 2 * CASES + 1
    kinds = [e.kind for e in log.entries()]
    assert kinds.count("case.filed") == CASES
    assert [e.seq for e in log.entries()] == list(range(log.size))
    done = log.verify()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"audit log OK: {log.size} entries, root ")
    root = done.stdout.split("root ")[1].strip()
    assert root == log.entries()[-1].root
    assert root == merkle.root_of([bytes.fromhex(e.leaf_hash) for e in log.entries()]).hex()


def test_changed_payload_is_caught(log: Log) -> None:
    seq = next(e.seq for e in log.entries() if e.kind == "case.filed")
    payload = json.loads(log.entries()[seq].payload)
    payload["number"] = "LA-1999-00001"
    changed = audit.canonical_json(payload)
    assert log.sql("UPDATE audit_entry SET payload = :p WHERE seq = :s", p=changed, s=seq) == 1
    problems = failed(log.verify())
    assert f"entry {seq} was altered (leaf hash differs)" in problems


def test_changed_actor_is_caught(log: Log) -> None:
    seq = log.size - 1
    assert log.sql("UPDATE audit_entry SET actor = 'user:1' WHERE seq = :s", s=seq) == 1
    assert failed(log.verify())[0] == f"entry {seq} was altered (leaf hash differs)"


def test_payload_that_is_no_longer_json_is_reported_not_crashed_on(log: Log) -> None:
    assert log.sql("UPDATE audit_entry SET payload = '{broken' WHERE seq = 2") == 1
    problems = failed(log.verify())
    assert problems[:2] == [
        "entry 2 was altered (payload is not JSON)",
        "entry 2: tree head root differs",
    ]
    assert not any("leaf hash" in p for p in problems)


def test_garbled_root_and_signature_are_reported_not_crashed_on(log: Log) -> None:
    assert log.sql("UPDATE audit_entry SET root = 'zz', signature = 'nothex' WHERE seq = 1") == 1
    assert log.sql("UPDATE audit_head SET root = 'zz'") == 1
    assert failed(log.verify()) == [
        "entry 1: tree head root differs",
        "entry 1: tree head signature is invalid",
        "the signed tree head does not match the entries",
        "the tree head signature is invalid",
    ]


def test_deleted_middle_entry_is_caught(log: Log) -> None:
    seq = log.size // 2
    assert log.sql("DELETE FROM audit_entry WHERE seq = :s", s=seq) == 1
    assert failed(log.verify()) == [f"entry {seq} is missing (next is {seq + 1})"]


def test_deleted_first_entry_is_caught(log: Log) -> None:
    assert log.sql("DELETE FROM audit_entry WHERE seq = 0") == 1
    assert failed(log.verify()) == ["entry 0 is missing (next is 1)"]


def test_deleted_last_entry_is_caught(log: Log) -> None:
    assert log.sql("DELETE FROM audit_entry WHERE seq = :s", s=log.size - 1) == 1
    problems = failed(log.verify())
    assert problems == [f"log holds {log.size - 1} entries, its signed head says {log.size}"]


def _rewrite(log: Log, seq: int, actor: str, forge: Ed25519PrivateKey | None) -> None:
    """Change entry ``seq`` and recompute its leaf hash, and with ``forge`` every root after
    it too, re-signed with a key of the attacker's own, and the head to match."""
    entries = log.entries()
    frontier: list[bytes] = []
    for entry in entries:
        if entry.seq == seq:
            entry.actor = actor
            body = audit.entry_bytes(
                entry.seq, entry.created_at, entry.kind, actor, entry.case_id, entry.payload
            )
            entry.leaf_hash = merkle.leaf_hash(body).hex()
        frontier = merkle.append(frontier, entry.seq, bytes.fromhex(entry.leaf_hash))
        if forge is not None and entry.seq >= seq:
            root = merkle.frontier_root(frontier)
            ts = int(entry.created_at.timestamp() * 1000)
            entry.root = root.hex()
            entry.signature = forge.sign(merkle.tree_head_message(entry.seq + 1, ts, root)).hex()
        if entry.seq >= seq:
            log.sql(
                "UPDATE audit_entry SET actor = :a, leaf_hash = :l, root = :r, signature = :g"
                " WHERE seq = :s",
                a=entry.actor, l=entry.leaf_hash, r=entry.root, g=entry.signature, s=entry.seq,
            )  # fmt: skip
    if forge is not None:
        last = entries[-1]
        log.sql(
            "UPDATE audit_head SET root = :r, signature = :g, frontier = :f",
            r=last.root,
            g=last.signature,
            f=json.dumps([h.hex() for h in frontier]),
        )


def test_changed_entry_with_recomputed_leaf_hash_is_caught_by_the_signed_root(log: Log) -> None:
    seq = 3
    _rewrite(log, seq, "user:999", forge=None)
    problems = failed(log.verify())
    assert f"entry {seq}: tree head root differs" in problems
    assert not any("altered" in p for p in problems)  # the leaf hash itself now matches


def test_whole_tree_recomputed_and_resigned_without_the_key_is_caught(log: Log) -> None:
    seq = 3
    _rewrite(log, seq, "user:999", forge=Ed25519PrivateKey.generate())
    problems = failed(log.verify())
    # Every hash is consistent again; only the signatures, made with the wrong key, give it away.
    expected = [f"entry {n}: tree head signature is invalid" for n in range(seq, log.size)]
    assert problems == [*expected, "the tree head signature is invalid"]


def test_tree_head_ahead_of_the_entries_is_caught(log: Log) -> None:
    assert log.sql("UPDATE audit_head SET size = size + 1") == 1
    assert failed(log.verify())[0] == (
        f"log holds {log.size} entries, its signed head says {log.size + 1}"
    )


def test_verify_with_another_key_fails_every_signature(log: Log) -> None:
    other = AuditKey(Ed25519PrivateKey.generate())
    db = Database(log.db_url)
    try:
        result = db.read_sync(audit.verify, other.public)
    finally:
        db.close()
    assert not result.ok
    assert len(result.problems) == log.size + 1


def test_empty_log_verifies(db_url: str, tmp_path: Path) -> None:
    key = AuditKey.load_or_create(tmp_path / "key.pem")
    migrate(db_url)
    db = Database(db_url)
    try:
        bare = db.read_sync(audit.verify, key.public)  # before any tree head exists
        db.write_sync(audit.ensure_head)
        headed = db.read_sync(audit.verify, key.public)
        head = db.read_sync(lambda s: s.exec(select(AuditHead)).one())
    finally:
        db.close()
    for result in (bare, headed):
        assert result.ok, result.problems
        assert result.size == 0
        assert result.root == merkle.EMPTY_ROOT.hex()
    assert head.size == 0


def test_verify_of_a_live_log_is_not_fooled_by_an_append_landing_meanwhile(log: Log) -> None:
    """``odr audit verify`` on a running server: a new entry may commit between the queries
    that read the entries and the one that reads the signed head. That is no tampering."""
    key = AuditKey.load_or_create(log.data_dir / "keys" / "audit-ed25519.pem")
    writer, reader = Database(log.db_url), Database(log.db_url)

    def verify_while_appending(session: Session) -> audit.Verification:
        original = session.exec
        queries = 0

        def exec_then_append(*args: Any, **kwargs: Any) -> Any:
            nonlocal queries
            result = original(*args, **kwargs)
            queries += 1
            if queries == 2:  # the entries are read (batch 1, then an empty batch 2)
                writer.write_sync(audit.append, key, "test.event", "test")
            return result

        session.exec = exec_then_append  # type: ignore[method-assign]
        return audit.verify(session, key.public)

    try:
        result = reader.read_sync(verify_while_appending)
    finally:
        writer.close()
        reader.close()
    assert result.ok, result.problems
    assert result.size == log.size  # the snapshot it started from
    assert log.verify().returncode == 0  # and the log with the new entry is sound too
