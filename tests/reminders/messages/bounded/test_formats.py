"""``%``-formatting and ``str.format``: widths and precisions over 1,000, widths taken from
the values, and results past the value cap are refused before they are built."""

import pytest

from tests.reminders.messages.hostile import refusal, rendered

WIDTH = "a %-format width or precision of more than 1,000"
LONG = "the formatted text would be longer than 1,000,000 characters"


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("{{ '%999999999d' % 1 }}", WIDTH),
        ("{{ '%(n)5000s' % {'n': 1} }}", WIDTH),
        ("{{ '%((n))5000s' % {'(n)': 1} }}", WIDTH),
        ("{{ '%.5000f' % 1.5 }}", WIDTH),
        ("{{ '%s%s' % ('x', 'y') ~ '%0000000000000000000000000000009999s' % 'z' }}", WIDTH),
        ("{{ '%*d' % (50, 1) }}", "a '*' width in %-formatting"),
        ("{{ 'n: %1001d'|format(1) }}", WIDTH),
        ("{{ '%s'|format('a' * 999999) ~ 'b' * 9 }}", "longer than 1,000,000 characters"),
        ("{{ ('%s' * 800) % (('x' * 1240,) * 800) }}", LONG),
        ("{{ '{:>999999999}'.format('a') }}", "a format width or precision of more than 1,000"),
        ("{{ '{:{}}'.format('a', '>1001') }}", "a format width or precision of more than 1,000"),
        ("{{ '{:.5000}'.format(1.5) }}", "a format width or precision of more than 1,000"),
        ("{{ '{:%Y}'.format(today, ) ~ ('{:' ~ '%Y' * 600 ~ '}').format(today) }}",
         "a format spec length of more than 1,000"),
        ("{{ ('{0}' * 1000).format('a' * 1001) }}", LONG),
        ("{{ ('{x}' * 1000).format_map({'x': 'a' * 1001}) }}", LONG),
    ],
)  # fmt: skip
def test_a_format_that_would_build_too_much_says_which_limit(source, why):
    assert why in refusal(source)


@pytest.mark.parametrize(
    ("source", "output"),
    [
        ("{{ '%-6s|%5.2f|%03d|100%%' % ('ab', 3.14159, 7) }}", "ab    | 3.14|007|100%"),
        ("{{ '%(n)s owes %(a).2f' % {'n': 'Brandt', 'a': 12.5} }}", "Brandt owes 12.50"),
        ("{{ '%1000s' % 'x' == ' ' * 999 ~ 'x' }}", "True"),
        ("{{ '%s, %s'|format('a', 'b') }}", "a, b"),
        ("{{ '{:>8}|{:^7}|{:.1%}|{:,.2f}'.format('x', 'mid', 0.25, 1234.5) }}",
         "       x|  mid  |25.0%|1,234.50"),
        ("{{ '{0:{1}}'.format('a', '>4') }}", "   a"),
        ("{{ '{n[0]}'.format_map({'n': 'xy'}) }}", "x"),
        ("{{ '{:%Y}'.format(today) == today.year|string }}", "True"),
    ],
)  # fmt: skip
def test_ordinary_formatting_still_works(source, output):
    assert rendered(source) == output
