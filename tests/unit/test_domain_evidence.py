"""Evidence uploads: the extension and the first bytes must agree on an allowed type."""

from __future__ import annotations

import itertools

import pytest

from odr.domain import evidence
from odr.domain.evidence import SNIFF_BYTES, classify, extension_of, sniff

# Real file openings, one or more per allowed type, and the media type each must yield.
HEADS = {
    "jpeg-jfif": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01", "image/jpeg"),
    "jpeg-exif": (b"\xff\xd8\xff\xe1\x2f\xfeExif\x00\x00MM\x00*", "image/jpeg"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    "webp": (b"RIFF\x24\x1a\x00\x00WEBPVP8 \x18\x1a\x00\x00", "image/webp"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"),
    "mp3-id3": (b"ID3\x04\x00\x00\x00\x00\x23\x76TIT2\x00\x00", "audio/mpeg"),
    "mp3-frame": (
        b"\xff\xfb\x90\x64\x00\x0f\xf0\x00\x00\x69\x00\x00\x00\x08\x00\x00",
        "audio/mpeg",
    ),
    "wav": (b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00", "audio/wav"),
    "ogg": (b"OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x4a\x1b", "audio/ogg"),
    "m4a": (b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00", "audio/mp4"),
    "m4a-mp42": (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "audio/mp4"),
    "m4a-isom": (b"\x00\x00\x00\x1cftypisom\x00\x00\x02\x00", "audio/mp4"),
    "webm": (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81", "audio/webm"),
    "aac": (b"\xff\xf1\x50\x80\x02\x1f\xfc\x21\x00\x49\x90\x02\x19\x00\x23\x80", "audio/aac"),
}

# The allowed types and their extensions, written out independently of the module.
EXTENSIONS = {
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "image/webp": {".webp"},
    "application/pdf": {".pdf"},
    "audio/mpeg": {".mp3"},
    "audio/wav": {".wav"},
    "audio/ogg": {".ogg", ".oga", ".opus"},
    "audio/mp4": {".m4a"},
    "audio/aac": {".aac"},
    "audio/webm": {".webm"},
}

# Things that must never be stored as evidence, whatever they are called.
HOSTILE = {
    "windows-exe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00",
    "elf": b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00",
    "mach-o": b"\xcf\xfa\xed\xfe\x07\x00\x00\x01\x03\x00\x00\x00\x02\x00\x00\x00",
    "html": b"<!DOCTYPE html><html><script>",
    "html-lower": b"<html><body onload=alert(1)>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg">',
    "xml": b'<?xml version="1.0"?><x/>',
    "zip": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
    "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00",
    "shell": b"#!/bin/sh\nrm -rf /",
    "avi": b"RIFF\x24\x08\x00\x00AVI LIST\x10\x00\x00\x00",
    "text": b"just some text, no magic",
    "empty": b"",
    "one-ff": b"\xff",
}


def test_the_allowed_types_are_exactly_these() -> None:
    assert {kind.media_type: set(kind.extensions) for kind in evidence.ALLOWED} == EXTENSIONS


@pytest.mark.parametrize("name", HEADS)
def test_sniff_recognises_real_magic_bytes_within_the_sniffed_prefix(name: str) -> None:
    head, media_type = HEADS[name]
    kind = sniff(head[:SNIFF_BYTES])
    assert kind is not None
    assert kind.media_type == media_type


CASES = [
    (name, ext) for name, (_, media_type) in HEADS.items() for ext in sorted(EXTENSIONS[media_type])
]


@pytest.mark.parametrize(("name", "ext"), CASES)
def test_classify_accepts_matching_name_and_content(name: str, ext: str) -> None:
    head, media_type = HEADS[name]
    kind = classify(f"证据 photo 1{ext}", head)
    assert kind is not None
    assert kind.media_type == media_type


@pytest.mark.parametrize("filename", ["PHOTO.JPG", "Photo.JpEg", "IMG_0001.Jpg", "a.b.JPEG"])
def test_extension_case_is_ignored(filename: str) -> None:
    kind = classify(filename, HEADS["jpeg-jfif"][0])
    assert kind is not None
    assert kind.media_type == "image/jpeg"


@pytest.mark.parametrize(
    ("filename", "name"),
    [
        ("photo.jpg", "png"),  # a PNG named .jpg
        ("photo.png", "jpeg-jfif"),
        ("scan.pdf", "png"),
        ("song.mp3", "wav"),
        ("voice.wav", "webp"),  # both RIFF, different forms
        ("picture.webp", "wav"),
        ("voice.ogg", "m4a"),
        ("voice.m4a", "ogg"),
        ("voice.webm", "mp3-id3"),
        ("photo.png.exe", "png"),
        ("photo.png.html", "png"),
        ("photo", "png"),  # no extension
        (".png", "png"),  # a hidden file, not an extension
        ("photo.png.", "png"),
        ("photo.p ng", "png"),
    ],
)
def test_classify_refuses_when_name_and_content_disagree(filename: str, name: str) -> None:
    assert classify(filename, HEADS[name][0]) is None


ALL_EXTENSIONS = sorted(set().union(*EXTENSIONS.values()) | {".exe", ".html", ".zip", ".svg"})


@pytest.mark.parametrize(("name", "ext"), list(itertools.product(HOSTILE, ALL_EXTENSIONS)))
def test_hostile_content_is_refused_under_any_name(name: str, ext: str) -> None:
    head = HOSTILE[name]
    assert sniff(head) is None
    assert classify(f"evidence{ext}", head) is None


@pytest.mark.parametrize(
    ("filename", "extension"),
    [
        ("a.png", ".png"),
        ("A.PNG", ".png"),
        ("archive.tar.GZ", ".gz"),
        ("noext", ""),
        (".bashrc", ""),
        ("trailing.", "."),
        ("", ""),
    ],
)
def test_extension_of(filename: str, extension: str) -> None:
    assert extension_of(filename) == extension


def test_a_real_adts_aac_recording_is_accepted() -> None:
    adts = b"\xff\xf1\x50\x80\x02\x1f\xfc\x21\x00\x49\x90\x02\x19\x00\x23\x80"
    kind = classify("voice.aac", adts)
    assert kind is not None
    assert kind.media_type == "audio/aac"
    assert classify("voice.mp3", adts) is None
