"""The append-only audit log: a Merkle tree (RFC 9162 style) with a signed tree head per entry.

Every append happens inside the transaction of the event it records, so an event and its
audit entry are stored together or not at all. ``verify`` replays the log from the rows alone
and reports any entry whose content, order or tree head does not match.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlmodel import Session, col, select

from odr.domain import merkle
from odr.store.models import AuditEntry, AuditHead
from odr.store.types import utcnow


class AuditKey:
    """The Ed25519 key that signs tree heads, kept in the data folder (mode 0600)."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.public: Ed25519PublicKey = private.public_key()

    @classmethod
    def load_or_create(cls, path: Path) -> AuditKey:
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            assert isinstance(key, Ed25519PrivateKey)
            return cls(key)
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
            out.flush()
            os.fsync(out.fileno())
        return cls(private)

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    def public_pem(self) -> str:
        return self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")


def entry_bytes(
    seq: int, created_at: datetime, kind: str, actor: str, case_id: int | None, payload: str
) -> bytes:
    """The exact bytes a leaf hashes: every column of the entry but its hashes."""
    record = {
        "seq": seq,
        "time": created_at.isoformat(timespec="microseconds"),
        "kind": kind,
        "actor": actor,
        "case_id": case_id,
        "payload": json.loads(payload),
    }
    return canonical_json(record).encode("utf-8")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def ensure_head(session: Session) -> None:
    if session.exec(select(AuditHead)).first() is None:
        session.add(AuditHead())


def append(
    session: Session,
    key: AuditKey,
    kind: str,
    actor: str,
    case_id: int | None = None,
    **payload: Any,
) -> AuditEntry:
    """Record one event. Call inside the transaction that makes the change it records."""
    head = session.exec(select(AuditHead).with_for_update()).one()
    now = utcnow()
    body = canonical_json(payload)
    leaf = merkle.leaf_hash(entry_bytes(head.size, now, kind, actor, case_id, body))
    frontier = merkle.append([bytes.fromhex(h) for h in json.loads(head.frontier)], head.size, leaf)
    root = merkle.frontier_root(frontier)
    timestamp_ms = int(now.timestamp() * 1000)
    signature = key.sign(merkle.tree_head_message(head.size + 1, timestamp_ms, root))
    entry = AuditEntry(
        seq=head.size,
        created_at=now,
        kind=kind,
        actor=actor,
        case_id=case_id,
        payload=body,
        leaf_hash=leaf.hex(),
        root=root.hex(),
        signature=signature.hex(),
    )
    session.add(entry)
    head.size += 1
    head.frontier = json.dumps([h.hex() for h in frontier])
    head.root = root.hex()
    head.timestamp_ms = timestamp_ms
    head.signature = signature.hex()
    session.add(head)
    return entry


def tree_head(session: Session) -> AuditHead:
    return session.exec(select(AuditHead)).one()


def case_history(session: Session, case_id: int) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(col(AuditEntry.seq))
    return list(session.exec(query))


@dataclass
class Verification:
    size: int = 0
    root: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, public: Ed25519PublicKey, batch: int = 5000) -> Verification:
    """Replay every entry; report altered, missing or reordered rows and bad signatures.

    Call it on a fresh session: the entries and the head are read from one snapshot, so that
    an entry appended meanwhile by a running server is not mistaken for tampering. (SQLite's
    read transaction is one snapshot already; PostgreSQL's default, READ COMMITTED, is not.)
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    result = Verification()
    frontier: list[bytes] = []
    expected_seq = 0
    last = -1
    while True:
        rows = session.exec(
            select(AuditEntry)
            .where(col(AuditEntry.seq) > last)
            .order_by(col(AuditEntry.seq))
            .limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            last = row.seq
            if row.seq != expected_seq:
                result.problems.append(f"entry {expected_seq} is missing (next is {row.seq})")
                return result
            try:
                data = entry_bytes(
                    row.seq, row.created_at, row.kind, row.actor, row.case_id, row.payload
                )
            except ValueError:  # a payload edited into something that is not JSON
                result.problems.append(f"entry {row.seq} was altered (payload is not JSON)")
                leaf = merkle.leaf_hash(row.payload.encode("utf-8"))
            else:
                leaf = merkle.leaf_hash(data)
                if leaf.hex() != row.leaf_hash:
                    result.problems.append(f"entry {row.seq} was altered (leaf hash differs)")
            frontier = merkle.append(frontier, row.seq, leaf)
            root = merkle.frontier_root(frontier)
            if root.hex() != row.root:
                result.problems.append(f"entry {row.seq}: tree head root differs")
            ts = int(row.created_at.timestamp() * 1000)
            if not _signed(public, row.seq + 1, ts, row.root, row.signature):
                result.problems.append(f"entry {row.seq}: tree head signature is invalid")
            expected_seq += 1
        session.expunge_all()
    result.size = expected_seq
    result.root = merkle.frontier_root(frontier).hex()
    head = session.exec(select(AuditHead)).first()
    if head is not None and head.size != expected_seq:
        result.problems.append(
            f"log holds {expected_seq} entries, its signed head says {head.size}"
        )
    elif head is not None and head.size and head.root != result.root:
        result.problems.append("the signed tree head does not match the entries")
    if (
        head is not None
        and head.size
        and not _signed(public, head.size, head.timestamp_ms, head.root, head.signature)
    ):
        result.problems.append("the tree head signature is invalid")
    return result


def _signed(public: Ed25519PublicKey, size: int, ts: int, root: str, signature: str) -> bool:
    """Whether ``signature`` (hex) signs the tree head; garbled columns are simply unsigned."""
    try:
        message = merkle.tree_head_message(size, ts, bytes.fromhex(root))
        public.verify(bytes.fromhex(signature), message)
    except (InvalidSignature, ValueError, OverflowError):
        return False
    return True
