"""Jinja's filters and globals: widths, counts and growth are bounded before a filter runs,
slow filters take a bounded input, and every result is checked."""

import pytest

from tests.reminders.messages.hostile import refusal, rendered


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("{{ 'a'|center(10**9) }}", "a padding of more than 1,000"),
        ("{{ ('x\n' * 5000)|indent(500) }}", "the indented text would be longer"),
        ("{{ 'x'|indent('>' * 5000) }}", "an indent of more than 1,000"),
        ("{{ 'x'|wordwrap(5000) }}", "a wrap width of more than 1,000"),
        ("{{ ('a b ' * 30000)|wordwrap(1) }}", "the input of wordwrap would be longer"),
        ("{{ ('<a>' * 40000)|striptags }}", "the input of striptags would be longer"),
        ("{{ ('a ' * 60000)|title }}", "the input of title would be longer"),
        ("{{ 'x'|truncate(5, end='.' * 5000) }}", "a truncation mark of more than 1,000"),
        ("{{ ('a' * 1000)|replace('a', 'b' * 1001) }}", "the replaced text would be longer"),
        ("{{ range(10000)|join('a' * 100) }}", "the joined text would be longer"),
        ("{{ range(10001) }}", "range() of more than 10,000 numbers"),
        ("{{ range(100000)|join('a' * 10000) }}", "range() of more than 10,000 numbers"),
        ("{{ lipsum(10**7) }}", "lipsum() of more than 100 paragraphs"),
        ("{{ lipsum(1, max=100000) }}", "lipsum() of more than 100 paragraphs"),
        ("{{ range(10)|batch(10**9, 'x')|list }}", "batch into more than 10,000"),
        ("{{ range(10)|slice(10**9)|list }}", "slice into more than 10,000"),
        ("{{ [[1]]|sum(start=[]) }}", "sum() adds numbers only"),
        ("{{ [1]|tojson(indent=10**6) }}", "tojson with an indent"),
        ("{{ range(10000)|map('string')|map('center', 200)|list }}", "a sequence would be"),
        ("{{ (totals * 10001)|money }}", "money() of more than 10,000 amounts"),
    ],
)
def test_a_filter_that_would_build_too_much_says_which_limit(source, why):
    assert why in refusal(source)


@pytest.mark.parametrize(
    ("source", "output"),
    [
        ("{{ 'Total'|center(11) }}|", "   Total   |"),
        ("{{ range(3)|join(', ') }}; {{ [{'n': 'a'}, {'n': 'b'}]|join('/', attribute='n') }}",
         "0, 1, 2; a/b"),
        ("{{ 'a b c d'|wordwrap(3) }}", "a b\nc d"),
        ("{{ 'line\nnext'|indent(2, first=True) }}", "  line\n  next"),
        ("{{ 'abcdefghij'|truncate(8, leeway=0) }}", "abcde..."),
        ("{{ 'a-b'|replace('-', ' + ') }}", "a + b"),
        ("{{ [1, 2, 3, 4, 5]|batch(2)|list|length }} {{ range(7)|slice(3)|list|length }}", "3 3"),
        ("{{ [1, 2]|sum(start=10) }} {{ [{'v': 2}, {'v': 3}]|sum(attribute='v') }}", "13 5"),
        ("{{ lipsum(2, html=False, min=3, max=5)|wordcount > 0 }}", "True"),
        ("{{ '<b>x</b>'|striptags }} {{ 'a b'|title }} {{ [1]|tojson }}", "x A B [1]"),
        ("{{ range(10000)|length }} {{ range(5)|map('string')|list|length }}", "10000 5"),
        ("{{ invoices|map(attribute='number')|first }}", "INV-1001"),
    ],
)  # fmt: skip
def test_ordinary_filters_still_work(source, output):
    assert rendered(source) == output


def test_debugging_output_that_grows_with_nesting_is_not_offered():
    assert refusal("{{ [1]|pprint }}") == "Error on line 1: No filter named 'pprint'."
