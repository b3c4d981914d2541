"""The send window: the first moment at or after a given one when a message may go, in the
recipient's own days and hours, answered in UTC."""

from datetime import UTC, date, time, timedelta

import pytest

from collections_app.rules.windows import (
    DEFAULT_WINDOW,
    SEARCH_DAYS,
    NoAllowedMoment,
    SendWindow,
    is_allowed_day,
    next_allowed,
)
from tests.reminders.scenario import local

BERLIN = "Europe/Berlin"
AUCKLAND = "Pacific/Auckland"
WEEKDAYS = frozenset({1, 2, 3, 4, 5})
NINE_TO_FIVE = SendWindow(WEEKDAYS, time(9), time(17))
# 17 March 2026 is a Tuesday; 1 May 2026 (a Friday) is Labour Day in Germany.
TUESDAY = date(2026, 3, 17)
LABOUR_DAY = date(2026, 5, 1)


def allowed(moment: str, window: SendWindow = NINE_TO_FIVE, zone: str = BERLIN, country="DE"):
    return next_allowed(local(moment, zone), zone=zone, country=country, window=window)


def test_a_tenant_without_a_window_of_its_own_sends_on_working_days_nine_to_five():
    assert allowed("2026-03-17 08:00", DEFAULT_WINDOW) == local("2026-03-17 09:00")
    assert allowed("2026-03-17 16:59", DEFAULT_WINDOW) == local("2026-03-17 16:59")
    assert allowed("2026-03-20 17:00", DEFAULT_WINDOW) == local("2026-03-23 09:00")
    assert allowed("2026-04-30 17:00", DEFAULT_WINDOW) == local("2026-05-04 09:00")


def test_a_day_is_allowed_when_it_is_one_of_the_windows_weekdays_and_no_holiday():
    assert is_allowed_day(TUESDAY, NINE_TO_FIVE, "DE")
    assert not is_allowed_day(TUESDAY + timedelta(days=4), NINE_TO_FIVE, "DE")  # Saturday
    assert not is_allowed_day(LABOUR_DAY, NINE_TO_FIVE, "DE")
    assert is_allowed_day(LABOUR_DAY, NINE_TO_FIVE, "US")  # a working day there


def test_a_window_that_sends_on_holidays_allows_them():
    window = SendWindow(WEEKDAYS, time(9), time(17), skip_holidays=False)
    assert is_allowed_day(LABOUR_DAY, window, "DE")
    assert allowed("2026-05-01 10:00", window) == local("2026-05-01 10:00")


def test_a_moment_inside_the_window_is_allowed_as_it_is():
    assert allowed("2026-03-17 10:30") == local("2026-03-17 10:30")
    assert allowed("2026-03-17 09:00") == local("2026-03-17 09:00")


def test_before_opening_the_message_waits_for_the_window_to_open_that_day():
    assert allowed("2026-03-17 06:15") == local("2026-03-17 09:00")


def test_the_window_closes_at_its_end_a_message_may_leave_just_before_it_not_at_it():
    last_moment = local("2026-03-17 17:00") - timedelta(microseconds=1)
    assert next_allowed(last_moment, zone=BERLIN, country="DE", window=NINE_TO_FIVE) == (
        last_moment
    )
    assert allowed("2026-03-17 17:00") == local("2026-03-18 09:00")
    assert allowed("2026-03-17 21:00") == local("2026-03-18 09:00")


def test_after_friday_closing_the_next_moment_is_monday_morning():
    assert allowed("2026-03-20 17:30") == local("2026-03-23 09:00")
    assert allowed("2026-03-21 11:00") == local("2026-03-23 09:00")  # Saturday


def test_a_public_holiday_of_the_recipients_country_moves_to_the_next_working_day():
    assert allowed("2026-04-30 18:00") == local("2026-05-04 09:00")  # Friday 1 May is off
    assert allowed("2026-05-01 10:00", country="US") == local("2026-05-01 10:00")


def test_a_window_of_the_tenants_own_days_and_hours_is_kept():
    weekend_mornings = SendWindow(frozenset({6, 7}), time(7, 30), time(11))
    assert allowed("2026-03-17 10:00", weekend_mornings) == local("2026-03-21 07:30")
    assert allowed("2026-03-21 10:59", weekend_mornings) == local("2026-03-21 10:59")
    assert allowed("2026-03-21 11:00", weekend_mornings) == local("2026-03-22 07:30")


def test_the_window_is_read_in_the_recipients_own_time_zone():
    # 20:30 UTC on Tuesday is already Wednesday 09:30 in Auckland: inside its window, though
    # Berlin (21:30) and UTC are past closing.
    moment = local("2026-03-17 20:30", "UTC")
    assert next_allowed(moment, zone=AUCKLAND, country="NZ", window=NINE_TO_FIVE) == moment
    assert next_allowed(moment, zone=BERLIN, country="DE", window=NINE_TO_FIVE) == local(
        "2026-03-18 09:00"
    )
    # Early Wednesday in Auckland the window opens at nine there, still Tuesday in UTC.
    early = local("2026-03-18 07:00", AUCKLAND)
    assert next_allowed(early, zone=AUCKLAND, country="NZ", window=NINE_TO_FIVE) == local(
        "2026-03-18 09:00", AUCKLAND
    )


def test_the_answer_is_in_utc_whatever_the_recipients_zone():
    answer = next_allowed(
        local("2026-03-17 06:00", AUCKLAND), zone=AUCKLAND, country="NZ", window=NINE_TO_FIVE
    )
    assert answer == local("2026-03-17 09:00", AUCKLAND)
    assert answer.tzinfo is UTC
    assert allowed("2026-03-17 10:30").tzinfo is UTC


def test_a_window_without_any_day_refuses_to_answer():
    never = SendWindow(frozenset(), time(9), time(17))
    with pytest.raises(NoAllowedMoment, match=f"within {SEARCH_DAYS} days"):
        allowed("2026-03-17 10:00", never)


def test_a_window_that_closes_before_it_opens_allows_no_moment():
    backwards = SendWindow(WEEKDAYS, time(17), time(9))
    with pytest.raises(NoAllowedMoment):
        allowed("2026-03-17 10:00", backwards)


def test_a_long_run_of_days_off_is_searched_through():
    # Only Mondays, and the Monday of Easter is a holiday in Germany: two weeks ahead.
    mondays = SendWindow(frozenset({1}), time(9), time(17))
    assert allowed("2026-03-31 10:00", mondays) == local("2026-04-13 09:00")
