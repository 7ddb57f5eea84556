"""The ``odr`` command: serve, init, user/court/microcourt add, audit verify, demo."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from odr.cli import demo
from odr.cli import probe as probe_cli
from odr.cli import verify as verify_cli
from odr.domain import codes
from odr.domain.actors import Role
from odr.errors import OdrError
from odr.i18n import DEFAULT, translate
from odr.services import audit, courts
from odr.services.startup import opened_store
from odr.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="odr", description="微法庭 online dispute resolution")
    parser.add_argument("--data-dir", type=Path, help="data folder (ODR_DATA_DIR, default ./data)")
    parser.add_argument("--database-url", help="SQLAlchemy URL (ODR_DATABASE_URL)")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the server")
    serve.add_argument("--host", help="ODR_HOST, default 127.0.0.1")
    serve.add_argument("--port", type=int, help="ODR_PORT, default 8080")

    sub.add_parser("init", help="create the data folder, database and keys")

    user = sub.add_parser("user", help="staff users").add_subparsers(dest="action", required=True)
    user_add = user.add_parser("add", help="add a staff user")
    user_add.add_argument("name")
    user_add.add_argument("--role", required=True, choices=[r.value for r in Role])
    user_add.add_argument("--court", help="the court's short code (not for a platform admin)")
    user_add.add_argument(
        "--microcourt",
        type=int,
        action="append",
        default=[],
        help="micro-court id this mediator serves (repeatable)",
    )
    user_add.add_argument("--display-name", default="")
    user_add.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input",
    )

    court = sub.add_parser("court", help="courts").add_subparsers(dest="action", required=True)
    court_add = court.add_parser("add", help="add a court")
    court_add.add_argument("name")
    court_add.add_argument("--short-code", required=True, help="e.g. LA, used in case numbers")
    court_add.add_argument("--place", default="")

    micro = sub.add_parser("microcourt", help="micro-courts").add_subparsers(
        dest="action", required=True
    )
    micro_add = micro.add_parser("add", help="add a micro-court; prints its intake code")
    micro_add.add_argument("name")
    micro_add.add_argument("--court", required=True, help="the court's short code")
    micro_add.add_argument("--place", default="", help="the village or town it serves")
    micro_add.add_argument("--category", action="append", default=[])

    aud = sub.add_parser("audit", help="audit log").add_subparsers(dest="action", required=True)
    aud.add_parser("verify", help="replay the audit log and check every entry and signature")

    dem = sub.add_parser("demo", help="seed a demo court, micro-court and staff")
    dem.add_argument("--json", action="store_true", help="print JSON")
    verify_cli.add_parser(sub)  # settlement documents: odr verify FILE.pdf
    probe_cli.add_parser(sub)  # hearings: odr probe --server URL --hearing ID ...
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Messages are in the court's language (ODR_DEFAULT_LANGUAGE, zh-CN by default)."""
    args = _parser().parse_args(argv)
    lang = DEFAULT
    try:
        settings = Settings.load(
            data_dir=args.data_dir,
            database_url=args.database_url,
            host=getattr(args, "host", None),
            port=getattr(args, "port", None),
        )
        lang = settings.default_language
        return _run(args, settings)
    except OdrError as exc:
        message = translate(f"error.{exc.code}", lang, **exc.params)
        line = translate("cli.error", lang, message=message)
        print(line + (f" ({exc.field})" if exc.field else ""), file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        from odr.cli.serve import serve

        serve(settings)
        return 0
    if args.command == "probe":  # hearings: a client of a server, no database
        return probe_cli.run(args)
    if args.command == "verify":  # needs no database when given --ca
        return verify_cli.run(args, settings)

    def say(key: str, to: TextIO = sys.stdout, **params: object) -> None:
        print(translate(key, settings.default_language, **params), file=to)

    with opened_store(settings) as (db, key):
        match args.command, getattr(args, "action", None):
            case "init", _:
                say(
                    "cli.init.done", data_dir=settings.data_dir, database=_safe_url(settings.db_url)
                )
                print(verify_cli.init_keys(settings))
            case "user", "add":
                password = sys.stdin.readline().rstrip("\n")
                court_id = db.read_sync(courts.court_id_of, args.court) if args.court else None
                user = db.write_sync(
                    courts.add_user,
                    key,
                    courts.password_hasher(settings),
                    args.name,
                    password,
                    Role(args.role),
                    court_id,
                    args.display_name,
                    tuple(args.microcourt),
                )
                say("cli.user.added", username=user.username, role=user.role, id=user.id)
            case "court", "add":
                court = db.write_sync(courts.add_court, key, args.name, args.short_code, args.place)
                say("cli.court.added", name=court.name, short_code=court.short_code, id=court.id)
            case "microcourt", "add":
                court_id = db.read_sync(courts.court_id_of, args.court)
                micro = db.write_sync(
                    courts.add_microcourt, key, court_id, args.name, args.place, args.category
                )
                say("cli.microcourt.added", name=micro.name, id=micro.id)
                say("cli.microcourt.intake_code", code=codes.display(micro.intake_code))
            case "audit", "verify":
                result = db.read_sync(audit.verify, key.public)
                if not result.ok:
                    for problem in result.problems:
                        say("cli.audit.problem", sys.stderr, problem=problem)
                    say("cli.audit.failed", count=len(result.problems))
                    return 1
                say("cli.audit.ok", size=result.size, root=result.root)
            case "demo", _:
                seeded = demo.seed_all(settings, db, key)
                print(
                    json.dumps(seeded, ensure_ascii=False, indent=2)
                    if args.json
                    else demo.describe(seeded, settings.default_language)
                )
    return 0


def _safe_url(url: str) -> str:
    head, sep, tail = url.rpartition("@")
    return f"{head.split('://')[0]}://…@{tail}" if sep else url
