"""Time zones: checking names, reading a local start time, showing a UTC time to a viewer.

The store holds UTC only; a time zone is a property of the person looking (``Party.timezone``,
a ``tz`` query parameter), never of the stored time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from odr.errors import InvalidInput
from odr.i18n import translate

DEFAULT_ZONE = "Asia/Shanghai"


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str, field: str = "timezone") -> ZoneInfo:
    """The IANA zone called ``name`` (``Asia/Shanghai``, ``Europe/Rome``, ``UTC``) or 422."""
    if name not in _zones():
        raise InvalidInput("timezone_unknown", field=field, zone=name[:64])
    return ZoneInfo(name)


def is_zone(name: str) -> bool:
    return name in _zones()


def resolve_start(start: datetime, timezone: str | None, field: str = "start") -> datetime:
    """``start`` in UTC. An aware time keeps its own offset; a naive one is read in ``timezone``
    (required then). A wall time the zone skips (a DST gap) is refused, not guessed."""
    tz = zone(timezone) if timezone is not None else None
    try:
        if start.tzinfo is not None and start.utcoffset() is not None:
            return start.astimezone(UTC)
        if tz is None:
            raise InvalidInput("hearing_start_needs_zone", field=field)
        local = start.replace(tzinfo=tz)
        back = local.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back != start.replace(tzinfo=None):
            raise InvalidInput("hearing_start_not_in_zone", field=field, zone=timezone)
        return local.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 pushed out of range by the offset
        raise InvalidInput("invalid_field", field=field, field_name=field) from None


@dataclass(frozen=True)
class LocalTime:
    iso: str  # ISO 8601 with the viewer's offset
    zone: str  # IANA name
    offset: str  # "+08:00"
    text: str  # for people, in the viewer's language


def render(when: datetime, zone_name: str, lang: str) -> LocalTime:
    """``when`` (aware) as seen in ``zone_name``, with a sentence in ``lang``."""
    local = when.astimezone(zone(zone_name))
    offset = local.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}" if offset else "+00:00"
    text = translate(
        "hearing.time_format",
        lang,
        year=local.year,
        month=local.month,
        day=local.day,
        hour=local.hour,
        minute=local.minute,
        weekday=translate(f"hearing.weekday.{local.weekday()}", lang),
        zone=zone_name,
        offset=offset,
    )
    return LocalTime(iso=local.isoformat(), zone=zone_name, offset=offset, text=text)
