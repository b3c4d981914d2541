"""The item parsers check what the declared fields say, value by value, without a database."""

from datetime import date
from decimal import Decimal

import pytest

from integrations.api.items import CUSTOMERS, INVOICES, PAYMENTS


def problems_of(parser, data) -> list[tuple[tuple, str]]:
    found: list = []
    parser.parse(data, (), found)
    return [(problem.path, problem.code) for problem in found]


INVOICE = {"number": "A-1", "issue_date": "2026-01-31", "due_date": "2026-02-28"}


def test_a_good_item_comes_back_typed_with_only_the_keys_sent():
    item = INVOICES.new.parse({**INVOICE, "subtotal": "10.5", "tax": "0"}, (), [])

    assert item == {
        "number": "A-1",
        "issue_date": date(2026, 1, 31),
        "due_date": date(2026, 2, 28),
        "subtotal": Decimal("10.5"),
        "tax": Decimal("0"),
    }


@pytest.mark.parametrize(
    "value",
    [12.5, 12, True, "1e3", "1,000.00", "12.", ".5", "12.3456", "1234567890123", " 12", "NaN"],
)
def test_amounts_are_decimal_strings_only(value):
    assert problems_of(INVOICES.new, {**INVOICE, "total": value}) == [(("total",), "invalid")]


@pytest.mark.parametrize("value", ["2026-02-30", "31/01/2026", "20260131", "2026-1-31", 20260131])
def test_dates_are_iso_calendar_dates(value):
    assert problems_of(INVOICES.new, {**INVOICE, "issue_date": value}) == [
        (("issue_date",), "invalid")
    ]


@pytest.mark.parametrize(
    ("changes", "found"),
    [
        ({"currency": "eur"}, [(("currency",), "invalid")]),
        ({"currency": "XYZ"}, [(("currency",), "invalid_currency")]),
        ({"customer": True}, [(("customer",), "invalid")]),
        ({"customer": 0}, [(("customer",), "min_value")]),
        ({"customer": 2**63}, [(("customer",), "max_value")]),
        ({"status": "paid"}, [(("status",), "invalid_choice")]),
        ({"number": 17}, [(("number",), "invalid")]),
        ({"number": "x" * 65}, [(("number",), "max_length")]),
        ({"number": "  "}, [(("number",), "blank")]),
        ({"po_number": "a\x00b"}, [(("po_number",), "invalid")]),
        ({"po_number": "a\ud800"}, [(("po_number",), "invalid")]),
        ({"document_url": "not a url"}, [(("document_url",), "invalid")]),
        ({"tax": None}, [(("tax",), "null")]),
        ({"due.date": "x"}, [(("due.date",), "unknown_field")]),
    ],
)
def test_each_declared_constraint_is_checked(changes, found):
    assert problems_of(INVOICES.new, {**INVOICE, **changes}) == found


def test_required_fields_depend_on_the_operation():
    assert problems_of(INVOICES.new, {}) == [(("number",), "required")]
    assert problems_of(INVOICES.patch, {}) == []
    assert problems_of(CUSTOMERS.new, {"name": "X"}) == [(("external_id",), "required")]
    assert problems_of(CUSTOMERS.put, {"name": "X"}) == []


def test_nested_lists_report_each_entry_by_its_path():
    found = problems_of(
        PAYMENTS.new,
        {
            "amount": "5.00",
            "allocations": [
                {"invoice": 1, "amount": "5.00"},
                {"invoice": "x", "amount": 5},
                "not an object",
            ],
        },
    )

    assert found == [
        (("allocations", 1, "invoice"), "invalid"),
        (("allocations", 1, "amount"), "invalid"),
        (("allocations", 2), "invalid"),
    ]


def test_null_is_taken_only_where_declared():
    assert CUSTOMERS.new.parse({"external_id": "C", "credit_limit": None}, (), []) == {
        "external_id": "C",
        "credit_limit": None,
    }


def test_strings_are_stripped_and_lists_bounded():
    item = CUSTOMERS.new.parse({"external_id": "  C-1 ", "tags": [" vip "]}, (), [])

    assert item == {"external_id": "C-1", "tags": ["vip"]}
    assert problems_of(CUSTOMERS.new, {"external_id": "C", "tags": ["t"] * 51}) == [
        (("tags",), "max_length")
    ]


def test_many_items_are_reported_by_index():
    typed, found = INVOICES.new.parse_many([INVOICE, {"number": 1}, []])

    assert typed[0] is not None and typed[1:] == [None, None]
    assert [(p.path, p.code) for p in found] == [((1, "number"), "invalid"), ((2,), "invalid")]
