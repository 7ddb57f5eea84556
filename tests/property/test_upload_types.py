"""Evidence uploads: any name and any bytes are stored under an allowed type or refused with
a translated 415/413, never a crash; an accepted file's content announces the type its
extension names. Properties of ``odr.domain.evidence``, of ``services.evidence.receive``
on a real folder (however the bytes arrive in chunks), and of the real upload endpoint."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData
from hypothesis import HealthCheck, example, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from strategies import EXTENSIONS, MAGIC, OPENINGS, OnLoop, file_heads, filenames
from support import Client, enter_code, file_case

from odr.domain.evidence import SNIFF_BYTES, classify, extension_of, sniff
from odr.errors import OdrError, TooLarge
from odr.i18n import translate
from odr.services.evidence import Received, receive

FAST = examples(max_examples=300, deadline=None)

# The allowed types by extension, and what a file of each must begin with, written out from
# the formats' specifications rather than read from the module under test.
Check = Callable[[bytes], bool]
RIFF: Callable[[bytes], Check] = lambda form: lambda h: h[:4] == b"RIFF" and h[8:12] == form  # noqa: E731
ORACLE: dict[str, tuple[str, Check]] = {
    ".jpg": ("image/jpeg", lambda h: h[:3] == b"\xff\xd8\xff"),
    ".png": ("image/png", lambda h: h[:8] == b"\x89PNG\r\n\x1a\n"),
    ".webp": ("image/webp", RIFF(b"WEBP")),
    ".wav": ("audio/wav", RIFF(b"WAVE")),
    ".pdf": ("application/pdf", lambda h: h[:5] == b"%PDF-"),
    ".mp3": ("audio/mpeg", lambda h: h[:3] == b"ID3" or (len(h) > 1 and h[0] == 0xFF and h[1] >= 0xE0)),
    ".aac": ("audio/aac", lambda h: len(h) > 1 and h[0] == 0xFF and h[1] & 0xF6 == 0xF0),
    ".ogg": ("audio/ogg", lambda h: h[:4] == b"OggS"),
    ".m4a": ("audio/mp4", lambda h: h[4:8] == b"ftyp"),
    ".webm": ("audio/webm", lambda h: h[:4] == b"\x1a\x45\xdf\xa3"),
}  # fmt: skip
ORACLE[".jpeg"] = ORACLE[".jpg"]
ORACLE[".oga"] = ORACLE[".opus"] = ORACLE[".ogg"]


@FAST
@given(name=filenames, head=file_heads)
def test_an_accepted_file_is_what_its_extension_says(name: str, head: bytes) -> None:
    kind = classify(name, head)  # never raises
    if kind is None:
        return
    extension = extension_of(name)
    assert extension in ORACLE, name
    media_type, begins = ORACLE[extension]
    assert kind.media_type == media_type
    assert begins(head), (name, head)
    assert name.lower().endswith(extension)


@FAST
@given(name=filenames, head=file_heads, rest=st.binary(max_size=64))
def test_only_the_first_bytes_decide(name: str, head: bytes, rest: bytes) -> None:
    sniffed = head[:SNIFF_BYTES]
    assert sniff(sniffed + rest) == sniff(sniffed) or len(sniffed) < SNIFF_BYTES
    assert classify(name, sniffed + rest) == classify(name, sniffed) or len(sniffed) < SNIFF_BYTES


@FAST
@given(magic=st.sampled_from(MAGIC), extension=st.sampled_from(sorted(ORACLE)), data=st.data())
def test_a_real_opening_is_accepted_exactly_under_its_own_extensions(
    magic: bytes, extension: str, data: st.DataObject
) -> None:
    head = magic + data.draw(st.binary(min_size=SNIFF_BYTES, max_size=SNIFF_BYTES))
    stem = data.draw(st.text(min_size=1, max_size=10).filter(lambda s: "." not in s))
    name = stem + (extension.upper() if data.draw(st.booleans()) else extension)
    media_type, begins = ORACLE[extension]
    kind = classify(name, head)
    if begins(head) and sniff(head) is not None and sniff(head).media_type == media_type:
        assert kind is not None and kind.media_type == media_type
    else:
        assert kind is None or kind.media_type == media_type


async def chunked(data: bytes, sizes: list[int]) -> AsyncIterator[bytes]:
    at = 0
    for size in sizes:
        yield data[at : at + size]
        at += size
    yield data[at:]


async def outcome(work: Awaitable[Received]) -> Received | OdrError:
    try:
        return await work
    except OdrError as exc:
        return exc


@examples(max_examples=30, deadline=None)
@given(
    name=filenames,
    data=file_heads.flatmap(lambda h: st.binary(max_size=200).map(lambda tail: h + tail)),
    sizes=st.lists(st.integers(0, 40), max_size=8),
    cap=st.integers(1, 300),
)
def test_receive_stores_or_refuses_whole_files_however_they_arrive(
    tmp_path_factory: pytest.TempPathFactory, name: str, data: bytes, sizes: list[int], cap: int
) -> None:
    folder = tmp_path_factory.mktemp("upload")
    expected = classify(name, data)
    received = asyncio.run(outcome(receive(folder, name, chunked(data, sizes), cap)))
    if isinstance(received, OdrError):
        # Refused as soon as it is known to be unwanted: too large, or not an allowed type.
        if not (len(data) > cap and isinstance(received, TooLarge)):
            assert received.code == "file_type_not_allowed" and received.status == 415
            assert expected is None
        assert list(folder.iterdir()) == []  # nothing left behind, not even a temporary file
        return
    assert len(data) <= cap
    assert received.kind == expected
    assert received.size == len(data)
    assert received.sha256 == hashlib.sha256(data).hexdigest()
    assert received.path == folder / received.sha256
    assert [p.name for p in folder.iterdir()] == [received.sha256]
    assert received.path.read_bytes() == data


# --- the real upload endpoint --------------------------------------------------------------------

stems = st.text(
    st.characters(codec="utf-8", categories=["L", "N", "Zs", "Pd"]), min_size=1, max_size=20
)
# Half of them a real opening under one of its own extensions, the other half anything.
uploads = st.tuples(
    st.builds(lambda stem, ext: stem + ext, stems, st.sampled_from(EXTENSIONS)), file_heads
) | st.sampled_from([(m, e) for m, e in OPENINGS.items() if e]).flatmap(
    lambda opening: st.tuples(stems.map(lambda stem: stem + opening[1]), st.just(opening[0]))
)


JPEG = next(m for m, e in OPENINGS.items() if e == ".jpg")


async def test_the_upload_endpoint_stores_exactly_what_classify_accepts(
    client: Client, seeded: dict[str, Any], settings: Any
) -> None:
    filed = await file_case(client, seeded["intake_code"])
    case_id = filed["case_id"]
    csrf = await enter_code(client, filed["applicant"]["code"])
    on_loop, outcomes = OnLoop(), {201: 0, 415: 0}

    async def upload(name: str, data: bytes) -> tuple[int, dict[str, Any]]:
        form = FormData(default_to_multipart=True, quote_fields=False)  # as browsers send it
        form.add_field("file", data, filename=name, content_type="application/octet-stream")
        path = f"/api/cases/{case_id}/evidence"
        headers = {"X-CSRF-Token": csrf, "Accept-Language": "en"}
        response = await client.post(path, data=form, headers=headers)
        return response.status, await response.json()

    @examples(
        max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(upload_=uploads, upper=st.booleans(), tail=st.binary(max_size=100))
    # Spaces other than " " (no-break, ideographic: typed in Chinese) are kept in the name.
    @example(upload_=("0\xa0.jpg", JPEG), upper=False, tail=b"")
    @example(upload_=("合同\u3000第一页.jpg", JPEG), upper=False, tail=b"")
    @example(upload_=("\u3000.jpg", JPEG), upper=False, tail=b"")
    def uploaded(upload_: tuple[str, bytes], upper: bool, tail: bytes) -> None:
        name, head = upload_
        name, data = name.upper() if upper else name, head + tail
        status, body = on_loop(upload(name, data))
        outcomes[status] = outcomes.get(status, 0) + 1
        kind = classify(name, data)
        if kind is None:
            assert status == 415, body
            assert body["error"]["message"] == translate("error.file_type_not_allowed", "en")
            return
        assert status == 201, body
        assert body["media_type"] == kind.media_type
        assert body["filename"] == name
        assert body["sha256"] == hashlib.sha256(data).hexdigest()
        stored = Path(settings.evidence_dir) / str(case_id) / body["sha256"]
        assert stored.read_bytes() == data

    await asyncio.to_thread(uploaded)
    assert outcomes[201] and outcomes[415], outcomes  # both sides of the property were tried
