"""Who may send which ``/hearing`` event: one row per event (``· variant`` when one event is
asked twice), one column per role, written from what a court requires:

- only those invited to the hearing (its parties, the invited interpreter) and those who may
  chair it (the case's mediator, a judge of the court) connect; nobody else does, not the
  clerk or the administrator, not a party of another case, not a judge of another court;
- everyone connected may talk, chat, raise a hand, report their link;
- only the presiding host (the chair: here the mediator, who came first) runs host actions;
  a party or an interpreter gets ``host_only``, the other host (the judge) ``not_chair``.

Cells: ``ok`` (acknowledged ok), ``host_only`` / ``not_chair`` (refused with
``room_host_only`` / ``room_not_chair``, ack and ``error`` event), ``no_session`` / ``not_invited``
(the connection itself is refused: ``not_authenticated`` / ``hearing_not_invited``, tried
again for every event). The respondent is in the hearing too, as the host actions' target.
Rows run in this order: the chair admits, mutes, starts, records, opens a private room... and
closes the hearing last.
"""

from __future__ import annotations

COLUMNS = "anon party other clerk medi judge ojudge admin interp"

CODES = {
    "host_only": "room_host_only",
    "not_chair": "room_not_chair",
    "no_session": "not_authenticated",
    "not_invited": "hearing_not_invited",
}

_OUT = "no_session  {}  not_invited  not_invited  {}  {}  not_invited  not_invited  {}"
EVERYONE = _OUT.format("ok", "ok", "ok", "ok")
CHAIR = _OUT.format("host_only", "ok", "not_chair", "host_only")

TABLE: dict[str, str] = {
    "connect": EVERYONE,
    # Everyone in the hearing
    "heartbeat": EVERYONE,
    "quality": EVERYONE,
    "chat": EVERYONE,
    "hand": EVERYONE,
    "audio_only": EVERYONE,
    "offer": EVERYONE,
    # The chair
    "admit": CHAIR,
    "mute": CHAIR,
    "unmute": CHAIR,
    "video_off": CHAIR,
    "video_on": CHAIR,
    "start": CHAIR,
    "pause": CHAIR,
    "resume": CHAIR,
    "record · on": CHAIR,
    "record · off": CHAIR,
    "video_profile": CHAIR,
    "private_open": CHAIR,
    "private_close": CHAIR,
    "remove": CHAIR,
    "hand_over": CHAIR,  # the judge hands the chair back before its own cell
    "close": CHAIR,
}


def event_of(row: str) -> str:
    return row.split(" · ")[0]


def cells(row: str) -> list[str]:
    return TABLE[row].split()
