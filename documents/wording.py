"""The words of the documents: catalogue texts, dates, amounts and clause sentences per language.

Everything the templates print that is not the parties' own text comes from the ``doc.*`` keys
of the catalogue. Dates are printed as calendar dates in China Standard Time (UTC+8), the
courts' time; machine-readable values stay UTC (ISO 8601 with ``Z``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from documents.model import Agreement, Clause, PartyInfo, Ruling
from odr.i18n import LANGUAGES, translate

COURT_TIME = timezone(timedelta(hours=8), "CST")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
CN_DIGITS = "零一二三四五六七八九"


@dataclass
class Lang:
    """One language of a document, with the texts that depend on the whole document."""

    code: str
    intro: str = ""
    reason: str = ""
    order: str = ""
    _names: dict[str, str] = field(default_factory=dict)

    @property
    def css(self) -> str:
        return "zh" if self.code == "zh-CN" else "en"

    def t(self, key: str, **params: Any) -> str:
        return translate(key, self.code, **params)

    def date(self, value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = _aware(value).astimezone(COURT_TIME).date()
        return self.t(
            "doc.date",
            year=value.year,
            month=value.month,
            day=value.day,
            month_name=MONTHS[value.month - 1],
        )

    def amount(self, cents: int, currency: str) -> str:
        sign = "-" if cents < 0 else ""
        whole, rest = divmod(abs(cents), 100)
        number = f"{sign}{whole:,}.{rest:02d}"
        if currency.upper() == "CNY":
            return self.t("doc.amount", amount=number)
        return self.t("doc.amount.other", currency=currency.upper(), amount=number)

    def who(self, role: str, parties: Sequence[PartyInfo]) -> str:
        """``申请人张三`` / ``applicant Zhang San``: a role and the names holding it."""
        label = self.t(f"doc.role.{role}") if role in ("applicant", "respondent") else role
        holders = [p.name for p in parties if p.role == role]
        if self.code == "zh-CN":
            return f"{label}{'、'.join(holders)}"
        plural = "s" if len(holders) > 1 and role in ("applicant", "respondent") else ""
        return f"{label.lower()}{plural} {', '.join(holders)}".strip()

    def ruling_text(self, ruling: Ruling) -> None:
        agreement = ruling.agreement
        params = {
            "applicants": self.who("applicant", agreement.parties),
            "respondents": self.who("respondent", agreement.parties),
            "date": self.date(agreement.drafted_at),
            "microcourt": agreement.microcourt_name,
            "mediator": agreement.mediator_name,
        }
        self.intro = self.t("doc.ruling.intro", **params)
        outcome = "confirmed" if ruling.confirmed else "rejected"
        self.reason = self.t(f"doc.ruling.reason_{outcome}")
        self.order = self.t(f"doc.ruling.order_{outcome}", **params)


@dataclass(frozen=True)
class PartyView:
    role_label: str
    name: str
    details: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ClauseView:
    number: str
    text: str
    terms: tuple[tuple[str, str], ...]  # (css class, sentence) per language


@dataclass(frozen=True)
class BoxView:
    field: str
    label: str
    name: str


def languages(codes: Sequence[str]) -> list[Lang]:
    """The document's languages, Chinese first; unknown codes are dropped (zh-CN if none)."""
    known = [code for code in LANGUAGES if code in codes]
    return [Lang(code) for code in known or ["zh-CN"]]


def label(langs: Sequence[Lang], key: str, **params: Any) -> str:
    return " / ".join(lang.t(key, **params) for lang in langs)


def parties(items: Sequence[PartyInfo], langs: Sequence[Lang]) -> list[PartyView]:
    out = []
    for party in items:
        details = tuple(
            (label(langs, f"doc.{key}"), value)
            for key, value in (
                ("id_number", party.id_number),
                ("address", party.address),
                ("phone", party.phone),
            )
            if value
        )
        out.append(PartyView(label(langs, f"doc.role.{party.role}"), party.name, details))
    return out


