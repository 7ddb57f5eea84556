"""``odr serve``: start the server, telling the person at the terminal where to go."""

from __future__ import annotations

import json
import logging

from aiohttp import web

from odr.http.app import create_app
from odr.settings import Settings


def serve(settings: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app(settings)

    async def announce(_app: web.Application) -> None:
        print(f"微法庭 ODR is serving on {settings.public_url}/", flush=True)
        print(f"  data folder: {settings.data_dir.resolve()}", flush=True)
        demo = settings.data_dir / "demo.json"
        if demo.exists():
            seeded = json.loads(demo.read_text("utf-8"))
            print(
                f"  villagers apply there with the intake code {seeded['intake_code']}"
                f" ({seeded['microcourt']})",
                flush=True,
            )
            print(f"  staff log in there with (see {demo}):", flush=True)
            for user in seeded["users"]:
                print(f"    {user['role']:<9} {user['username']} / {user['password']}", flush=True)
        else:
            print("  add staff with: odr user add NAME --role ROLE --password-stdin", flush=True)

    app.on_startup.append(announce)
    access_log = logging.getLogger("aiohttp.access") if settings.access_log else None
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=access_log)
