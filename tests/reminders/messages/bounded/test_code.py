"""What the generated code does without a sandbox hook is counted too: each step of a loop,
``~``, literals, slices and captured output."""

from unittest import mock

import pytest

from reminders.messages import limits
from reminders.messages.sandbox import TemplateError, render_part
from tests.reminders.messages.hostile import PAYLOADS, refusal, rendered

REPEATED = "x" * 1000


def test_each_step_of_a_loop_counts_even_when_its_body_calls_nothing():
    source = "{% for a in range(10000) %}{% for b in range(10) %}{% endfor %}{% endfor %}"
    assert refusal(source) == "Over a limit: loops ran more than 100,000 times (line 1)"


def test_each_level_of_a_recursive_loop_counts():
    source = (
        "{% for i in range(400) recursive %}{{ loop(range(400)) if loop.depth < 3 }}{% endfor %}"
    )
    # Each step here reads ``loop.depth`` through the sandbox: on a busy machine the count
    # can take longer than the time budget, which is not what this test is about.
    with (
        mock.patch.object(limits, "RENDER_SECONDS", 30),
        pytest.raises(TemplateError) as caught,
    ):
        rendered(source)
    assert caught.value.message_dict["body_text"] == [
        "Over a limit: loops ran more than 100,000 times (line 1)"
    ]


def test_doubling_a_text_with_tilde_stops_at_the_value_cap():
    reason = refusal(PAYLOADS["doubling with ~"])
    assert (
        reason == "Over a limit: the joined text would be longer than 1,000,000 characters (line 1)"
    )


def test_a_literal_that_repeats_a_large_value_is_refused():
    source = "{% set s = 'x' * 100000 %}{{ [s, s, s, s, s, s, s, s, s, s]|length }}"
    assert "a value would be longer than 1,000,000 characters" in refusal(source)


def test_slices_count_towards_what_a_message_builds():
    source = "{% set s = 'x' * 999000 %}{% for i in range(30) %}{% set t = s[i:] %}{% endfor %}"
    assert "the template built more than 20,000,000 characters" in refusal(source)


@pytest.mark.parametrize(
    "source",
    [
        "{% macro m() %}{% for i in range(2000) %}" + REPEATED + "{% endfor %}{% endmacro %}"
        "{{ m()|length }}",
        "{% set s %}{% for i in range(2000) %}{{ 'x' * 1000 }}{% endfor %}{% endset %}",
        "{% filter upper %}{% for i in range(2000) %}" + REPEATED + "{% endfor %}{% endfilter %}",
        "{% block b %}{% for i in range(2000) %}" + REPEATED + "{% endfor %}{% endblock %}"
        "{{ self.b()|length }}",
    ],
    ids=["macro", "set block", "filter block", "block called again"],
)
def test_captured_output_may_not_grow_past_the_value_cap(source):
    with pytest.raises(TemplateError, match="longer than 1,000,000 characters"):
        render_part("body_html", source, {})


def test_ordinary_loops_literals_slices_and_captures_still_work():
    source = (
        "{% macro line(n) %}#{{ n }}{% endmacro %}{% set words %}a b{% endset %}"
        "{% for i in [1, 2, 3][1:] %}{{ line(i) }}{{ loop.last and '.' or ',' }}{% endfor %}"
        "{{ {'k': 'v'}['k'] ~ (1, 2)[0] ~ words|upper }}"
    )
    assert rendered(source) == "#2,#3.v1A B"
