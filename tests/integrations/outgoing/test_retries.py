"""When a failed delivery is tried again: the schedule over about three days, varied a
little, and later when the endpoint asks for it."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from integrations.outgoing.retries import (
    LONGEST_ASKED,
    MAX_ATTEMPTS,
    SCHEDULE,
    asked_wait,
    next_wait,
)

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def test_the_schedule_runs_for_about_three_days_in_ten_attempts():
    assert [int(wait.total_seconds()) for wait in SCHEDULE] == [
        5,
        5 * 60,
        30 * 60,
        2 * 3600,
        5 * 3600,
        10 * 3600,
        14 * 3600,
        20 * 3600,
        24 * 3600,
    ]
    assert MAX_ATTEMPTS == 10
    assert timedelta(days=3) <= sum(SCHEDULE, timedelta()) <= timedelta(days=3, hours=4)


@pytest.mark.parametrize("attempts", range(1, MAX_ATTEMPTS))
def test_each_wait_is_its_step_varied_by_at_most_a_tenth(attempts):
    rng = random.Random(attempts)
    waits = [next_wait(attempts, NOW, rng=rng) for _ in range(200)]
    step = SCHEDULE[attempts - 1]
    assert all(step * 0.9 <= wait <= step * 1.1 for wait in waits)
    # Jitter: retries of many deliveries that failed together do not arrive together.
    assert len(set(waits)) > 150


def test_there_is_no_wait_after_the_last_attempt():
    assert next_wait(MAX_ATTEMPTS, NOW) is None
    assert next_wait(MAX_ATTEMPTS + 3, NOW) is None


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_defers_a_throttled_retry(status):
    assert next_wait(1, NOW, status=status, retry_after="120") == timedelta(seconds=120)
    when = "Mon, 04 May 2026 13:30:00 GMT"
    assert next_wait(1, NOW, status=status, retry_after=when) == timedelta(minutes=90)


def test_retry_after_never_brings_a_retry_forward_nor_defers_it_past_a_day():
    # Asking for less than the schedule keeps the schedule's wait.
    wait = next_wait(3, NOW, status=429, retry_after="1")
    assert wait >= SCHEDULE[2] * 0.9
    assert next_wait(1, NOW, status=503, retry_after=str(10 * 86400)) == LONGEST_ASKED


def test_retry_after_is_not_read_from_other_answers_and_nonsense_is_ignored():
    assert next_wait(1, NOW, status=500, retry_after="3600") <= SCHEDULE[0] * 1.1
    assert next_wait(1, NOW, status=429, retry_after="soon") <= SCHEDULE[0] * 1.1
    assert asked_wait("", NOW) is None and asked_wait("-5", NOW) is None
    assert asked_wait("Mon, 04 May 2026 11:00:00 GMT", NOW) == timedelta(0)
