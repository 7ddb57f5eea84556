"""The catalogue: the same keys in every language, and every error the code raises has a message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from odr.i18n import LANGUAGES, catalogue, translate

ROOT = Path(__file__).resolve().parents[2]


def test_every_language_has_the_same_keys() -> None:
    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    assert keys["zh-CN"] == keys["en"]


def _raised_codes() -> set[str]:
    pattern = re.compile(
        r"(?:OdrError|InvalidInput|NotFound|NotAuthenticated|Forbidden|Conflict|"
        r"IllegalTransition|TooLarge|StorageUnavailable)\(\s*\"([a-z_]+)\""
    )
    found: set[str] = set()
    for path in (ROOT / "odr").rglob("*.py"):
        found |= set(pattern.findall(path.read_text("utf-8")))
    for match in re.finditer(r'code = "([a-z_]+)"', (ROOT / "odr" / "errors.py").read_text()):
        found.add(match.group(1))
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_error_code_is_translated(lang: str) -> None:
    codes = _raised_codes()
    assert "intake_code_unknown" in codes  # the scan finds what it should
    missing = sorted(c for c in codes if f"error.{c}" not in catalogue(lang))
    assert missing == []


def test_web_page_strings_are_in_the_catalogue() -> None:
    html = (ROOT / "web" / "index.html").read_text("utf-8")
    keys = set(re.findall(r'data-i18n="([\w.]+)"', html))
    assert keys
    assert sorted(k for k in keys if k not in catalogue("en")) == []


def test_messages_take_their_parameters() -> None:
    assert "30" in translate("error.too_many_attempts", "en", retry_after=30)
    assert "30" in translate("error.too_many_attempts", "zh-CN", retry_after=30)


def _audit_kinds() -> set[str]:
    """Every kind of audit entry the code appends (a case's history shows each by its label)."""
    call = re.compile(r'audit\.append\(\s*\w+,\s*\w+,\s*"([a-z_]+\.[a-z_.]+)"')
    found: set[str] = set()
    for folder in ("odr", "signaling", "documents"):
        for path in (ROOT / folder).rglob("*.py"):
            found |= set(call.findall(path.read_text("utf-8")))
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_audit_event_has_a_label(lang: str) -> None:
    kinds = _audit_kinds()
    assert {"case.filed", "hearing.scheduled"} <= kinds  # the scan finds what it should
    missing = sorted(k for k in kinds if f"event.{k}" not in catalogue(lang))
    assert missing == []
