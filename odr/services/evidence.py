"""Evidence files: checked by name and magic bytes, capped in size, hashed, kept on disk.

A file is written to a temporary name, flushed to disk, and renamed to its SHA-256 inside the
case's folder before its row is committed: there is never a row without its file. A crash or
a refused row can leave a file without a row (a temporary one, or a content-addressed one that
the same upload, tried again, reuses).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from odr.domain import access
from odr.domain.actors import Actor
from odr.domain.evidence import SNIFF_BYTES, FileType, classify
from odr.errors import InvalidInput, NotFound, TooLarge, storage_error
from odr.services import audit
from odr.services.audit import AuditKey
from odr.services.lookup import case_for
from odr.store.models import Evidence


@dataclass(frozen=True)
class Received:
    path: Path
    kind: FileType
    size: int
    sha256: str


def limit_mb(max_bytes: int) -> str:
    """The upload cap for messages: ``20`` for 20 MiB, ``0.0625`` for 64 KiB (never ``0``)."""
    return f"{max_bytes / 2**20:.4g}"


async def receive(
    folder: Path, filename: str, chunks: AsyncIterator[bytes], max_bytes: int
) -> Received:
    """Write an upload under ``folder``, refusing it as soon as it is known to be unwanted."""
    try:
        return await _receive(folder, filename, chunks, max_bytes)
    except OSError as exc:
        raise storage_error(exc) from exc


async def _receive(
    folder: Path, filename: str, chunks: AsyncIterator[bytes], max_bytes: int
) -> Received:
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    tmp = folder / f".upload-{uuid.uuid4().hex}"
    digest = hashlib.sha256()
    size = 0
    head = b""
    kind: FileType | None = None
    out = await asyncio.to_thread(open, tmp, "wb")
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge("file_too_large", field="file", limit_mb=limit_mb(max_bytes))
            if kind is None:
                head += chunk[:SNIFF_BYTES]
                if len(head) >= SNIFF_BYTES:
                    kind = _kind(filename, head)
            digest.update(chunk)
            await asyncio.to_thread(out.write, chunk)
        if kind is None:
            kind = _kind(filename, head)
        await asyncio.to_thread(_flush, out)
    except BaseException:
        with contextlib.suppress(OSError):  # closing flushes, and a full disk refuses that too
            out.close()
        tmp.unlink(missing_ok=True)
        raise
    out.close()
    final = folder / digest.hexdigest()
    await asyncio.to_thread(_publish, tmp, final)
    return Received(final, kind, size, digest.hexdigest())


def _kind(filename: str, head: bytes) -> FileType:
    kind = classify(filename, head)
    if kind is None:
        raise InvalidInput("file_type_not_allowed", field="file", status=415)
    return kind


def _flush(out: object) -> None:
    out.flush()  # type: ignore[attr-defined]
    os.fsync(out.fileno())  # type: ignore[attr-defined]


def _publish(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)
    fd = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def case_folder(evidence_dir: Path, case_id: int) -> Path:
    return evidence_dir / str(case_id)


def check_may_add(session: Session, actor: Actor, case_id: int, *, lock: bool = False) -> None:
    case_for(session, actor, case_id, access.can_add_evidence, lock=lock)


def record(
    session: Session,
    key: AuditKey,
    actor: Actor,
    actor_ref: str,
    case_id: int,
    filename: str,
    received: Received,
    description: str,
) -> Evidence:
    check_may_add(session, actor, case_id, lock=True)  # it may have closed during the upload
    row = Evidence(
        case_id=case_id,
        uploaded_by=actor_ref,
        filename=filename[-255:],
        media_type=received.kind.media_type,
        size=received.size,
        sha256=received.sha256,
        description=description[:500],
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        key,
        "evidence.added",
        actor_ref,
        case_id,
        evidence_id=row.id,
        sha256=row.sha256,
        size=row.size,
        media_type=row.media_type,
    )
    return row


def list_for(session: Session, actor: Actor, case_id: int) -> list[Evidence]:
    case_for(session, actor, case_id)
    query = select(Evidence).where(Evidence.case_id == case_id).order_by(col(Evidence.id))
    return list(session.exec(query))


def get(session: Session, actor: Actor, case_id: int, evidence_id: int) -> Evidence:
    case_for(session, actor, case_id)
    row = session.get(Evidence, evidence_id)
    if row is None or row.case_id != case_id:
        raise NotFound("evidence_not_found", field="evidence_id")
    return row
