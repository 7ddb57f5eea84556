"""Mailing hearing invitations (optional): one message per participant, the .ics attached.

No mail server configured (``settings.smtp_host`` empty): nothing is sent. A failure is
logged and reported per recipient; it never fails the request that scheduled the hearing.
smtplib is blocking, so :func:`send` runs it in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from odr.i18n import translate
from odr.services import calendar
from odr.settings import Settings

log = logging.getLogger("odr.mail")
TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class Letter:
    participant_id: int
    invitation: calendar.Invitation
    ics: bytes


@dataclass(frozen=True)
class Sent:
    participant_id: int
    email: str
    sent: bool
    error: str | None = None  # "smtp_unreachable", "smtp_refused", "smtp_failed"


def configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def message(settings: Settings, letter: Letter) -> EmailMessage:
    """The mail: a short text in the participant's language and the invitation attached."""
    inv = letter.invitation
    lang = inv.language
    if inv.cancelled:
        subject = translate("hearing.mail.subject_cancelled", lang, number=inv.case_number)
    else:
        time = calendar.local_text(inv)
        subject = translate("hearing.mail.subject", lang, number=inv.case_number, time=time)
    sender = calendar.organizer_address(settings.smtp_from, inv.url)
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.smtp_from or formataddr((inv.court, sender))
    msg["To"] = formataddr((inv.name, inv.email))
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(calendar.description(inv) + "\n")
    msg.add_attachment(
        letter.ics,
        maintype="text",
        subtype="calendar",
        filename=translate("hearing.mail.attachment", lang),
        params={"method": "CANCEL" if inv.cancelled else "REQUEST", "charset": "utf-8"},
    )
    return msg


def send_sync(settings: Settings, letters: Sequence[Letter]) -> list[Sent]:
    """Send over one SMTP connection; every letter gets a result, none raises."""
    if not letters:
        return []
    if not configured(settings):
        return [
            Sent(x.participant_id, x.invitation.email, False, "smtp_not_configured")
            for x in letters
        ]
    results: list[Sent] = []
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            for letter in letters:
                results.append(_send_one(smtp, settings, letter))
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail server %s:%s: %s", settings.smtp_host, settings.smtp_port, exc)
        done = {r.participant_id for r in results}
        results += [
            Sent(x.participant_id, x.invitation.email, False, "smtp_unreachable")
            for x in letters
            if x.participant_id not in done
        ]
    return results


def _send_one(smtp: smtplib.SMTP, settings: Settings, letter: Letter) -> Sent:
    email = letter.invitation.email
    try:
        refused = smtp.send_message(message(settings, letter))
    except smtplib.SMTPRecipientsRefused as exc:
        log.warning("mail to %s refused: %s", email, exc.recipients)
        return Sent(letter.participant_id, email, False, "smtp_refused")
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused, smtplib.SMTPNotSupportedError) as exc:
        log.warning("mail to %s failed: %s", email, exc)
        return Sent(letter.participant_id, email, False, "smtp_failed")
    except UnicodeEncodeError as exc:  # a non-ASCII address and a server without SMTPUTF8
        log.warning("mail to %s failed: %s", email, exc)
        return Sent(letter.participant_id, email, False, "smtp_failed")
    if refused:
        log.warning("mail to %s refused: %s", email, refused)
        return Sent(letter.participant_id, email, False, "smtp_refused")
    log.info("invitation to hearing %s mailed to %s", letter.invitation.hearing_id, email)
    return Sent(letter.participant_id, email, True)


async def send(settings: Settings, letters: Sequence[Letter]) -> list[Sent]:
    """:func:`send_sync` in a worker thread (the event loop keeps serving)."""
    if not letters:
        return []
    return await asyncio.to_thread(send_sync, settings, list(letters))
