"""Invitations by mail, against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from icalendar import Calendar
from support import Client, enter_code, file_case, login, make_settings, post

from odr.cli import demo
from odr.http.app import create_app
from odr.services import mail
from odr.services.startup import opened_store
from odr.settings import Settings

REFUSED = "nobody@refused.test"
NEXT_YEAR = datetime.now(UTC).year + 1  # a winter day always within the two-year horizon


class Inbox:
    """The SMTP server's side: refuses one address, keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address == REFUSED:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        parsed = email.message_from_bytes(raw, policy=default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def settings(tmp_path: Path, db_url: str, inbox: tuple[Inbox, int]) -> Settings:
    return make_settings(
        tmp_path / "data",
        db_url,
        smtp_host="127.0.0.1",
        smtp_port=inbox[1],
        smtp_from="临安法院 <hearings@odr.test>",
    )


def calendar_of(message: EmailMessage) -> Any:
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    assert parts[0].get_param("method") in ("REQUEST", "CANCEL")
    payload = parts[0].get_payload(decode=True)
    assert isinstance(payload, bytes)
    return Calendar.from_ical(payload)


async def case_with_hearing(new_client: Any, seeded: dict[str, Any]) -> dict[str, Any]:
    applicant, mediator = await new_client(), await new_client()
    filed = await file_case(
        applicant,
        seeded["intake_code"],
        respondent={"name": "Marco Rossi", "language": "en", "timezone": "Europe/Rome"},
    )
    csrf = await login(mediator, seeded, "mediator")
    path = f"/api/cases/{filed['case_id']}"
    assert (await post(mediator, f"{path}/transitions", csrf, json={"target": "accepted"})).ok
    made = await post(
        mediator,
        f"{path}/hearings",
        csrf,
        json={"start": f"{NEXT_YEAR}-01-15T10:00:00", "timezone": "Asia/Shanghai"},
    )
    assert made.status == 201, await made.text()
    hearing = await made.json()
    assert hearing["mail"] == []  # nobody has an address yet
    return {"filed": filed, "mediator": mediator, "csrf": csrf, "hearing": hearing}


async def test_invited_people_get_the_invitation_by_mail(
    new_client: Any, seeded: dict[str, Any], inbox: tuple[Inbox, int]
) -> None:
    box = inbox[0]
    world = await case_with_hearing(new_client, seeded)
    mediator: Client = world["mediator"]
    hid = world["hearing"]["id"]
    invited = await post(
        mediator,
        f"/api/hearings/{hid}/participants",
        world["csrf"],
        json={
            "role": "interpreter",
            "name": "Anna Bianchi",
            "language": "en",
            "timezone": "Europe/Rome",
            "email": "anna@example.org",
        },
    )
    assert invited.status == 201, await invited.text()
    report = (await invited.json())["mail"]
    assert report == [
        {
            "participant_id": (await invited.json())["participant"]["id"],
            "email": "anna@example.org",
            "sent": True,
            "error": None,
            "message": None,
        }
    ]
    (letter,) = box.to("anna@example.org")
    assert "Hearing notice" in str(letter["Subject"]) and world["filed"]["number"] in str(
        letter["Subject"]
    )
    assert "hearings@odr.test" in str(letter["From"])
    assert "Anna Bianchi" in str(letter["To"])
    text = letter.get_body(("plain",))
    assert text is not None and "Europe/Rome" in text.get_content()
    cal = calendar_of(letter)
    event = cal.walk("VEVENT")[0]
    assert str(cal["method"]) == "REQUEST"
    assert str(event["uid"]) == f"hearing-{hid}@odr.test"
    assert str(event["attendee"]) == "mailto:anna@example.org"
    assert str(event["organizer"]) == "mailto:hearings@odr.test"

    # The respondent gives its own address; a reschedule reaches both, in their languages.
    respondent = await new_client()
    clerk = await new_client()
    c_csrf = await login(clerk, seeded, "clerk")
    case = await (await clerk.get(f"/api/cases/{world['filed']['case_id']}")).json()
    party_id = next(p["id"] for p in case["parties"] if p["role"] == "respondent")
    code = await (await post(clerk, f"/api/parties/{party_id}/code", c_csrf)).json()
    r_csrf = await enter_code(respondent, code["code"])
    me = (await (await respondent.get(f"/api/hearings/{hid}")).json())["me"]
    response = await respondent.put(
        f"/api/hearings/{hid}/participants/{me}/email",
        json={"email": "marco@example.it"},
        headers={"X-CSRF-Token": r_csrf},
    )
    assert response.status == 200, await response.text()
    others = next(p["id"] for p in world["hearing"]["participants"] if p["role"] == "applicant")
    response = await respondent.put(
        f"/api/hearings/{hid}/participants/{others}/email",
        json={"email": "x@example.org"},
        headers={"X-CSRF-Token": r_csrf},
    )
    assert response.status == 403  # not its own row
    moved = await mediator.patch(
        f"/api/hearings/{hid}",
        json={"start": f"{NEXT_YEAR}-01-16T10:00:00+08:00"},
        headers={"X-CSRF-Token": world["csrf"]},
    )
    assert moved.status == 200, await moved.text()
    sent = {m["email"]: m["sent"] for m in (await moved.json())["mail"]}
    assert sent == {"anna@example.org": True, "marco@example.it": True}
    (to_marco,) = box.to("marco@example.it")
    event = calendar_of(to_marco).walk("VEVENT")[0]
    assert int(event["sequence"]) == 1
    assert "03:00 (Europe/Rome" in str(event["description"])  # 10:00 in Shanghai, winter
    assert len(box.to("anna@example.org")) == 2

    cancelled = await mediator.delete(
        f"/api/hearings/{hid}", headers={"X-CSRF-Token": world["csrf"]}
    )
    assert cancelled.status == 200
    last = box.to("marco@example.it")[-1]
    assert str(calendar_of(last)["method"]) == "CANCEL"
    assert "cancelled" in str(last["Subject"]).lower()


