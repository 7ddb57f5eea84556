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
from documents.pki import ROLES
from odr.i18n import LANGUAGES, translate
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
    parser.add_argument(
        "--lang", choices=LANGUAGES, help="language of the report (default: ODR_DEFAULT_LANGUAGE)"
    )


def init_keys(settings: Settings) -> str:
    """Create the court CA if it does not exist yet; a line for ``odr init`` to print."""
    generated = not settings.ca_passphrase
    court_keys.ensure_ca(settings)
    where = settings.keys_dir / court_keys.CA_CERT
    if generated:
        passphrase_file = settings.keys_dir / court_keys.PASSPHRASE_FILE
        return translate(
            "cli.init.ca_generated",
            settings.default_language,
            path=where,
            passphrase_file=passphrase_file,
        )
    return translate("cli.init.ca_own", settings.default_language, path=where)


def run(args: argparse.Namespace, settings: Settings) -> int:
    path: Path = args.file
    lang = args.lang or settings.default_language
    try:
        pdf = path.read_bytes()
    except OSError as exc:
        print(translate("cli.cannot_read", lang, path=path, reason=exc.strerror), file=sys.stderr)
        return 2
    ca_path: Path = args.ca or settings.keys_dir / court_keys.CA_CERT
    try:
        ca_pem = ca_path.read_bytes()
    except OSError:
        print(translate("cli.no_ca", lang, path=ca_path), file=sys.stderr)
        return 2
    from documents.checks import verify_bytes  # pyHanko: loaded only for this command
    from odr.errors import InvalidInput

    try:
        report = verify_bytes(pdf, ca_pem)
    except InvalidInput:
        print(translate("cli.not_pem", lang, path=ca_path), file=sys.stderr)
        return 2
    record = _record(settings, report.sha256) if args.ca is None else None
    if args.json:
        print(json.dumps(_as_json(report, record, lang), ensure_ascii=False, indent=2))
    else:
        print(_as_text(path, report, record, lang))
    return 0 if report.ok else 1


def _record(settings: Settings, sha256: str) -> str:
    with opened_store(settings) as (db, _key):
        return db.read_sync(settlement_records.match_hash, sha256).status


def _as_json(report: Report, record: str | None, lang: str) -> dict[str, Any]:
    data = asdict(report)
    data["signers"] = [
        {**s, "signed_at": s["signed_at"].isoformat() if s["signed_at"] else None}
        for s in data["signers"]
    ]
    data["problems"] = list(report.problems)
    data["unsigned_fields"] = list(report.unsigned_fields)
    data["complete"] = report.complete
    data["messages"] = [translate(p, lang) for p in report.problems]
    data["record"] = record
    return data


def _as_text(path: Path, report: Report, record: str | None, lang: str) -> str:
    def t(key: str, **params: Any) -> str:
        return translate(key, lang, **params)

    def role(name: str) -> str:
        return t(f"doc.role.{name}") if name in ROLES else name or "?"

    lines = [f"{path}: {t('ui.verify.ok' if report.ok else 'ui.verify.not_ok')}"]
    lines.append(f"  {t('ui.verify.sha256')}: {report.sha256}")
    if report.kind:
        lines.append(f"  {t('ui.verify.kind')}: {t(f'ui.verify.kind.{report.kind}')}")
    if report.case_number:
        lines.append(f"  {t('ui.verify.case')}: {report.case_number}")
    for s in report.signers:
        when = s.signed_at.isoformat() if s.signed_at else "?"
        state = [
            t("ui.verify.intact" if s.intact else "ui.verify.broken"),
            t("ui.verify.trusted" if s.trusted else "ui.verify.untrusted"),
            t("ui.verify.covers_all" if s.covers_whole_document else "ui.verify.later_revisions"),
        ]
        lines.append(
            f"  {role(s.role or s.field)}: {s.name}, {t('ui.verify.signed_at')} {when}; "
            + "; ".join(state)
        )
    if report.unsigned_fields:
        roles = ", ".join(role(f) for f in report.unsigned_fields)
        lines.append(f"  {t('ui.verify.incomplete', roles=roles)}")
    if report.embedded_agreement_sha256:
        matches = t(
            "ui.verify.embedded_matches"
            if report.embedded_agreement_matches
            else "ui.verify.embedded_mismatch"
        )
        lines.append(f"  {t('ui.verify.embedded')}: {report.embedded_agreement_sha256} ({matches})")
    lines += [f"  ! {t(p)}" for p in report.problems]
    if record is not None:
        lines.append(f"  {t('ui.verify.record')}: {t(f'ui.verify.record.{record}')}")
    return "\n".join(lines)
