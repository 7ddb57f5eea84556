"""Invitations and time zones, from plain values (no database, no server)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar

from odr.errors import InvalidInput
from odr.services import calendar
from odr.services.local_time import render, resolve_start

START = datetime(2027, 7, 1, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai, 03:30 in Rome (summer)
NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)

BASE = calendar.Invitation(
    hearing_id=42,
    case_number="LA-2027-00042",
    court="杭州市临安区人民法院",
    start=START,
    duration_minutes=90,
    title="",
    sequence=0,
    cancelled=False,
    name="Marco Rossi",
    role="respondent",
    language="en",
    timezone="Europe/Rome",
    email="marco@example.it",
    url="https://court.example.org/party?hearing=42",
    organizer="hearings@court.example.org",
)


def parsed(invitation: calendar.Invitation) -> tuple[Any, Any]:
    cal = Calendar.from_ical(calendar.invitation_ics(invitation, NOW))
    return cal, cal.walk("VEVENT")[0]


def test_an_invitation_is_a_request_in_utc_in_the_participants_language() -> None:
    cal, event = parsed(BASE)
    assert str(cal["method"]) == "REQUEST" and str(cal["version"]) == "2.0"
    assert str(event["uid"]) == "hearing-42@court.example.org"
    assert event.decoded("dtstart") == START
    assert event["dtstart"].to_ical() == b"20270701T013000Z"
    assert event.decoded("dtend") == START + timedelta(minutes=90)
    assert event.decoded("dtstamp") == NOW
    assert int(event["sequence"]) == 0 and str(event["status"]) == "CONFIRMED"
    assert str(event["summary"]) == "杭州市临安区人民法院 online hearing: case LA-2027-00042"
    assert event["summary"].params["LANGUAGE"] == "en"
    description = str(event["description"])
    assert "Dear Marco Rossi (Respondent)" in description
    assert "Thursday 2027-07-01 03:30 (Europe/Rome, UTC+02:00)" in description
    assert BASE.url in description and str(event["url"]) == BASE.url
    assert str(event["organizer"]) == "mailto:hearings@court.example.org"
    assert str(event["attendee"]) == "mailto:marco@example.it"
    assert event["attendee"].params["CN"] == "Marco Rossi"


def test_in_chinese_with_shanghai_time_and_no_attendee_without_an_address() -> None:
    _, event = parsed(
        replace(BASE, language="zh-CN", timezone="Asia/Shanghai", email="", title="第一次调解")
    )
    assert str(event["summary"]) == "杭州市临安区人民法院在线庭审：案件 LA-2027-00042（第一次调解）"
    assert "2027年7月1日 星期四 09:30（Asia/Shanghai，UTC+08:00）" in str(event["description"])
    assert "被申请人" in str(event["description"])
    assert "attendee" not in event


def test_reschedule_keeps_the_uid_and_raises_the_sequence() -> None:
    _, first = parsed(BASE)
    _, second = parsed(replace(BASE, start=START + timedelta(days=1), sequence=1))
    assert str(first["uid"]) == str(second["uid"])
    assert int(second["sequence"]) == 1
    assert second.decoded("dtstart") - first.decoded("dtstart") == timedelta(days=1)
    _, elsewhere = parsed(replace(BASE, url="https://other.example.org/party?hearing=42"))
    assert str(elsewhere["uid"]) != str(first["uid"])  # another deployment, another event


def test_a_cancellation_is_a_cancel_with_a_cancelled_status() -> None:
    cal, event = parsed(replace(BASE, cancelled=True, sequence=3))
    assert str(cal["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 3
    assert "has been cancelled" in str(event["description"])


def test_a_bad_stored_zone_falls_back_to_shanghai() -> None:
    _, event = parsed(replace(BASE, timezone="Nowhere/Land"))
    assert "(Asia/Shanghai, UTC+08:00)" in str(event["description"])


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("", "noreply@court.example.org"),
        ("法院 <hearings@court.example.org>", "hearings@court.example.org"),
        ("hearings@court.example.org", "hearings@court.example.org"),
    ],
)
def test_organizer_address(configured: str, expected: str) -> None:
    assert calendar.organizer_address(configured, BASE.url) == expected


@pytest.mark.parametrize(
    ("start", "zone", "expected"),
    [
        ("2027-07-01T09:30:00+08:00", None, START),
        ("2027-07-01T01:30:00Z", "Europe/Rome", START),  # an explicit offset wins
        ("2027-07-01T09:30:00", "Asia/Shanghai", START),
        ("2027-07-01T03:30:00", "Europe/Rome", START),
        ("2027-01-01T03:30:00", "Europe/Rome", datetime(2027, 1, 1, 2, 30, tzinfo=UTC)),
        # 02:30 happens twice in Rome on 31 October 2027: the first (summer time) is taken.
        ("2027-10-31T02:30:00", "Europe/Rome", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
    ],
)
def test_resolve_start(start: str, zone: str | None, expected: datetime) -> None:
    resolved = resolve_start(datetime.fromisoformat(start), zone)
    assert resolved == expected and resolved.tzinfo is UTC


@pytest.mark.parametrize(
    ("start", "zone", "code"),
    [
        ("2027-07-01T09:30:00", None, "hearing_start_needs_zone"),
        ("2027-07-01T09:30:00", "Asia/Beijing", "timezone_unknown"),
        ("2027-07-01T09:30:00+08:00", "../../etc/passwd", "timezone_unknown"),
        ("2027-03-28T02:30:00", "Europe/Rome", "hearing_start_not_in_zone"),  # skipped hour
        ("0001-01-01T00:00:00+08:00", None, "invalid_field"),  # before year 1 in UTC
        ("9999-12-31T23:59:59", "America/Los_Angeles", "invalid_field"),  # after 9999
    ],
)
def test_resolve_start_refuses(start: str, zone: str | None, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        resolve_start(datetime.fromisoformat(start), zone)
    assert caught.value.code == code


def test_render_in_the_viewers_zone_and_language() -> None:
    rome = render(START, "Europe/Rome", "en")
    assert rome.iso == "2027-07-01T03:30:00+02:00" and rome.offset == "+02:00"
    assert rome.text == "Thursday 2027-07-01 03:30 (Europe/Rome, UTC+02:00)"
    winter = render(datetime(2027, 1, 1, 2, 30, tzinfo=UTC), "Europe/Rome", "en")
    assert winter.offset == "+01:00"
    utc = render(START, "UTC", "zh-CN")
    assert utc.offset == "+00:00" and utc.text.startswith("2027年7月1日 星期四 01:30")
    kathmandu = render(START, "Asia/Kathmandu", "en")
    assert kathmandu.offset == "+05:45"
