"""Send windows: the next moment a message may go, in the customer's local time."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kapittx.localtime import public_holidays, wall_clock

#: How far ahead to look for an allowed day before giving up (a window with no day allowed).
SEARCH_DAYS = 60


@dataclass(frozen=True)
class SendWindow:
    """The days and hours messages may go out, in the recipient's local time."""

    weekdays: frozenset[int]  # ISO: 1 = Monday … 7 = Sunday
    start: time
    end: time
    skip_holidays: bool = True


#: Working days, nine to five: the window of a tenant that has not set one.
DEFAULT_WINDOW = SendWindow(frozenset({1, 2, 3, 4, 5}), time(9), time(17))


class NoAllowedMoment(ValueError):
    """The window allows no moment in the coming weeks."""


def is_allowed_day(day: date, window: SendWindow, country: str) -> bool:
    if day.isoweekday() not in window.weekdays:
        return False
    return not (window.skip_holidays and day in public_holidays(country, day.year))


def next_allowed(moment: datetime, *, zone: str, country: str, window: SendWindow) -> datetime:
    """Return the first moment at or after ``moment`` inside ``window`` in ``zone`` (UTC).

    The window closes at ``end``: a message may leave before it, not at it.
    """
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    for ahead in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=ahead)
        if not is_allowed_day(day, window, country):
            continue
        opens, closes = wall_clock(day, window.start, tz), wall_clock(day, window.end, tz)
        candidate = opens if ahead else max(local, opens)
        if candidate < closes:
            return candidate.astimezone(UTC)
    raise NoAllowedMoment(f"No allowed sending moment within {SEARCH_DAYS} days.")
