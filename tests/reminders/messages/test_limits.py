"""One budget bounds a message: its wall-clock time, its loop steps and what it builds, shared
by every part rendered under it and checked from inside the render."""

import time

import pytest

from reminders.messages import limits
from reminders.messages.context import sample_context
from reminders.messages.render import render
from reminders.messages.sandbox import TemplateError, render_part
from tests.reminders.messages.hostile import timed
from tests.reminders.messages.sample import draft

SLOW = "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"


def test_a_render_that_would_run_for_hours_stops_within_its_budget():
    started = time.monotonic()
    with timed(), pytest.raises(TemplateError, match="rendering took longer than 1 s"):
        render_part("body_text", SLOW, {})
    assert time.monotonic() - started >= limits.RENDER_SECONDS


def test_loop_steps_are_counted_across_the_parts_of_a_message(tenant):
    # 60,000 steps a part: each part alone is within the budget, the message is not.
    loops = "{% for a in range(6000) %}{% for b in range(10) %}{% endfor %}{% endfor %}x"
    template = draft(tenant, subject="s", body_text=loops, short_text=loops)
    with pytest.raises(TemplateError) as caught:
        render(template, sample_context("en"))
    assert "loops ran more than 100,000 times" in caught.value.message_dict["short_text"][0]
    assert render_part("body_text", loops, {}) == "x"


def test_what_a_message_builds_in_all_is_bounded():
    # Each value is under the cap; together they pass what one message may build.
    source = "{% set s = 'x' * 999000 %}{% for i in range(30) %}{% set t = s ~ i %}{% endfor %}"
    with pytest.raises(TemplateError, match="the template built more than 20,000,000"):
        render_part("body_text", source, {})


def test_a_budget_opened_around_several_renders_is_shared():
    with limits.budget() as outer:
        with limits.budget() as inner:
            assert inner is outer
        render_part("body_text", "{% for i in range(7) %}{% endfor %}", {})
    assert outer.iterations == 7
    with limits.budget() as fresh:
        assert fresh is not outer and fresh.iterations == 0


def test_an_expired_budget_stops_the_next_part_before_it_is_compiled():
    with limits.budget() as running:
        running.deadline = time.monotonic() - 1
        with pytest.raises(TemplateError, match="rendering took longer than 1 s"):
            render_part("body_text", "{{ 1 }}", {})


def test_the_weight_of_a_value_counts_what_it_holds():
    # A namespace may hold itself; it is counted once.
    source = "{% set ns = namespace(me=1) %}{% set ns.me = ns %}{{ [ns, ns]|length }}"
    assert render_part("body_text", source, {}) == "2"
    assert limits.weight("abc") == 3
    assert limits.weight(["ab", "c"]) == 2 + 2 * 8 + 3
    with pytest.raises(limits.LimitExceeded, match="a number of more than 1,000 digits"):
        limits.weight([1, 10**1001])
    with pytest.raises(limits.LimitExceeded, match="longer than 10 characters"):
        limits.weight({"key": "x" * 20}, limit=10)
