"""Which evidence files are accepted: the extension and the first bytes must agree."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    media_type: str
    extensions: tuple[str, ...]  # the usual one first


JPEG = FileType("image/jpeg", (".jpg", ".jpeg"))
PNG = FileType("image/png", (".png",))
WEBP = FileType("image/webp", (".webp",))
PDF = FileType("application/pdf", (".pdf",))
MP3 = FileType("audio/mpeg", (".mp3",))
WAV = FileType("audio/wav", (".wav",))
OGG = FileType("audio/ogg", (".ogg", ".oga", ".opus"))
M4A = FileType("audio/mp4", (".m4a",))
AAC = FileType("audio/aac", (".aac",))
WEBM = FileType("audio/webm", (".webm",))

ALLOWED = (JPEG, PNG, WEBP, PDF, MP3, AAC, WAV, OGG, M4A, WEBM)
SNIFF_BYTES = 16


def sniff(head: bytes) -> FileType | None:
    """The type the first bytes of a file announce, among the allowed ones."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"%PDF-"):
        return PDF
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return AAC  # ADTS: 12-bit sync, layer bits 00
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return MP3
    if head.startswith(b"OggS"):
        return OGG
    if head[4:8] == b"ftyp" and head[8:11] in (b"M4A", b"mp4", b"iso", b"M4B"):
        return M4A
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM
    return None


def extension_for(media_type: str) -> str:
    """The usual extension of an allowed type, for naming a download."""
    for kind in ALLOWED:
        if kind.media_type == media_type:
            return kind.extensions[0]
    return ""


def extension_of(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot > 0 else ""


def classify(filename: str, head: bytes) -> FileType | None:
    """The file's type when its name and its content agree on an allowed one, else None."""
    kind = sniff(head)
    if kind is None or extension_of(filename) not in kind.extensions:
        return None
    return kind
