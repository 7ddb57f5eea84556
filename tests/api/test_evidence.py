"""Evidence upload: accepted files are hashed, stored and logged; refused ones leave nothing."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import struct
import wave
import zlib
from typing import Any

import pytest
from aiohttp import FormData
from support import Client, enter_code, file_case, login, post

from odr.domain.evidence import extension_of
from odr.i18n import translate
from odr.settings import Settings

LIMIT = 64 * 1024


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, max_upload_bytes=LIMIT)


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8 bits, RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x01" * 800)
    return out.getvalue()


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(200)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OGG = b"OggS\x00\x02" + bytes(20) + b"\x01\x1eOpusHead" + bytes(30)
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(120)
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(120)
HTML = b"<!doctype html><html><script>alert(1)</script></html>"

ACCEPTED = [
    ("photo.png", png(), "image/png"),
    ("IMG_0001.JPG", JPEG, "image/jpeg"),
    ("contract.pdf", PDF, "application/pdf"),
    ("recording.wav", wav(), "audio/wav"),
    ("voice.ogg", OGG, "audio/ogg"),
]


def form(filename: str | None, data: bytes | None, description: str | None = "合同照片") -> Any:
    body = FormData(default_to_multipart=True)
    if description is not None:
        body.add_field("description", description)
    if data is not None:
        body.add_field("file", data, filename=filename, content_type="application/octet-stream")
    return body


async def party_of_new_case(client: Client, seeded: dict[str, Any]) -> tuple[int, str]:
    filed = await file_case(client, seeded["intake_code"])
    csrf = await enter_code(client, filed["applicant"]["code"])
    return filed["case_id"], csrf


def stored_files(settings: Settings, case_id: int) -> list[str]:
    folder = settings.evidence_dir / str(case_id)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def assert_nothing_stored(client: Client, settings: Settings, case_id: int) -> None:
    listed = await client.get(f"/api/cases/{case_id}/evidence")
    if listed.status == 200:
        assert (await listed.json())["evidence"] == []
    history = await (await client.get(f"/api/cases/{case_id}/history")).json()
    if "entries" in history:
        assert "evidence.added" not in [e["kind"] for e in history["entries"]]
    assert stored_files(settings, case_id) == []  # no file, no .upload-* leftover


async def assert_refused(response: Any, status: int, code: str, lang: str, **params: Any) -> None:
    assert response.status == status, await response.text()
    error = (await response.json())["error"]
    assert error["code"] == code
    assert error["message"] == translate(f"error.{code}", lang, **params)
    assert error["message"] and error["message"] != f"error.{code}"


@pytest.mark.parametrize(("filename", "data", "media_type"), ACCEPTED)
async def test_party_uploads_evidence(
    client: Client,
    seeded: dict[str, Any],
    settings: Settings,
    filename: str,
    data: bytes,
    media_type: str,
) -> None:
    case_id, csrf = await party_of_new_case(client, seeded)
    response = await post(client, f"/api/cases/{case_id}/evidence", csrf, data=form(filename, data))
    assert response.status == 201, await response.text()
    out = await response.json()
    sha = hashlib.sha256(data).hexdigest()
    assert out["sha256"] == sha
    assert out["size"] == len(data)
    assert out["media_type"] == media_type
    assert out["filename"] == filename
    assert out["description"] == "合同照片"
    assert out["uploaded_by"].startswith("party:")
    assert stored_files(settings, case_id) == [sha]
    assert (settings.evidence_dir / str(case_id) / sha).read_bytes() == data

    listed = await (await client.get(f"/api/cases/{case_id}/evidence")).json()
    assert [e["id"] for e in listed["evidence"]] == [out["id"]]
    assert listed["evidence"][0]["sha256"] == sha

    download = await client.get(f"/api/cases/{case_id}/evidence/{out['id']}")
    assert download.status == 200
    assert await download.read() == data
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Type"] == media_type
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert disposition.endswith(
        f'evidence-{out["id"]}{extension_of(filename).replace(".jpeg", ".jpg")}"'
    )

    history = await (await client.get(f"/api/cases/{case_id}/history")).json()
    added = [e for e in history["entries"] if e["kind"] == "evidence.added"]
    assert len(added) == 1
    assert added[0]["details"]["sha256"] == sha
    assert added[0]["details"]["evidence_id"] == out["id"]
    assert added[0]["details"]["size"] == len(data)


async def test_staff_sees_and_downloads_party_evidence(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    villager, clerk = await new_client(), await new_client()
    case_id, csrf = await party_of_new_case(villager, seeded)
    uploaded = await post(villager, f"/api/cases/{case_id}/evidence", csrf, data=form("a.pdf", PDF))
    assert uploaded.status == 201
    evidence_id = (await uploaded.json())["id"]
    clerk_csrf = await login(clerk, seeded, "clerk")
    download = await clerk.get(f"/api/cases/{case_id}/evidence/{evidence_id}")
    assert await download.read() == PDF
    second = await post(
        clerk, f"/api/cases/{case_id}/evidence", clerk_csrf, data=form("b.png", png())
    )
    assert second.status == 201
    assert (await second.json())["uploaded_by"].startswith("user:")
    listed = await (await villager.get(f"/api/cases/{case_id}/evidence")).json()
    assert len(listed["evidence"]) == 2
    missing = await villager.get(f"/api/cases/{case_id}/evidence/999999")
    assert missing.status == 404


REFUSED = [
    # (filename, data, status, code, params)
    ("photo.png", ELF, 415, "file_type_not_allowed", {}),
    ("photo.png", EXE, 415, "file_type_not_allowed", {}),
    ("photo.png", HTML, 415, "file_type_not_allowed", {}),
    ("photo.jpg", b"", 415, "file_type_not_allowed", {}),
    ("photo.pdf", png(), 415, "file_type_not_allowed", {}),
    ("photo.exe", png(), 415, "file_type_not_allowed", {}),
    ("report.html", PDF, 415, "file_type_not_allowed", {}),
    ("photo", JPEG, 415, "file_type_not_allowed", {}),
    ("", JPEG, 415, "file_type_not_allowed", {}),
    ("big.png", png() + bytes(200 * 1024), 413, "file_too_large", {"limit_mb": "0.0625"}),
    ("big.png", png() + bytes(LIMIT), 413, "file_too_large", {"limit_mb": "0.0625"}),
    (None, None, 422, "missing_field", {"field_name": "file"}),
]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize(("filename", "data", "status", "code", "params"), REFUSED)
async def test_refused_upload_leaves_nothing(
    client: Client,
    seeded: dict[str, Any],
    settings: Settings,
    lang: str,
    filename: str | None,
    data: bytes | None,
    status: int,
    code: str,
    params: dict[str, Any],
) -> None:
    case_id, csrf = await party_of_new_case(client, seeded)
    headers = {"X-CSRF-Token": csrf, **({"Accept-Language": "en"} if lang == "en" else {})}
    response = await client.post(
        f"/api/cases/{case_id}/evidence", headers=headers, data=form(filename, data)
    )
    await assert_refused(response, status, code, lang, **params)
    if "field_name" in params or code == "file_type_not_allowed":
        assert (await response.json())["error"]["field"] == "file"
    await assert_nothing_stored(client, settings, case_id)


async def test_upload_must_be_multipart(
    client: Client, seeded: dict[str, Any], settings: Settings
) -> None:
    case_id, csrf = await party_of_new_case(client, seeded)
    path = f"/api/cases/{case_id}/evidence"
    as_json = await post(client, path, csrf, json={"file": "iVBORw0KGgo="})
    await assert_refused(as_json, 415, "expected_multipart", "zh-CN")
    raw = await client.post(
        path, data=png(), headers={"X-CSRF-Token": csrf, "Accept-Language": "en"}
    )
    await assert_refused(raw, 415, "expected_multipart", "en")
    no_boundary = await client.post(
        path,
        data=multipart((b'file"; filename="a.pdf"', PDF)),
        headers={"X-CSRF-Token": csrf, "Content-Type": "multipart/form-data"},
    )
    await assert_refused(no_boundary, 400, "invalid_multipart", "zh-CN")
    await assert_nothing_stored(client, settings, case_id)


def multipart(*parts: tuple[bytes, bytes]) -> bytes:
    """A hand-made multipart body (boundary ``xyz``) of (Content-Disposition tail, content)."""
    out = b"".join(
        b'--xyz\r\nContent-Disposition: form-data; name="' + head + b"\r\n\r\n" + body + b"\r\n"
        for head, body in parts
    )
    return out + b"--xyz--\r\n"


RAW_UPLOADS = [
    # (body, status, stored file name, stored description)
    (
        multipart(
            (b'description"', b"a\x00b\x1b\n" + "长".encode() * 600),
            (b'file"; filename="..\\..\\x/../\xe5\x90\x88.pdf"', PDF),
        ),
        201,
        "合.pdf",
        "ab\n" + "长" * 497,
    ),
    (multipart((b"file\"; filename*=UTF-8''a%00%E5%90%88.pdf", PDF)), 201, "a合.pdf", ""),
    (multipart((b'file"; filename="\x00.pdf"', PDF)), 400, "invalid_multipart", ""),
    (
        multipart((b'description"', b"\xff\xfe\xc3"), (b'file"; filename="a.pdf"', PDF)),
        400,
        "invalid_utf8",
        "",
    ),
    (multipart((b'file"; filename="a.png"', png()))[:-11], 400, "invalid_multipart", ""),
    (multipart((b'file"; filename="a.png"', png()))[:-40], 400, "invalid_multipart", ""),
    pytest.param(  # not UTF-8: aiohttp warns and drops the name
        multipart((b"file\"; filename*=UTF-8''a%ff.pdf", PDF)),
        415,
        "file_type_not_allowed",
        "",
        marks=pytest.mark.filterwarnings("ignore::aiohttp.multipart.BadContentDispositionParam"),
    ),
]


@pytest.mark.parametrize(("body", "status", "name_or_code", "description"), RAW_UPLOADS)
async def test_odd_description_or_filename_is_no_server_error(
    client: Client,
    seeded: dict[str, Any],
    settings: Settings,
    body: bytes,
    status: int,
    name_or_code: str,
    description: str,
) -> None:
    case_id, csrf = await party_of_new_case(client, seeded)
    response = await client.post(
        f"/api/cases/{case_id}/evidence",
        data=body,
        headers={"X-CSRF-Token": csrf, "Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert response.status == status, await response.text()
    if status == 201:
        out = await response.json()
        assert (out["filename"], out["description"]) == (name_or_code, description)
        assert stored_files(settings, case_id) == [out["sha256"]]
    else:
        await assert_refused(response, status, name_or_code, "zh-CN")
        await assert_nothing_stored(client, settings, case_id)


WHO = [
    ("stranger", "zh-CN", 401, "not_authenticated"),
    ("stranger", "en", 401, "not_authenticated"),
    ("party of another case", "zh-CN", 403, "forbidden"),
    ("party of another case", "en", 403, "forbidden"),
    ("party without CSRF header", "zh-CN", 403, "csrf_failed"),
    ("party with a wrong CSRF token", "en", 403, "csrf_failed"),
    ("party of a closed case", "zh-CN", 403, "forbidden"),
]


@pytest.mark.parametrize(("who", "lang", "status", "code"), WHO)
async def test_upload_by_the_wrong_caller_is_refused(
    new_client: Any,
    seeded: dict[str, Any],
    settings: Settings,
    who: str,
    lang: str,
    status: int,
    code: str,
) -> None:
    villager, caller = await new_client(), await new_client()
    case_id, csrf = await party_of_new_case(villager, seeded)
    headers = {"Accept-Language": lang}
    if who == "party of another case":
        headers["X-CSRF-Token"] = (await party_of_new_case(caller, seeded))[1]
    elif who == "party with a wrong CSRF token":
        caller, headers["X-CSRF-Token"] = villager, csrf[::-1]
    elif who == "party without CSRF header":
        caller = villager
    elif who == "party of a closed case":
        clerk_csrf = await login(caller, seeded, "clerk")
        path = f"/api/cases/{case_id}/transitions"
        closed = await post(caller, path, clerk_csrf, json={"target": "closed"})
        assert closed.status == 200, await closed.text()
        caller, headers["X-CSRF-Token"] = villager, csrf
    path = f"/api/cases/{case_id}/evidence"
    response = await caller.post(path, headers=headers, data=form("a.png", png()))
    await assert_refused(response, status, code, lang)
    await assert_nothing_stored(villager, settings, case_id)
