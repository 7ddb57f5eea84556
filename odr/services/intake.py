"""Intake codes: what a micro-court's public code leads to, with a short-lived cache.

Intake codes are printed on the village terminal and change rarely, so answers are kept in
memory for a minute: the terminal's look-up does not wait for the database. Unknown codes are
never cached, so a new micro-court is found at once.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, select

from odr.domain import codes
from odr.store.models import Court, MicroCourt


@dataclass(frozen=True)
class Intake:
    microcourt_id: int
    microcourt: str
    place: str
    court: str
    categories: tuple[str, ...]


def look_up(session: Session, code: str) -> Intake | None:
    """The micro-court of a canonical intake code (see ``codes.normalise``)."""
    row = session.exec(
        select(MicroCourt, Court)
        .join(Court, Court.id == MicroCourt.court_id)  # type: ignore[arg-type]
        .where(MicroCourt.intake_code == code)
    ).first()
    if row is None:
        return None
    micro, court = row
    assert micro.id is not None
    return Intake(
        micro.id,
        micro.name,
        micro.place,
        court.name,
        tuple(c for c in micro.categories.split(",") if c),
    )


def canonical(raw: str) -> str | None:
    return codes.normalise(raw, codes.INTAKE_LENGTH)


def microcourt_by_intake(session: Session, raw_code: str) -> MicroCourt | None:
    code = canonical(raw_code)
    if code is None:
        return None
    return session.exec(select(MicroCourt).where(MicroCourt.intake_code == code)).first()


class IntakeCache:
    def __init__(
        self,
        ttl: float = 60.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, Intake]] = OrderedDict()

    def get(self, code: str) -> Intake | None:
        entry = self._entries.get(code)
        if entry is None:
            return None
        expires, intake = entry
        if self.clock() >= expires:
            del self._entries[code]
            return None
        return intake

    def put(self, code: str, intake: Intake) -> None:
        self._entries[code] = (self.clock() + self.ttl, intake)
        self._entries.move_to_end(code)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
