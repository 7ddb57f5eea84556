"""Court statistics for staff (``GET /api/statistics?months=12&tz=Asia/Shanghai``)."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel
from sqlmodel import Session

from odr.errors import InvalidInput
from odr.http.io import actor_of, respond
from odr.http.keys import DB
from odr.services import local_time, statistics
from odr.store.types import utcnow


class SeriesOut(BaseModel):
    key: str  # a category, or a micro-court's id
    label: str  # the micro-court's name (categories are translated by the client)
    counts: list[int]  # one per month


class StatisticsOut(BaseModel):
    court_id: int | None  # None: every court (platform administrator)
    months: list[str]  # YYYY-MM in the viewer's zone, oldest first
    timezone: str  # the zone the months are counted in
    total: int  # cases of the court, all time
    by_state: dict[str, int]  # cases in each state now
    filed: list[int]  # cases filed, per month
    settled: list[int]  # cases settled in mediation, per month
    by_category: list[SeriesOut]  # cases filed per month, by category
    by_microcourt: list[SeriesOut]  # cases filed per month, by micro-court
    mediations_ended: int  # mediations that ended: settled, failed or withdrawn
    mediations_settled: int
    share_settled: float | None  # settled / ended; None when none ended
    confirmations: dict[str, int]  # requested, pending, confirmed, rejected
    settlements_timed: int  # settled cases in the median below
    median_days_to_settlement: float | None  # from filing to settlement


async def get_statistics(request: web.Request) -> web.Response:
    actor = actor_of(request)
    raw = request.query.get("months", "12")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 3:
        raise InvalidInput("invalid_field", field="months", field_name="months")
    months = int(raw)
    zone_name = request.query.get("tz", local_time.DEFAULT_ZONE)
    tz = local_time.zone(zone_name, field="tz")
    now = utcnow()

    def load(session: Session) -> StatisticsOut:
        found = statistics.court_statistics(session, actor, now, months, tz)
        return StatisticsOut(
            court_id=found.court_id,
            months=found.months,
            timezone=zone_name,
            total=found.total,
            by_state=found.by_state,
            filed=found.filed,
            settled=found.settled,
            by_category=[SeriesOut(**vars(s)) for s in found.by_category],
            by_microcourt=[SeriesOut(**vars(s)) for s in found.by_microcourt],
            mediations_ended=found.mediations_ended,
            mediations_settled=found.mediations_settled,
            share_settled=found.share_settled,
            confirmations=found.confirmations,
            settlements_timed=len(found.days_to_settlement),
            median_days_to_settlement=found.median_days_to_settlement,
        )

    return respond(await request.app[DB].read(load))