async def test_a_refused_address_is_reported_not_fatal(
    new_client: Any, seeded: dict[str, Any], inbox: tuple[Inbox, int]
) -> None:
    world = await case_with_hearing(new_client, seeded)
    response = await post(
        world["mediator"],
        f"/api/hearings/{world['hearing']['id']}/participants?lang=en",
        world["csrf"],
        json={"name": "Nobody", "email": REFUSED},
    )
    assert response.status == 201, await response.text()
    body = await response.json()
    (report,) = body["mail"]
    assert report["sent"] is False and report["error"] == "smtp_refused"
    assert report["message"] == "The mail server refused this address"
    assert body["code"]["code"]  # the invitation itself stands
    assert inbox[0].messages == []


async def test_an_unreachable_mail_server_is_reported_not_fatal(
    tmp_path: Path, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(
        tmp_path / "other", db_url, smtp_host="127.0.0.1", smtp_port=free_port()
    )
    with opened_store(settings) as (db, key):
        seeded = demo.seed(settings, db, key)
    server = TestServer(create_app(settings))
    await server.start_server()
    jar = CookieJar(unsafe=True, treat_as_secure_origin=str(server.make_url("/")))
    client: Client = TestClient(server, cookie_jar=jar)
    await client.start_server()
    try:
        filed = await file_case(client, seeded["intake_code"])
        csrf = await login(client, seeded, "clerk")
        made = await post(
            client,
            f"/api/cases/{filed['case_id']}/hearings",
            csrf,
            json={"start": f"{NEXT_YEAR}-03-01T09:00:00+08:00"},
        )
        assert made.status == 201
        invited = await post(
            client,
            f"/api/hearings/{(await made.json())['id']}/participants",
            csrf,
            json={"name": "译员", "email": "yi@example.cn"},
        )
        assert invited.status == 201, await invited.text()
        (report,) = (await invited.json())["mail"]
        assert (
            report["error"] == "smtp_unreachable"
            and report["message"] == "无法连接邮件服务器，邮件未发送"
        )
        assert any("mail server 127.0.0.1" in r.getMessage() for r in caplog.records)
    finally:
        await client.close()
        await server.close()


def test_without_a_mail_server_nothing_is_sent(tmp_path: Path) -> None:
    assert not mail.configured(Settings(data_dir=tmp_path))
    assert mail.send_sync(Settings(data_dir=tmp_path), []) == []
