"""Local time: a customer's or tenant's own date, local midnights and public holidays.

Timestamps are UTC everywhere; a "day" is always someone's local day. These helpers turn
one into the other, for any IANA time zone.
"""

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


def local_today(now: datetime, zone: str) -> date:
    """Return the date it is at ``now`` in ``zone``."""
    return now.astimezone(ZoneInfo(zone)).date()


def wall_clock(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """Return the instant that reads ``clock`` on ``day`` in ``zone`` (an aware datetime).

    A wall time that does not exist (the hour skipped when clocks go forward) becomes the
    real instant just after the gap.
    """
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC).astimezone(zone)


@lru_cache(maxsize=16384)
def start_of_day(day: date, zone: str) -> datetime:
    """Return local midnight of ``day`` in ``zone``, in UTC (the same few days and zones
    recur across a sweep's invoices)."""
    return wall_clock(day, time(0), ZoneInfo(zone)).astimezone(UTC)


@lru_cache(maxsize=512)
def public_holidays(country: str, year: int) -> frozenset[date]:
    """Return the public holidays of ``country`` (ISO 3166 alpha-2) in ``year``; none for
    an unknown or empty country."""
    if not country:
        return frozenset()
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:
        return frozenset()
