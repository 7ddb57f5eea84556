"""The front end is served from ODR_WEB_DIR: an installed package (the Docker image) has no
checkout beside it, so the folder is a setting, and a missing folder leaves the API working."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from support import make_settings

from odr.http.app import create_app
from odr.settings import Settings


def test_the_setting_comes_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.load({"ODR_WEB_DIR": str(tmp_path / "front")})
    assert settings.web_dir == tmp_path / "front"
    assert (Settings().web_dir / "kiosk.html").is_file()  # the checkout's web/ by default


async def test_pages_come_from_the_named_folder(tmp_path: Path, db_url: str) -> None:
    front = tmp_path / "front"
    (front / "js").mkdir(parents=True)
    (front / "kiosk.html").write_text("<p>kiosk of this image</p>", encoding="utf-8")
    (front / "js" / "app.js").write_text("export {};", encoding="utf-8")
    app = create_app(make_settings(tmp_path / "data", db_url, web_dir=front))
    async with TestClient(TestServer(app)) as client:
        page = await client.get("/kiosk")
        assert page.status == 200 and "kiosk of this image" in await page.text()
        script = await client.get("/static/js/app.js")
        assert script.status == 200 and await script.text() == "export {};"


async def test_without_a_front_end_the_api_still_answers(tmp_path: Path, db_url: str) -> None:
    app = create_app(make_settings(tmp_path / "data", db_url, web_dir=tmp_path / "missing"))
    async with TestClient(TestServer(app)) as client:
        assert (await client.get("/kiosk")).status == 404
        health = await client.get("/healthz")
        assert health.status == 200
