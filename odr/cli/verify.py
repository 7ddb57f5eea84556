"""``odr verify FILE.pdf [--json] [--ca CA.pem]`` and the court CA made by ``odr init``.

Exit status 0 only when every signature is intact and trusted (issued by the court CA) and
nothing changed after the last signature; 1 when the file fails; 2 when it cannot be checked
at all (no such file, no CA). With the data folder's own CA (no ``--ca``), the file's sha256
is also compared with the court's public record.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from documents import court_keys
from odr.i18n import translate
from odr.services import settlement_records
from odr.services.startup import opened_store
from odr.settings import Settings

if TYPE_CHECKING:
    from documents.verify import Report


def add_parser(sub: Any) -> None:
    """Register ``odr verify`` on the top-level sub-parsers."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "verify", help="check a signed agreement or ruling (PDF); exit 0 only when it is intact"
    )
    parser.add_argument("file", type=Path, help="the PDF to check")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--ca", type=Path, help="trust this CA certificate (PEM) instead of the data folder's"
    )


def init_keys(settings: Settings) -> str:
    """Create the court CA if it does not exist yet; a line for ``odr init`` to print."""
    generated = not settings.ca_passphrase
    court_keys.ensure_ca(settings)
    where = settings.keys_dir / court_keys.CA_CERT
    if generated:
        return (
            f"court CA: {where} (key encrypted with the generated passphrase in "
            f"{settings.keys_dir / court_keys.PASSPHRASE_FILE}; set ODR_CA_PASSPHRASE to use your own)"
        )
    return f"court CA: {where} (key encrypted with ODR_CA_PASSPHRASE)"


def run(args: argparse.Namespace, settings: Settings) -> int:
    path: Path = args.file
    try:
        pdf = path.read_bytes()
    except OSError as exc:
        print(f"odr: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    ca_path: Path = args.ca or settings.keys_dir / court_keys.CA_CERT
    try:
        ca_pem = ca_path.read_bytes()
    except OSError:
        print(f"odr: no CA certificate at {ca_path} (use --ca)", file=sys.stderr)
        return 2
    from documents.checks import verify_bytes  # pyHanko: loaded only for this command

    report = verify_bytes(pdf, ca_pem)
    record = _record(settings, report.sha256) if args.ca is None else None
    if args.json:
        print(json.dumps(_as_json(report, record), ensure_ascii=False, indent=2))
    else:
        print(_as_text(path, report, record))
    return 0 if report.ok else 1


def _record(settings: Settings, sha256: str) -> str:
    with opened_store(settings) as (db, _key):
        return db.read_sync(settlement_records.match_hash, sha256).status


def _as_json(report: Report, record: str | None) -> dict[str, Any]:
    data = asdict(report)
    data["signers"] = [
        {**s, "signed_at": s["signed_at"].isoformat() if s["signed_at"] else None}
        for s in data["signers"]
    ]
    data["problems"] = list(report.problems)
    data["messages"] = [translate(p, "en") for p in report.problems]
    data["record"] = record
    return data


def _as_text(path: Path, report: Report, record: str | None) -> str:
    lines = [
        f"{path}: {'OK' if report.ok else 'FAILED'}",
        f"  sha256   {report.sha256}",
    ]
    if report.kind or report.case_number:
        lines.append(f"  document {report.kind or '?'} of case {report.case_number or '?'}")
    for s in report.signers:
        when = s.signed_at.isoformat() if s.signed_at else "?"
        state = ", ".join(
            [
                "intact" if s.intact else "BROKEN",
                "trusted" if s.trusted else "UNTRUSTED",
                "covers the whole file" if s.covers_whole_document else "later revisions follow",
            ]
        )
        lines.append(f"  signed   {s.field}: {s.name} ({s.role}) at {when}; {state}")
    if report.embedded_agreement_sha256:
        matches = "matches" if report.embedded_agreement_matches else "DOES NOT match"
        lines.append(f"  attached agreement {report.embedded_agreement_sha256} ({matches})")
    lines += [f"  problem  {translate(p, 'en')}" for p in report.problems]
    if record is not None:
        lines.append(f"  record   {translate(f'ui.verify.record.{record}', 'en')}")
    return "\n".join(lines)
