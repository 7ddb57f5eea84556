"""Dispute codes: generation, what people type, display and the stored digest."""

from __future__ import annotations

import hashlib
import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from odr.domain import codes
from odr.domain.codes import digest, display, new_code, normalise

# Crockford's base32, written out here rather than read from the module under test.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE = "A0B1C2D3E4F5"  # contains both confusable digits


def fullwidth(text: str) -> str:
    """What a Chinese input method produces for ASCII letters and digits."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def test_alphabet_is_crockford_base32() -> None:
    assert codes.ALPHABET == CROCKFORD
    assert len(set(codes.ALPHABET)) == 32
    assert not set("ILOU") & set(codes.ALPHABET)


def test_new_code_has_the_personal_length_and_alphabet() -> None:
    assert codes.PERSONAL_LENGTH == 12
    for _ in range(200):
        code = new_code()
        assert len(code) == 12
        assert set(code) <= set(CROCKFORD)


@pytest.mark.parametrize("length", [1, 8, 12, 20])
def test_new_code_honours_the_requested_length(length: int) -> None:
    code = new_code(length)
    assert len(code) == length
    assert set(code) <= set(CROCKFORD)


def test_intake_codes_are_eight_characters() -> None:
    assert codes.INTAKE_LENGTH == 8
    assert len(new_code(codes.INTAKE_LENGTH)) == 8


def test_new_codes_do_not_repeat() -> None:
    batch = [new_code() for _ in range(5000)]
    assert len(set(batch)) == len(batch)


def test_new_code_draws_every_symbol_in_every_position() -> None:
    batch = [new_code() for _ in range(1000)]
    for position in range(12):
        # Each symbol is missing from a position with probability (31/32)**1000 ~ 2e-14.
        assert {code[position] for code in batch} == set(CROCKFORD)
    # Roughly uniform overall: 12,000 symbols, 375 expected each (sd ~ 19).
    counts = Counter("".join(batch))
    assert min(counts.values()) > 250
    assert max(counts.values()) < 500


@pytest.mark.parametrize(
    "typed",
    [
        "A0B1C2D3E4F5",
        "a0b1c2d3e4f5",
        "A0B1-C2D3-E4F5",
        "a0b1 c2d3 e4f5",
        "  A0B1-C2D3-E4F5  ",
        "A0B1\tC2D3\tE4F5",
        "A0B1_C2D3.E4F5",
        "A0B1\u2013C2D3\u2014E4F5",
        "A0B1\u00a0C2D3\u2010E4F5",
        "A-0-B-1-C-2-D-3-E-4-F-5",
        # Confusables, read as Crockford reads them.
        "AOBI-C2D3-E4F5",
        "aobl-c2d3-e4f5",
        "AoBL C2D3 E4F5",
        # Full-width, as typed on a Chinese input method.
        fullwidth("A0B1C2D3E4F5"),
        "Ａ０Ｂ１－Ｃ２Ｄ３－Ｅ４Ｆ５",
        "Ａ０Ｂ１\u3000Ｃ２Ｄ３\u3000Ｅ４Ｆ５",
        "ａｏｂｌ　ｃ２ｄ３　ｅ４ｆ５",
        "A0B1－ｃ２ｄ３ E4F5",
    ],
)
def test_normalise_accepts_what_people_type(typed: str) -> None:
    assert normalise(typed) == CODE


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "----",
        "A0B1C2D3E4F",  # one short
        "A0B1C2D3E4F56",  # one too many
        "A0B1-C2D3-E4F5-A0B1",
        "A0B1C2D3E4FU",  # U is not Crockford
        "u0B1C2D3E4F5",
        "A0B1C2D3E4F!",
        "A0B1/C2D3/E4F5",  # slashes are not ignored
        "A0B1C2D3E4F中",
        "A0B1C2D3E4F5\x00",
        "A0B1,C2D3,E4F5",
    ],
)
def test_normalise_refuses_what_cannot_be_a_code(typed: str) -> None:
    assert normalise(typed) is None


def test_normalise_refuses_absurdly_long_input() -> None:
    assert normalise("A" * 100_000) is None
    assert normalise(" " * 100_000 + CODE) is None
    # The limit is four times the code length, counted before separators are removed.
    padded = CODE.center(48)
    assert len(padded) == 48
    assert normalise(padded) == CODE
    assert normalise(" " + padded) is None


def test_normalise_intake_codes_by_length() -> None:
    assert normalise("ab12-cd34", length=8) == "AB12CD34"
    assert normalise("ＡＢ１２ＣＤ３４", length=8) == "AB12CD34"
    assert normalise("AB12CD34") is None  # not a personal code
    assert normalise(CODE, length=8) is None


def test_display_groups_by_four() -> None:
    assert display(CODE) == "A0B1-C2D3-E4F5"
    assert display("AB12CD34") == "AB12-CD34"


def test_display_of_a_fresh_code_reads_back() -> None:
    pattern = re.compile(rf"[{CROCKFORD}]{{4}}-[{CROCKFORD}]{{4}}-[{CROCKFORD}]{{4}}")
    for _ in range(100):
        code = new_code()
        shown = display(code)
        assert pattern.fullmatch(shown)
        assert normalise(shown) == code
        assert normalise(shown.lower()) == code


def test_digest_is_sha256_of_the_canonical_code() -> None:
    # FIPS 180-2 test vector for "abc".
    assert digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert digest(CODE) == hashlib.sha256(CODE.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", digest(CODE))
    assert CODE not in digest(CODE)
    assert digest(CODE) != digest(new_code())


def test_digest_agrees_for_every_way_of_typing_a_code() -> None:
    typed = ["a0b1-c2d3-e4f5", "AOBI C2D3 E4F5", "Ａ０Ｂ１－Ｃ２Ｄ３－Ｅ４Ｆ５"]
    digests = set()
    for raw in typed:
        canonical = normalise(raw)
        assert canonical is not None
        digests.add(digest(canonical))
    assert digests == {digest(CODE)}


# --- properties -------------------------------------------------------------------------------

SEPARATORS = ["", " ", "  ", "-", "\t", "_", ".", "\u00a0", "\u3000", "\u2010", "\u2013", "－"]
VARIANTS = {"0": "0oO", "1": "1iIlL"}
# Every 12-character string over the alphabet: exactly the range of new_code().
any_code = st.text(alphabet=CROCKFORD, min_size=12, max_size=12)


@st.composite
def typed_as(draw: st.DrawFn, code: str) -> str:
    """``code`` as someone might type it from its display: any case, confusables, full-width,
    any separators, stray separators."""
    out = [draw(st.sampled_from(SEPARATORS))]
    for ch in display(code).lower():
        if ch == "-":
            out.append(draw(st.sampled_from(SEPARATORS)))
            continue
        typed = draw(st.sampled_from(VARIANTS.get(ch, ch + ch.upper())))
        if draw(st.booleans()):
            typed = fullwidth(typed)
        out.append(typed)
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(out)


@settings(max_examples=200, deadline=None)
@given(code=any_code, data=st.data())
def test_any_way_of_typing_a_code_normalises_to_it(code: str, data: st.DataObject) -> None:
    typed = data.draw(typed_as(code))
    assert normalise(typed) == code


@settings(max_examples=200, deadline=None)
@given(code=any_code, index=st.integers(0, 11))
def test_a_dropped_or_wrong_character_is_refused(code: str, index: int) -> None:
    assert normalise(code[:index] + code[index + 1 :]) is None
    assert normalise(code[:index] + "U" + code[index + 1 :]) is None
    assert normalise(code[:index] + "7" + code[index:]) is None


@settings(max_examples=200, deadline=None)
@given(raw=st.text(max_size=80))
def test_normalise_never_raises_and_yields_only_canonical_codes(raw: str) -> None:
    result = normalise(raw)
    if result is not None:
        assert len(result) == 12
        assert set(result) <= set(CROCKFORD)
        assert normalise(result) == result
