"""Templates written to exhaust a process, and how fast a bounded render must stop them."""

import time
from contextlib import contextmanager

import pytest

from reminders.messages.context import sample_context
from reminders.messages.limits import RENDER_SECONDS
from reminders.messages.sandbox import TemplateError, render_part

#: What each hostile template tries, and its source. Each one froze a worker, filled its
#: memory or crashed a page before renders were bounded.
PAYLOADS = {
    "nested loops": (
        "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}"
        "{{ a }}{% endfor %}{% endfor %}{% endfor %}"
    ),
    "a %-format width": "{{ '%999999999d' % 1 }}",
    "a %-format width from the values": "{{ '%*d' % (999999999, 1) }}",
    "a centred field": "{{ 'a'|center(10**9) }}",
    "a join of a long range": "{{ range(100000)|join('a' * 10000) }}",
    "a join of a short range": "{{ range(10000)|join('a' * 10000) }}",
    "a format width": "{{ '{:>999999999}'.format('a') }}",
    "a nested format width": "{{ '{:{}}'.format('a', '>999999999') }}",
    "doubling with ~": (
        "{% set ns = namespace(s='a') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}"
    ),
    "doubling with +": (
        "{% set ns = namespace(s=['a']) %}{% for i in range(40) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}"
    ),
    "chained powers": "{{ ((9 ** 99) ** 99) ** 99 }}",
    "squaring a number": (
        "{% set ns = namespace(x=3) %}{% for i in range(40) %}"
        "{% set ns.x = ns.x * ns.x %}{% endfor %}{{ ns.x }}"
    ),
    "lorem ipsum": "{{ lipsum(10**7) }}",
    "recursion": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "calls doubling": (
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"
    ),
    "output in a loop": "{% for i in range(10000) %}" + "x" * 5000 + "{% endfor %}",
    "captured output in a loop": (
        "{% set s %}{% for i in range(10000) %}" + "x" * 5000 + "{% endfor %}{% endset %}ok"
    ),
    "a literal repeating a value": (
        "{% set s = 'x' * 100000 %}{{ [" + ", ".join(["s"] * 200) + "]|join }}"
    ),
    "padding by a method": "{{ 'a'.ljust(10**9) }}",
    "a replacement": "{{ ('a' * 1000)|replace('a', 'b' * 10000) }}",
    "bytes": "{{ (1).to_bytes(10**9, 'big') }}",
    "a huge amount": "{{ invoices[0].balance.scaleb(5000)|int }}",
    "sum of lists": "{{ range(5000)|batch(1)|sum(start=[]) }}",
    "a deep expression": "{{ " + "(" * 2000 + "1" + ")" * 2000 + " }}",
    "a long part": "{{ customer.name }} " * 4000,
}


#: A page or a worker adds its own work (session, queries, writes) to the render's budget.
WITH_REQUEST = RENDER_SECONDS + 1.5


@contextmanager
def timed(limit: float = RENDER_SECONDS + 0.5):
    """Fail unless the block takes less than ``limit`` seconds: the render budget plus
    the time it takes to notice and report."""
    started = time.monotonic()
    yield
    elapsed = time.monotonic() - started
    assert elapsed < limit, f"took {elapsed:.2f} s"


def refusal(source: str) -> str:
    """Return why ``source`` is refused when rendered for the sample customer, failing
    unless that takes less than the render budget."""
    with timed(RENDER_SECONDS), pytest.raises(TemplateError) as caught:
        render_part("body_text", source, sample_context("en"))
    return caught.value.message_dict["body_text"][0]


def rendered(source: str) -> str:
    return render_part("body_text", source, sample_context("en"))
