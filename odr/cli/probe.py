"""``odr probe``: join a hearing as a synthetic participant and report what arrives.

Operators check a terminal's link or a deployment with it; the tests use it too. The client
itself is ``signaling.probe``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from typing import Any

import aiohttp

from odr.i18n import DEFAULT, LANGUAGES, translate
from signaling.probe import Probe, ProbeError
from signaling.turn_check import turn_error


def add_parser(sub: Any) -> None:
    probe = sub.add_parser(
        "probe", help="join a hearing with synthetic audio and video; report what arrives"
    )
    probe.add_argument("--server", required=True, help="the server's URL, e.g. https://odr.example")
    who = probe.add_mutually_exclusive_group(required=True)
    who.add_argument("--code", help="a party's personal code")
    who.add_argument("--user", help="a staff user name (password on standard input)")
    probe.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    probe.add_argument("--hearing", type=int, required=True, help="the hearing's id")
    probe.add_argument("--admit-all", action="store_true", help="as host: admit the lobby")
    probe.add_argument("--seconds", type=float, default=10.0, help="how long to stay (10)")
    probe.add_argument("--origin", help="the Origin to send (default: the server's URL)")
    probe.add_argument("--width", type=int, default=320)
    probe.add_argument("--height", type=int, default=240)
    probe.add_argument("--fps", type=int, default=15)
    probe.add_argument(
        "--relay-only", action="store_true", help="media through the TURN relay only (a test)"
    )
    probe.add_argument("--json", action="store_true", help="print JSON")
    probe.add_argument("--lang", choices=LANGUAGES, default=DEFAULT, help="language of the text")


def run(args: argparse.Namespace) -> int:
    password = None
    if args.user is not None:
        if not args.password_stdin:
            print(translate("cli.probe.needs_password", args.lang), file=sys.stderr)
            return 2
        password = sys.stdin.readline().rstrip("\n")
    try:
        report = asyncio.run(
            run_probe(
                args.server,
                args.hearing,
                code=args.code,
                user=args.user,
                password=password,
                seconds=max(0.0, args.seconds),
                admit_all=args.admit_all,
                origin=args.origin,
                width=args.width,
                height=args.height,
                fps=args.fps,
                relay_only=args.relay_only,
                lang=args.lang,
            )
        )
    except ProbeError as exc:
        message = translate(
            "cli.probe.failed", args.lang, message=exc.message or exc.code, code=exc.code
        )
        print(message, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(describe(report, args.lang))
    return 0 if report["media_connected"] else 1


async def run_probe(
    server: str,
    hearing_id: int,
    *,
    code: str | None = None,
    user: str | None = None,
    password: str | None = None,
    seconds: float = 10.0,
    admit_all: bool = False,
    origin: str | None = None,
    width: int = 320,
    height: int = 240,
    fps: int = 15,
    relay_only: bool = False,
    lang: str = DEFAULT,
) -> dict[str, Any]:
    """Log in, join, stay ``seconds``, and return the report (``odr probe``); a relay-only
    probe that cannot get through the TURN relay fails at once (`ProbeError`)."""
    probe = Probe(
        server,
        hearing_id,
        origin=origin,
        width=width,
        height=height,
        fps=fps,
        admit_all=admit_all,
        lang=lang,
        relay_only=relay_only,
        reconnect=True,  # as the browser does: a lost link is joined again on its own
    )
    try:
        try:
            if code is not None:
                await probe.login_code(code)
            else:
                await probe.login_user(user or "", password or "")
        except aiohttp.ClientError as exc:
            raise ProbeError("unreachable", f"{server}: {exc}") from None
        await probe.connect()
        with contextlib.suppress(TimeoutError):  # stay ``seconds``, unless the relay failed
            await probe.wait_for(lambda s: turn_error(probe.errors) is not None, seconds)
        failed = turn_error(probe.errors)
        if failed is not None:
            raise ProbeError(failed["code"], failed["message"])
        report = probe.report()
        report["media_connected"] = probe.pc is not None and probe.pc.connectionState == "connected"
        return report
    finally:
        await probe.close()


def describe(report: dict[str, Any], lang: str = DEFAULT) -> str:
    """The report for people, in ``lang``."""

    def t(key: str, **params: Any) -> str:
        return translate(key, lang, **params)

    room = str(report["room"] or "")
    continuity, first = report["audio_continuity"], report["timing"]["first_audio_s"]
    lines = [
        t(
            "cli.probe.summary",
            hearing=report["hearing_id"],
            state=t(f"hearing.state.{report['hearing_state']}"),
            name=report["name"],
            presence=t(f"presence.{report['presence']}"),
            room=t(f"room.{room.split(':')[0]}") if room else "-",
        ),
        t("cli.probe.received", audio=report["audio_frames"], video=report["video_frames"]),
        t(
            "cli.probe.continuity",
            percent=f"{100 * continuity['continuity']:.1f}",
            gap=continuity["longest_gap_ms"],
            first="-" if first is None else f"{first:.2f}",
            reconnections=report["reconnections"],
        ),
    ]
    for peer in report["peers"]:
        lines.append(
            "  "
            + t(
                "cli.probe.peer",
                name=peer["name"],
                presence=t(f"presence.{peer['presence']}"),
                video=peer["video_frames"],
                heard=t("cli.probe.heard" if peer["heard"] else "cli.probe.not_heard"),
                hz=f"{peer['tone_hz']:.0f}",
                level=peer["tone_level"],
            )
        )
    return "\n".join(lines)
