"""Coverage-guided fuzzing of evidence type checks (``odr.domain.evidence.classify``).

The input is ``name/content``: the file name (UTF-8, before the first ``/``) and its bytes.
A crash is any exception, or an accepted file whose extension is not one of the sniffed
type's, or whose type depends on more than the first ``SNIFF_BYTES`` bytes.
"""

from __future__ import annotations

import atheris
import fuzzing

with atheris.instrument_imports(include=["odr"]):
    from odr.domain.evidence import SNIFF_BYTES, classify, extension_of, sniff


def one_input(data: bytes) -> None:
    raw_name, _, head = data.partition(b"/")
    name = raw_name.decode("utf-8", "replace")
    kind = classify(name, head)
    assert classify(name, head[:SNIFF_BYTES]) == kind or len(head) < SNIFF_BYTES
    if kind is None:
        return
    assert sniff(head) is kind, (name, head)
    assert extension_of(name) in kind.extensions, (name, head)


SEEDS = [
    b"photo.jpg/\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01",
    b"scan.PNG/\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"pic.webp/RIFF\x24\x1a\x00\x00WEBPVP8 \x18\x1a",
    b"voice.wav/RIFF\x24\x08\x00\x00WAVEfmt \x10\x00",
    b"contract.pdf/%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0",
    b"song.mp3/ID3\x04\x00\x00\x00\x00\x23\x76TIT2\x00\x00",
    b"voice.aac/\xff\xf1\x50\x80\x02\x1f\xfc\x21\x00\x49\x90\x02",
    b"voice.opus/OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00",
    b"voice.m4a/\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00",
    b"voice.webm/\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81",
    b"evil.png.exe/MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00",
]


def main() -> None:
    fuzzing.run(one_input, SEEDS)


if __name__ == "__main__":
    main()
