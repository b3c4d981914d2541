"""Fuzzing the sandbox: templates built at random from hostile pieces — huge widths, repeats,
joins, formats, powers, string doubling, recursion, loops in loops, captured output —
rendered against a real customer's message context.

The property: every render returns a part within the output cap or raises the project's
TemplateError, and stops within its budget. The time asserted per example is only a safety
net far above the budget (shortened here so the test stays quick); the budget is the bound.
"""

import time
from unittest import mock

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from reminders.messages import limits
from reminders.messages.sandbox import TemplateError, render_part
from tests.reminders.messages.sample import context_for

WIDTHS = st.sampled_from(["0", "3", "80", "1000", "1001", "10**6", "10**9", "-7", "'>'"])

LEAVES = st.sampled_from(
    [
        "'ab'",
        "'x' * 1000",
        "'a\\n' * 300",
        "'<b>&' * 200",
        "'%s%s'",
        "'{}{0}'",
        "'%999999999d'",
        "'{:>999999999}'",
        "customer.name",
        "invoices",
        "totals",
        "total_due",
        "invoices[0].balance",
        "today",
        "range(10000)",
        "range(100000)",
        "10 ** 99",
        "7",
        "lipsum(3)",
        "lipsum(10**7)",
        "ns.s",
        "ns.n",
        "[1, 'two', 3.5]",
        "{'a': ns.s}",
        "namespace(q=ns.s)",
        "f(2)",
        "f(12)",
        "loop_free",
    ]
)

FILTERS = st.one_of(
    WIDTHS.map(lambda w: f"center({w})"),
    WIDTHS.map(lambda w: f"indent({w})"),
    WIDTHS.map(lambda w: f"wordwrap({w})"),
    WIDTHS.map(lambda w: f"truncate({w})"),
    WIDTHS.map(lambda w: f"batch({w}, 'x')"),
    WIDTHS.map(lambda w: f"slice({w})"),
    st.sampled_from(
        [
            "join(ns.s)",
            "join('x' * 10000)",
            "replace('a', ns.s)",
            "replace('', 'yy')",
            "format(ns.s, ns.s)",
            "list",
            "string",
            "upper",
            "forceescape",
            "tojson",
            "striptags",
            "title",
            "urlize",
            "nl2br",
            "money",
            "length",
            "unique",
            "sort",
            "reverse",
            "first",
            "int",
            "sum",
            "map('string')",
            "map('center', 900)",
            "select",
            "wordcount",
        ]
    ),
)

METHODS = st.one_of(
    WIDTHS.map(lambda w: f"ljust({w})"),
    WIDTHS.map(lambda w: f"zfill({w})"),
    WIDTHS.map(lambda w: f"expandtabs({w})"),
    st.sampled_from(
        ["format(ns.s, ns.s)", "replace('a', ns.s)", "join(ns.s)", "split('a')", "upper()"]
    ),
)

OPERATORS = st.sampled_from(["~", "+", "*", "**", "%", "-", "//"])


def _wider(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, OPERATORS, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, FILTERS).map(lambda t: f"({t[0]})|{t[1]}"),
        st.tuples(inner, METHODS).map(lambda t: f"({t[0]}).{t[1]}"),
        st.tuples(inner, inner).map(lambda t: f"[{t[0]}, {t[1]}, {t[0]}, {t[1]}]"),
        inner.map(lambda e: f"({e})[1:]"),
    )


EXPRESSIONS = st.recursive(LEAVES, _wider, max_leaves=6)


def _nested(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(EXPRESSIONS, inner).map(lambda t: f"{{% for i in {t[0]} %}}{t[1]}{{% endfor %}}"),
        st.tuples(EXPRESSIONS, inner).map(lambda t: f"{{% if {t[0]} %}}{t[1]}{{% endif %}}"),
        inner.map(lambda s: f"{{% set captured %}}{s}{{% endset %}}{{{{ captured }}}}"),
        inner.map(lambda s: f"{{% filter upper %}}{s}{{% endfilter %}}"),
        st.lists(inner, min_size=2, max_size=3).map("".join),
    )


STATEMENTS = st.recursive(
    st.one_of(
        EXPRESSIONS.map(lambda e: f"{{{{ {e} }}}}"),
        EXPRESSIONS.map(lambda e: f"{{% set ns.s = {e} %}}"),
        EXPRESSIONS.map(lambda e: f"{{% set ns.n = {e} %}}"),
        st.just("{% set ns.s = ns.s ~ ns.s %}"),
        st.just("{% set ns.n = ns.n * ns.n %}"),
        st.just("text " * 50),
        st.just("{% for a in range(10000) %}{% for b in range(10000) %}.{% endfor %}{% endfor %}"),
    ),
    _nested,
    max_leaves=6,
)

PRELUDE = (
    "{% set ns = namespace(s='ab', n=2) %}{% set loop_free = 'no loop here' %}"
    "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}m{% endmacro %}"
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=STATEMENTS, part=st.sampled_from(["body_html", "body_text"]))
def test_any_template_renders_within_its_bounds_or_is_a_template_error(tenant, account, body, part):
    context = context_for(tenant, account)
    started = time.monotonic()
    with mock.patch.object(limits, "RENDER_SECONDS", 0.25):
        try:
            output = render_part(part, PRELUDE + body, context)
        except TemplateError as exc:
            reason = exc.message_dict[part][0]
            event(reason.split(":")[0] + ": " + reason.split(":")[1].split(" of ")[0][:40])
        else:
            event("rendered")
            assert len(output) <= limits.OUTPUT_MAX_CHARS
    assert time.monotonic() - started < 5.0
