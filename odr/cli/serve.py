"""``odr serve``: start the server, telling the person at the terminal where to go."""

from __future__ import annotations

import json
import logging
import resource

from aiohttp import web

from odr.http.app import create_app
from odr.i18n import translate
from odr.settings import Settings

log = logging.getLogger(__name__)
# When the hard limit is unlimited, as many as this (Linux refuses more than fs.nr_open).
UNLIMITED_OPEN_FILES = 1 << 20


def raise_open_files_limit() -> int:
    """Every hearing connection holds a socket: the soft limit of open files goes up to the
    hard one (a service gets 1024 soft by default, systemd's hard limit is far higher), or
    the server stops accepting at about a thousand connections. Returns the limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = UNLIMITED_OPEN_FILES if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            log.warning("could not raise the limit of open files above %d", soft)
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def serve(settings: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log.info("open files limit %d", raise_open_files_limit())
    app = create_app(settings)

    async def announce(_app: web.Application) -> None:
        def say(key: str, **params: object) -> None:
            print(translate(key, settings.default_language, **params), flush=True)

        say("cli.serve.serving", url=f"{settings.public_url}/")
        say("cli.serve.data", path=settings.data_dir.resolve())
        demo = settings.data_dir / "demo.json"
        if demo.exists():
            seeded = json.loads(demo.read_text("utf-8"))
            say(
                "cli.serve.intake",
                intake_code=seeded["intake_code"],
                microcourt=seeded["microcourt"],
            )
            say("cli.serve.logins", path=demo)
            for user in seeded["users"]:
                print(f"    {user['role']:<9} {user['username']} / {user['password']}", flush=True)
        else:
            say("cli.serve.add_staff")

    app.on_startup.append(announce)
    access_log = logging.getLogger("aiohttp.access") if settings.access_log else None
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=access_log)
