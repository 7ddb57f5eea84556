"""A hearing keeps its participants' web sessions alive: someone who only talks, with no page
request for longer than the idle timeout, can still come back after a dropped link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hearing_support import Join, make_hearing
from sqlmodel import Session, select

from odr.services.startup import opened_store
from odr.settings import Settings
from odr.store.models import WebSession
from odr.store.types import utcnow
from signaling import actions


def _age(session: Session, by: timedelta) -> None:
    for row in session.exec(select(WebSession)).all():
        row.last_seen_at -= by
        session.add(row)


def _ages(session: Session) -> list[timedelta]:
    return [utcnow() - row.last_seen_at for row in session.exec(select(WebSession)).all()]


def _age_sessions(settings: Settings, by: timedelta) -> None:
    with opened_store(settings) as (db, _):
        db.write_sync(_age, by)


def _last_seen(settings: Settings) -> list[timedelta]:
    with opened_store(settings) as (db, _):
        return db.read_sync(_ages)


async def test_heartbeats_keep_the_session_alive_past_its_idle_timeout(
    settings: Settings, join: Join, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each heartbeat marks the session (the server does it once a minute: the test cannot wait).
    monkeypatch.setattr(actions, "SESSION_TOUCH_SECONDS", 0.0, raising=False)
    hearing = make_hearing(settings)
    hid = hearing["id"]
    host = await join(hid, user="mediator", media=False)
    party = await join(hid, code=hearing["codes"]["applicant"], media=False)
    assert (await host.emit("admit", {"participant_id": party.participant_id}))["ok"]

    # 29 minutes of a mediator talking (staff idle timeout 30) without a page request.
    idle = timedelta(minutes=settings.staff_idle_minutes - 1)
    _age_sessions(settings, idle)
    for probe in (host, party):
        assert (await probe.emit("heartbeat", {}))["ok"]
    assert all(age < timedelta(minutes=1) for age in _last_seen(settings))

    # Another 29 minutes later the link drops: they come back on the same sessions.
    _age_sessions(settings, idle)
    for probe in (host, party):
        await probe.drop()
        back = await probe.connect()
        assert back["me"]["id"] == probe.participant_id
