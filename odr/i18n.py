"""The translation catalogue: every user-facing string, in zh-CN (first) and en.

Each language is a folder of flat JSON files in ``odr/locales/<lang>/``, one per area of the
platform (``core.json``, ``hearings.json``, ``documents.json``), merged into one catalogue; the
web front end loads the same catalogue through ``/api/i18n/{lang}``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("zh-CN", "en")
DEFAULT = "zh-CN"


@cache
def catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = resources.files("odr").joinpath("locales", lang)
    for part in sorted(folder.iterdir(), key=lambda p: p.name):
        if not part.name.endswith(".json"):
            continue
        data: dict[str, str] = json.loads(part.read_text("utf-8"))
        clash = merged.keys() & data.keys()
        if clash:
            raise ValueError(f"{lang}/{part.name} repeats keys: {sorted(clash)}")
        merged.update(data)
    return merged


def translate(key: str, lang: str = DEFAULT, **params: Any) -> str:
    """The message for ``key`` in ``lang``; falls back to zh-CN, then to the key itself."""
    template = catalogue(lang if lang in LANGUAGES else DEFAULT).get(key)
    if template is None:
        template = catalogue(DEFAULT).get(key, key)
    try:
        return template.format_map(params)
    except (KeyError, ValueError, IndexError):
        return template


def pick_language(requested: str | None, accept_language: str | None, default: str) -> str:
    """``?lang=`` first, then the best of Accept-Language, then the default."""
    if requested:
        match = _match(requested)
        if match:
            return match
    if accept_language:
        ranked: list[tuple[float, int, str]] = []
        for index, part in enumerate(accept_language.split(",")[:20]):
            tag, _, params = part.partition(";")
            q = params.replace(" ", "").removeprefix("q=") if params else ""
            try:
                weight = float(q) if q else 1.0
            except ValueError:
                continue
            if weight > 0:  # q=0 means "not this one"
                ranked.append((-weight, index, tag.strip()))
        for _, _, tag in sorted(ranked):
            match = _match(tag)
            if match:
                return match
    return default


def _match(tag: str) -> str | None:
    primary = tag.lower().replace("_", "-").split("-")[0]
    if primary == "zh":
        return "zh-CN"
    if primary == "en":
        return "en"
    return None
