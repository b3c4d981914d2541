"""Send windows: the next moment a tenant allows a message, in the customer's local time."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from reminders.models import ReminderSettings

#: How far ahead to look for an allowed day before giving up (a window with no day allowed).
SEARCH_DAYS = 60


@dataclass(frozen=True)
class SendWindow:
    weekdays: frozenset[int]  # ISO: 1 = Monday … 7 = Sunday
    start: time
    end: time
    skip_holidays: bool = True

    @classmethod
    def for_settings(cls, row: ReminderSettings | None) -> "SendWindow":
        if row is None:
            return cls(frozenset({1, 2, 3, 4, 5}), time(9), time(17))
        return cls(
            frozenset(row.weekdays()), row.send_from, row.send_until, row.skip_public_holidays
        )


class NoAllowedMoment(ValueError):
    """The window allows no moment in the coming weeks."""


@lru_cache(maxsize=512)
def _holidays(country: str, year: int) -> frozenset[date]:
    if not country:
        return frozenset()
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:
        return frozenset()


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    # Round-trip through UTC so a wall time that does not exist (the hour skipped when
    # clocks go forward) becomes the real instant just after the gap.
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC).astimezone(zone)


def is_allowed_day(day: date, window: SendWindow, country: str) -> bool:
    if day.isoweekday() not in window.weekdays:
        return False
    return not (window.skip_holidays and day in _holidays(country, day.year))


def next_allowed(moment: datetime, *, zone: str, country: str, window: SendWindow) -> datetime:
    """Return the first moment at or after ``moment`` inside ``window`` in ``zone`` (UTC)."""
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    for ahead in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=ahead)
        if not is_allowed_day(day, window, country):
            continue
        opens, closes = _at(day, window.start, tz), _at(day, window.end, tz)
        candidate = opens if ahead else max(local, opens)
        if candidate < closes:
            return candidate.astimezone(UTC)
    raise NoAllowedMoment(f"No allowed sending moment within {SEARCH_DAYS} days.")


@lru_cache(maxsize=16384)
def start_of_day(day: date, zone: str) -> datetime:
    """Return local midnight of ``day`` in ``zone``, in UTC (the same few days and zones
    recur across a sweep's invoices)."""
    return _at(day, time(0), ZoneInfo(zone)).astimezone(UTC)


def local_today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()
