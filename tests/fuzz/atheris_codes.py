"""Coverage-guided fuzzing of what people type as a code (``odr.domain.codes.normalise``).

The input is the typed text (UTF-8; lone surrogates allowed), read as a personal code and
as an intake code. A crash is any exception, or a broken property: a result is canonical,
and ``normalise`` of it and of its display (either case) is itself.
"""

from __future__ import annotations

import atheris
import fuzzing

with atheris.instrument_imports(include=["odr"]):
    from odr.domain.codes import ALPHABET, INTAKE_LENGTH, PERSONAL_LENGTH, display, normalise


def one_input(data: bytes) -> None:
    raw = data.decode("utf-8", "surrogatepass") if _utf8(data) else data.decode("latin-1")
    for length in (PERSONAL_LENGTH, INTAKE_LENGTH):
        result = normalise(raw, length)
        if result is None:
            continue
        assert len(result) == length and set(result) <= set(ALPHABET), (raw, result)
        assert normalise(result, length) == result, (raw, result)
        assert normalise(display(result), length) == result, (raw, result)
        assert normalise(display(result).lower(), length) == result, (raw, result)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


SEEDS = [
    "A0B1-C2D3-E4F5",
    "aobl c2d3 e4f5",
    "Ａ０Ｂ１－Ｃ２Ｄ３－Ｅ４Ｆ５",
    "ab12-cd34",
    "ＡＢ１２\u3000ＣＤ３４",
]


def main() -> None:
    fuzzing.run(one_input, SEEDS)


if __name__ == "__main__":
    main()