def clauses(agreement: Agreement, langs: Sequence[Lang]) -> list[ClauseView]:
    chinese_only = [lang.code for lang in langs] == ["zh-CN"]
    out = []
    for index, clause in enumerate(agreement.clauses, start=1):
        number = f"{chinese_number(index)}、" if chinese_only else f"{index}."
        terms = tuple(
            (lang.css, sentence)
            for lang in langs
            if (sentence := payment_sentence(clause, lang, agreement.parties))
        )
        out.append(ClauseView(number, clause.text, terms))
    return out


def payment_sentence(clause: Clause, lang: Lang, items: Sequence[PartyInfo]) -> str:
    """``被申请人李四应于2026年12月31日前向申请人张三支付人民币1,500.00元。`` or ""."""
    if clause.amount_cents is None or not clause.payer or not clause.payee:
        return ""
    params = {
        "payer": lang.who(clause.payer, items),
        "payee": lang.who(clause.payee, items),
        "amount": lang.amount(clause.amount_cents, clause.currency),
    }
    if clause.due is None:
        return lang.t("doc.clause.pay_no_due", **params)
    return lang.t("doc.clause.pay", due=lang.date(clause.due), **params)


def agreement_boxes(agreement: Agreement, langs: Sequence[Lang]) -> list[BoxView]:
    def names(role: str) -> str:
        return "、".join(p.name for p in agreement.parties if p.role == role)

    return [
        BoxView("applicant", label(langs, "doc.role.applicant"), names("applicant")),
        BoxView("respondent", label(langs, "doc.role.respondent"), names("respondent")),
        BoxView("mediator", label(langs, "doc.role.mediator"), agreement.mediator_name),
    ]


def agreement_terms(agreement: Agreement) -> dict[str, Any]:
    """The agreement as plain JSON-ready data (amounts in cents, dates ISO 8601, UTC)."""
    return {
        "case_number": agreement.case_number,
        "court_name": agreement.court_name,
        "microcourt_name": agreement.microcourt_name,
        "mediator_name": agreement.mediator_name,
        "parties": [
            {
                "role": p.role,
                "name": p.name,
                "id_number": p.id_number,
                "address": p.address,
                "phone": p.phone,
            }
            for p in agreement.parties
        ],
        "facts": agreement.facts,
        "clauses": [
            {
                "text": c.text,
                "amount_cents": c.amount_cents,
                "currency": c.currency,
                "due": c.due.isoformat() if c.due else None,
                "payer": c.payer,
                "payee": c.payee,
            }
            for c in agreement.clauses
        ],
        "free_text": agreement.free_text,
        "languages": list(agreement.languages),
        "version": agreement.version,
        "drafted_at": iso(agreement.drafted_at),
        "verify_url": agreement.verify_url,
    }


def page_counter_css(langs: Sequence[Lang]) -> str:
    """The CSS ``content`` value of the page footer, e.g. ``"第 " counter(page) " 页…"``."""
    parts: list[str] = []
    for index, lang in enumerate(langs):
        if index:
            parts.append(css_string(" / "))
        text = lang.t("doc.page", page="\x00page\x00", pages="\x00pages\x00")
        for piece in text.split("\x00"):
            if piece in ("page", "pages"):
                parts.append(f"counter({piece})")
            elif piece:
                parts.append(css_string(piece))
    return " ".join(parts)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一 (up to 99; larger numbers in digits)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")
    return str(n)


def iso(value: datetime) -> str:
    return _aware(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def naive_utc(value: datetime) -> datetime:
    """The UTC wall time without tzinfo (weasyprint appends ``Z`` itself)."""
    return _aware(value).astimezone(UTC).replace(tzinfo=None, microsecond=0)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def css_string(text: str) -> str:
    """A CSS string literal safe inside an HTML ``<style>`` element (quotes, backslashes,
    ``<``, ``>``, ``&`` and control characters escaped)."""
    escaped = "".join(
        ch if ch.isprintable() and ch not in "\"'\\<>&" else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'
