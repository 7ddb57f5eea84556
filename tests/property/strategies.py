"""What the property tests share: strategies for what people type as a code, the JSON values
a socket.io client can send, the names and contents an upload can carry; and ``OnLoop``, to
run examples against a real server."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from hypothesis import strategies as st

from odr.domain.codes import display

T = TypeVar("T")

# Crockford's base32 and its confusables, written out rather than read from the module.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VARIANTS = {"0": "0oO", "1": "1iIlL"}
SEPARATORS = ["", " ", "-", "\t", "_", ".", "\u00a0", "\u3000", "\u2010", "\u2013", "－", "\u3002"]


def fullwidth(text: str) -> str:
    """What a Chinese input method produces for ASCII letters, digits and signs."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def codes_of(length: int) -> st.SearchStrategy[str]:
    """Every canonical code of ``length``: exactly the range of ``new_code(length)``."""
    return st.text(alphabet=CROCKFORD, min_size=length, max_size=length)


@st.composite
def typed_as(draw: st.DrawFn, code: str) -> str:
    """``code`` as someone might type it from its display: any case, confusables, full-width,
    any separators where the hyphens are and stray ones between characters, without making
    it longer than the four characters a code character may take."""
    out = [draw(st.sampled_from(SEPARATORS))]
    for ch in display(code):
        if ch == "-":
            out.append(draw(st.sampled_from(SEPARATORS)))
            continue
        typed = draw(st.sampled_from(VARIANTS.get(ch, ch + ch.lower())))
        out.append(fullwidth(typed) if draw(st.booleans()) else typed)
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from(SEPARATORS)))
    out.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(out)


# JSON as a socket.io client can send it (json.loads' view: any str, big and negative ints,
# floats with inf and nan, nesting), plus binary attachments, which socket.io decodes to bytes.
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=60)
    | st.text(st.characters(exclude_categories=[]), max_size=10)  # lone surrogates
    | st.binary(max_size=40)
)
json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(
            st.text(st.characters(exclude_categories=[]), max_size=20), inner, max_size=5
        )
    ),
    max_leaves=30,
)


def deep(depth: int, leaf: Any = 1) -> Any:
    """A value nested ``depth`` levels deep, alternating lists and objects."""
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


# What names an upload may carry: real extensions in any case, doubled, hidden, none, paths.
EXTENSIONS = [
    ".jpg",
    ".jpeg",
    ".png",
    ".webp",
    ".pdf",
    ".mp3",
    ".wav",
    ".ogg",
    ".oga",
    ".opus",
    ".m4a",
    ".aac",
    ".webm",
    ".exe",
    ".html",
    ".svg",
    ".zip",
    ".gif",
    "",
    ".",
    ". png",
]
filenames = st.builds(
    lambda stem, ext, upper: stem + (ext.upper() if upper else ext),
    st.text(max_size=30),
    st.sampled_from(EXTENSIONS),
    st.booleans(),
) | st.text(max_size=60)

# Real file openings (one or more per allowed type, with an extension of the type) and
# hostile ones (no extension is theirs), to cut short and extend.
OPENINGS: dict[bytes, str | None] = {
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00": ".jpg",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR": ".png",
    b"RIFF\x24\x1a\x00\x00WEBPVP8 ": ".webp",
    b"RIFF\x24\x08\x00\x00WAVEfmt ": ".wav",
    b"%PDF-1.7\n": ".pdf",
    b"ID3\x04\x00\x00\x00\x00": ".mp3",
    b"\xff\xfb\x90\x64": ".mp3",
    b"\xff\xf1\x50\x80": ".aac",
    b"OggS\x00\x02\x00\x00": ".opus",
    b"\x00\x00\x00\x20ftypM4A ": ".m4a",
    b"\x00\x00\x00\x18ftypmp42": ".m4a",
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81": ".webm",
    b"MZ\x90\x00": None,
    b"\x7fELF\x02\x01": None,
    b"<!DOCTYPE html><script>": None,
    b"GIF89a": None,
    b"PK\x03\x04": None,
}
MAGIC = list(OPENINGS)
file_heads = st.builds(
    lambda magic, cut, tail: magic[:cut] + tail,
    st.sampled_from(MAGIC),
    st.integers(0, 16),
    st.binary(max_size=40),
) | st.binary(max_size=64)


class OnLoop:
    """Runs coroutines on the test's event loop from the thread hypothesis runs in.

    Hypothesis cannot run async examples itself: the test runs its ``@given`` function with
    ``await asyncio.to_thread(check)`` and each example calls ``on_loop(coroutine)``, while the
    loop keeps serving the real server under test.
    """

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()

    def __call__(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=60)
