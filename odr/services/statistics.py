"""Court statistics for staff: cases by state, category and micro-court per month, how many
mediations end in a settlement, confirmations, and how long filing to settlement takes.

Scoped to the caller's court (a platform administrator without a court sees every court).
Months are calendar months in the viewer's time zone, ``YYYY-MM``, the last ``months`` of
them up to ``now`` (times are stored in UTC; a case filed at 23:30 UTC on 31 January counts
in February for a viewer in Shanghai).
A case *settled in mediation* is one whose audit log shows a move to ``settled``; the share
settled is taken over the mediations that ended (settled, failed or withdrawn from mediation).
"""

from __future__ import annotations

import json
import statistics as stats
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from sqlmodel import Session, col, select

from odr.domain import access
from odr.domain.actors import Actor, Staff
from odr.domain.case_state import CaseState
from odr.errors import InvalidInput
from odr.store.models import AuditEntry, Case, MicroCourt, SettlementConfirmation

MAX_MONTHS = 60
ENDED_MEDIATION = (CaseState.SETTLED, CaseState.FAILED, CaseState.WITHDRAWN)


@dataclass
class Series:
    key: str
    label: str
    counts: list[int]


@dataclass
class Statistics:
    court_id: int | None
    months: list[str]
    total: int
    by_state: dict[str, int]
    filed: list[int]
    settled: list[int]
    by_category: list[Series]
    by_microcourt: list[Series]
    mediations_ended: int
    mediations_settled: int
    share_settled: float | None
    confirmations: dict[str, int] = field(default_factory=dict)
    days_to_settlement: list[float] = field(default_factory=list)

    @property
    def median_days_to_settlement(self) -> float | None:
        if not self.days_to_settlement:
            return None
        return round(stats.median(self.days_to_settlement), 1)


def month_of(when: datetime, tz: tzinfo = UTC) -> str:
    local = when.astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}"


def last_months(now: datetime, count: int, tz: tzinfo = UTC) -> list[str]:
    """The ``count`` months ending with ``now``'s (in ``tz``), oldest first."""
    if not 1 <= count <= MAX_MONTHS:
        raise InvalidInput("invalid_field", field="months", field_name="months")
    local = now.astimezone(tz)
    year, month = local.year, local.month
    out: list[str] = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def court_statistics(
    session: Session, actor: Actor, now: datetime, months: int, tz: tzinfo = UTC
) -> Statistics:
    access.require(isinstance(actor, Staff), actor)
    assert isinstance(actor, Staff)
    court_id = actor.court_id
    window = last_months(now, months, tz)
    index = {m: i for i, m in enumerate(window)}

    query = select(Case)
    if court_id is not None:
        query = query.where(Case.court_id == court_id)
    found = list(session.exec(query.order_by(col(Case.id))))
    ids = {c.id for c in found}

    micro_query = select(MicroCourt)
    if court_id is not None:
        micro_query = micro_query.where(MicroCourt.court_id == court_id)
    micro_names = {m.id: m.name for m in session.exec(micro_query.order_by(col(MicroCourt.id)))}

    filed = [0] * len(window)
    per_category: dict[str, list[int]] = {}
    per_micro: dict[int, list[int]] = {}
    for case in found:
        slot = index.get(month_of(case.filed_at, tz))
        if slot is None:
            continue
        filed[slot] += 1
        per_category.setdefault(case.category, [0] * len(window))[slot] += 1
        per_micro.setdefault(case.microcourt_id, [0] * len(window))[slot] += 1
    for mid in micro_names:
        assert mid is not None
        per_micro.setdefault(mid, [0] * len(window))  # every micro-court, even a quiet one

    # Moves between states, from the audit log: when each case was settled, and how
    # mediations ended (a case counts once, by its first ending).
    settled_at: dict[int, datetime] = {}
    ended: dict[int, str] = {}
    moves = session.exec(
        select(AuditEntry)
        .where(AuditEntry.kind == "case.transition", col(AuditEntry.case_id).is_not(None))
        .order_by(col(AuditEntry.seq))
    )
    for entry in moves:
        if entry.case_id not in ids:
            continue
        target = json.loads(entry.payload).get("to")
        assert entry.case_id is not None
        if target in {s.value for s in ENDED_MEDIATION} and entry.case_id not in ended:
            ended[entry.case_id] = target
        if target == CaseState.SETTLED.value and entry.case_id not in settled_at:
            settled_at[entry.case_id] = entry.created_at

    settled = [0] * len(window)
    for when in settled_at.values():
        slot = index.get(month_of(when, tz))
        if slot is not None:
            settled[slot] += 1
    filed_at = {c.id: c.filed_at for c in found}
    days = [
        (when - filed_at[case_id]).total_seconds() / 86400 for case_id, when in settled_at.items()
    ]

    outcomes: Counter[str] = Counter()
    rulings = select(SettlementConfirmation.outcome).join(
        Case, col(Case.id) == col(SettlementConfirmation.case_id)
    )
    if court_id is not None:
        rulings = rulings.where(Case.court_id == court_id)
    for outcome in session.exec(rulings):
        outcomes["requested"] += 1
        outcomes[outcome or "pending"] += 1

    settled_count = sum(1 for how in ended.values() if how == CaseState.SETTLED.value)
    return Statistics(
        court_id=court_id,
        months=window,
        total=len(found),
        by_state={s.value: sum(1 for c in found if c.state == s.value) for s in CaseState},
        filed=filed,
        settled=settled,
        by_category=[Series(key, key, counts) for key, counts in sorted(per_category.items())],
        by_microcourt=[
            Series(str(mid), micro_names.get(mid, str(mid)), counts)
            for mid, counts in sorted(per_micro.items())
        ],
        mediations_ended=len(ended),
        mediations_settled=settled_count,
        share_settled=round(settled_count / len(ended), 4) if ended else None,
        confirmations={
            k: outcomes.get(k, 0) for k in ("requested", "pending", "confirmed", "rejected")
        },
        days_to_settlement=sorted(days),
    )
