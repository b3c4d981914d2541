"""The Jinja2 sandbox: templates cannot reach into Python, and every render is bounded:
output is streamed up to its cap, captured output is counted, and what cannot be rendered
(too deep, out of memory, too big to compile) is a template error like any other."""

import pytest

from reminders.messages.context import sample_context
from reminders.messages.limits import OUTPUT_MAX_CHARS, SOURCE_MAX_CHARS, SOURCE_MAX_TOKENS
from reminders.messages.render import render
from reminders.messages.sandbox import _ENVIRONMENTS, TemplateError, render_part
from reminders.messages.templates import save_template
from tests.reminders.messages.hostile import PAYLOADS, timed
from tests.reminders.messages.sample import context_for, draft


@pytest.mark.parametrize(
    "source",
    [
        "{{ customer.__class__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ invoices[0].__init__.__globals__ }}",
        "{{ money.__globals__ }}",
        "{{ customer._meta }}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
def test_the_sandbox_refuses_reaching_into_python(tenant, source):
    with pytest.raises(TemplateError) as caught:
        save_template(draft(tenant, body_text=source))
    (reason,) = caught.value.message_dict["body_text"]
    assert reason.startswith(("Not allowed:", "Unknown variable:"))


def test_the_sandbox_refuses_when_rendering_too(tenant, account):
    template = draft(tenant, body_text="{{ customer.__class__.__mro__ }}")
    with pytest.raises(TemplateError, match="unsafe"):
        render(template, context_for(tenant, account))


@pytest.mark.parametrize("source", ["{{ 'x' * 100000000 }}", "{{ 9 ** 9999999 }}"])
def test_the_sandbox_refuses_runaway_sizes(tenant, source):
    with pytest.raises(TemplateError, match="Over a limit"):
        save_template(draft(tenant, body_text=source))


@pytest.mark.parametrize("source", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_hostile_template_is_refused_when_rendered(source):
    with timed(), pytest.raises(TemplateError) as caught:
        render_part("body_text", source, sample_context("en"))
    (reason,) = caught.value.message_dict["body_text"]
    assert reason.startswith("Over a limit:"), reason


def test_output_stops_as_soon_as_a_part_passes_its_cap():
    written = []

    def piece() -> str:
        written.append(1)
        return "x" * 1000

    with pytest.raises(TemplateError, match="the rendered part would be longer than 1,000,000"):
        render_part(
            "body_text", "{% for i in range(5000) %}{{ piece() }}{% endfor %}", {"piece": piece}
        )
    # Streamed: the render stopped right after the piece that passed the cap.
    assert len(written) == OUTPUT_MAX_CHARS // 1000 + 1


def test_a_value_is_checked_before_it_is_printed():
    # A namespace is filled by assignments, which build nothing new; printing it would.
    source = (
        "{% set s = 'x' * 600000 %}{% set ns = namespace() %}"
        "{% set ns.a = s %}{% set ns.b = s %}{{ ns.a|length }}\n{{ ns }}"
    )
    with pytest.raises(TemplateError) as caught:
        render_part("body_text", source, {})
    assert caught.value.message_dict["body_text"] == [
        "Over a limit: a value would be longer than 1,000,000 characters (line 2)"
    ]


def test_running_out_of_memory_is_a_template_error():
    def hungry() -> str:
        raise MemoryError

    with pytest.raises(TemplateError) as caught:
        render_part("subject", "Hello\n{{ hungry() }}", {"hungry": hungry})
    assert caught.value.message_dict == {
        "subject": ["Over a limit: the template needs too much memory (line 2)"]
    }


def test_a_template_calling_itself_is_a_template_error():
    source = "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"
    with pytest.raises(TemplateError, match="nests or calls itself too deeply"):
        render_part("body_text", source, {})


def test_a_part_over_the_size_cap_is_refused_before_it_is_compiled():
    source = "x" * (SOURCE_MAX_CHARS + 1)
    with pytest.raises(TemplateError, match="the part has 65,537 characters; at most 65,536"):
        render_part("body_text", source, {})
    assert render_part("body_text", source[:-1], {}) == source[:-1]


def test_a_part_with_too_many_tokens_is_refused_before_it_is_compiled():
    source = "{{ 1 }}" * (SOURCE_MAX_TOKENS // 3 + 1)
    with pytest.raises(TemplateError, match="more than 10,000 tokens"):
        render_part("body_text", source, {})


def test_nothing_runs_while_a_template_compiles():
    # Jinja's optimizer would call filters on constants while compiling: a compile must do
    # nothing but compile, or a cached template could hold anything a filter makes.
    calls = []
    _ENVIRONMENTS[False].filters["count_me"] = lambda value: calls.append(value) or value
    try:
        for _ in range(2):
            render_part("body_text", "{{ 'x'|count_me }}{{ 'y'|count_me }}", {})
    finally:
        del _ENVIRONMENTS[False].filters["count_me"]
    assert calls == ["x", "y", "x", "y"]
