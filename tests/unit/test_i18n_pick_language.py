"""Choosing the language of a response: ?lang=, then Accept-Language, then the default."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from odr.i18n import DEFAULT, LANGUAGES, pick_language, translate


def test_languages_are_chinese_first_then_english() -> None:
    assert LANGUAGES == ("zh-CN", "en")
    assert DEFAULT == "zh-CN"


@pytest.mark.parametrize("default", ["zh-CN", "en"])
def test_nothing_asked_gives_the_default(default: str) -> None:
    assert pick_language(None, None, default) == default
    assert pick_language("", "", default) == default


@pytest.mark.parametrize(
    ("requested", "header", "expected"),
    [
        ("en", "zh-CN,zh;q=0.9", "en"),
        ("zh-CN", "en-US,en;q=0.9", "zh-CN"),
        ("EN", None, "en"),
        ("en-GB", None, "en"),
        ("zh", None, "zh-CN"),
        ("zh-TW", "en", "zh-CN"),
        ("zh-Hant", "en", "zh-CN"),
        ("zh-Hant-TW", None, "zh-CN"),
        ("ZH-cn", "en", "zh-CN"),
    ],
)
def test_query_parameter_beats_accept_language(
    requested: str, header: str | None, expected: str
) -> None:
    assert pick_language(requested, header, "en" if expected == "zh-CN" else "zh-CN") == expected


@pytest.mark.parametrize(
    ("requested", "header", "default", "expected"),
    [
        ("fr", "en", "zh-CN", "en"),  # an unknown ?lang= falls through to the header
        ("fr", None, "zh-CN", "zh-CN"),
        ("fr", None, "en", "en"),
        ("xx-invalid!!", "zh-TW", "en", "zh-CN"),
    ],
)
def test_unknown_query_parameter_is_ignored(
    requested: str, header: str | None, default: str, expected: str
) -> None:
    assert pick_language(requested, header, default) == expected


@pytest.mark.parametrize(
    ("header", "default", "expected"),
    [
        ("en", "zh-CN", "en"),
        ("en-US,en;q=0.9", "zh-CN", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "en", "zh-CN"),
        ("zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7", "en", "zh-CN"),
        ("zh-Hant", "en", "zh-CN"),
        # q-values decide, not order
        ("zh-CN;q=0.5,en;q=0.9", "zh-CN", "en"),
        ("en;q=0.1,zh;q=0.8", "en", "zh-CN"),
        ("en;q=0.9,zh", "en", "zh-CN"),  # no q means 1
        ("en;q=0.3,zh;q=0.2,fr;q=1", "zh-CN", "en"),
        # equal q: the earlier one wins
        ("en,zh-CN", "zh-CN", "en"),
        ("zh-CN,en", "en", "zh-CN"),
        ("en;q=0.5,zh;q=0.5", "zh-CN", "en"),
        # unknown languages are skipped
        ("fr-FR,de;q=0.9,en;q=0.5", "zh-CN", "en"),
        ("ja,ko;q=0.9", "en", "en"),
        ("fr,de", "zh-CN", "zh-CN"),
        ("*", "en", "en"),
        # an unparseable q drops only that entry
        ("en;q=abc,zh;q=0.1", "en", "zh-CN"),
        ("  en  ", "zh-CN", "en"),
    ],
)
def test_accept_language(header: str, default: str, expected: str) -> None:
    assert pick_language(None, header, default) == expected


@pytest.mark.parametrize(
    "header",
    [
        ";;;",
        ",,,",
        "q=abc",
        ";q=",
        "en;q=",
        "en;q=nan",
        "en;q=inf,zh;q=-inf",
        "\x00\xff\ufffd",
        "中文,英语",
        "en;q=0.1," * 10_000,
        "-" * 100_000,
    ],
)
def test_garbage_headers_do_not_raise(header: str) -> None:
    assert pick_language(None, header, "zh-CN") in LANGUAGES
    assert pick_language("garbage\x00", header, "en") in LANGUAGES


def test_only_the_first_entries_of_a_huge_header_are_considered() -> None:
    # 20 unknown tags, then English: a header that long is not honoured past its start.
    header = ",".join(["fr"] * 20 + ["en"])
    assert pick_language(None, header, "zh-CN") == "zh-CN"
    assert pick_language(None, ",".join(["fr"] * 19 + ["en"]), "zh-CN") == "en"


@settings(max_examples=200, deadline=None)
@given(requested=st.none() | st.text(max_size=40), header=st.none() | st.text(max_size=200))
def test_pick_language_always_answers_a_supported_language_or_the_default(
    requested: str | None, header: str | None
) -> None:
    assert pick_language(requested, header, "default") in {*LANGUAGES, "default"}


def test_translate_falls_back_to_the_key() -> None:
    key = "no.such.message.key"
    assert translate(key) == key
    assert translate(key, "en") == key
    assert translate(key, "fr") == key  # unknown language: zh-CN, then the key


def test_translate_fills_parameters_and_survives_missing_ones() -> None:
    assert translate("Case {case_id} for {name}", "en", case_id=7, name="Li") == "Case 7 for Li"
    assert translate("Case {case_id}", "en") == "Case {case_id}"
    assert translate("Broken {", "en") == "Broken {"
