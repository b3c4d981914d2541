"""Methods of the values templates see, and the operators: padding, replacing, joining,
repeating, powers and big numbers are refused before they build too much."""

import pytest

from tests.reminders.messages.hostile import refusal, rendered

DIGITS = "a number of more than 1,000 digits"


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("{{ 'a'.ljust(10**9) }}", "a padding of more than 1,000"),
        ("{{ 'a'.zfill(1002) }}", "a padding of more than 1,000"),
        ("{{ 'a\tb'.expandtabs(10**9) }}", "a tab size of more than 1,000"),
        ("{{ ('\t' * 2000).expandtabs(1000) }}", "the expanded text would be longer"),
        ("{{ ('a' * 1000).replace('a', 'b' * 1001) }}", "the replaced text would be longer"),
        ("{{ ('-' * 100).join(['x' * 1000] * 990) }}", "the joined text would be longer"),
        ("{{ ('a' * 20000).translate({97: 'b' * 100}) }}", "the translated text would be longer"),
        ("{{ (1).to_bytes(10**9, 'big') }}", "the bytes would be longer"),
        ("{{ today.strftime('%c' * 1000) }}", "a date format length of more than 1,000"),
        ("{{ invoices[0].balance.scaleb(1001) }}", DIGITS),
        ("{{ 10 ** 1001 }}", DIGITS),
        ("{{ ((9 ** 99) ** 99) ** 99 }}", DIGITS),
        ("{{ (10 ** 600) * (10 ** 600) }}", DIGITS),
        ("{{ 'x' * 10**1001 }}", DIGITS),
        ("{{ ('x' * 1000) * 1001 }}", "the repeated value would be longer"),
        ("{{ ([1] * 10000) * 100 }}", "the repeated value would be longer"),
        ("{{ ('x' * 999999) + 'yy' }}", "the joined value would be longer"),
        ("{{ ['x' * 500000] + ['y' * 500000] }}", "the joined value would be longer"),
    ],
)
def test_a_call_or_operation_that_would_build_too_much_says_which_limit(source, why):
    assert why in refusal(source)


@pytest.mark.parametrize(
    ("source", "output"),
    [
        ("{{ 'Total'.center(11) }}|{{ 'x'.ljust(3) }}|{{ '7'.zfill(3) }}", "   Total   |x  |007"),
        ("{{ 'a-b'.replace('-', ' + ') }} {{ ', '.join(['a', 'b']) }}", "a + b a, b"),
        ("{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ [0] * 3 }} {{ 'a' + 'b' }} {{ 7 // 2 }} {{ 7 % 3 }}",
         "1024 ababab [0, 0, 0] ab 3 1"),
        ("{{ (10 ** 999)|string|length }} {{ (2 ** 64) * (2 ** 64) }}",
         "1000 340282366920938463463374607431768211456"),
        ("{{ invoices[0].balance * 2 - invoices[0].balance == invoices[0].balance }}", "True"),
    ],
)  # fmt: skip
def test_ordinary_calls_and_operations_still_work(source, output):
    assert rendered(source) == output
