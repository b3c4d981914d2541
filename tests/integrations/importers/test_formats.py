"""Day/month order and decimal separators are decided from the whole file, reported, and
can be overridden."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from integrations.importers.amounts import detect_separator, parse_amounts
from integrations.importers.dates import detect_order, parse_dates
from tests.integrations.importers import files
from tests.integrations.importers.results import invoices, run


def column(*values: str) -> pd.Series:
    return pd.Series(values, dtype=str)


def test_a_first_number_above_12_anywhere_in_the_file_means_day_first():
    early = column("01/02/2026", "03/04/2026")
    late = column("05/06/2026", "28/06/2026")

    found = detect_order([early, late], default="mdy", override=None)

    assert (found.order, found.source) == ("dmy", "detected")


def test_a_second_number_above_12_means_month_first():
    found = detect_order([column("01/02/2026", "12/31/2026")], default="dmy", override=None)

    assert (found.order, found.source) == ("mdy", "detected")


def test_when_no_date_decides_the_presets_order_is_used_and_said():
    found = detect_order([column("01/02/2026", "03/04/2026")], default="dmy", override=None)

    assert (found.order, found.source) == ("dmy", "default")
    assert found.describe() == (
        "DD/MM/YYYY (no date in the file decides it, so the preset's order is used)"
    )


def test_iso_dates_and_month_names_are_never_ambiguous():
    values = column("2026-04-03", "3 Apr 2026", "Apr 3, 2026", "03-Apr-26", "")

    order = detect_order([values], default="mdy", override=None)
    dates, bad = parse_dates(values, order.order)

    assert order.source == "unambiguous"
    assert dates.tolist() == [date(2026, 4, 3)] * 4 + [None]
    assert not bad.any()


def test_an_explicit_order_overrides_the_evidence():
    values = column("03/04/2026")

    order = detect_order([column("13/04/2026")], default="dmy", override="mdy")
    dates, _ = parse_dates(values, order.order)

    assert (order.order, order.source) == ("mdy", "override")
    assert dates.tolist() == [date(2026, 3, 4)]


@pytest.mark.parametrize(
    ("values", "mark"),
    [
        (("1,234.50", "99.00"), "."),
        (("1.234,50", "99,00"), ","),
        (("1 234,50", "12,5"), ","),
        (("$1,000.00", "(250.00)"), "."),
        (("1.234.567", "100"), ","),
        (("1,234,567", "100"), "."),
    ],
)
def test_the_decimal_separator_is_detected_from_the_whole_column(values, mark):
    assert detect_separator([column(*values)], default=".", override=None).mark == mark


def test_amounts_that_decide_nothing_take_the_presets_separator():
    found = detect_separator([column("1,234", "100")], default=".", override=None)

    assert (found.mark, found.source) == (".", "default")


def test_amounts_are_read_exactly_with_signs_symbols_and_grouping():
    values = column("1,234.50", "$1,000.00", "(250.00)", "-12.5", "EUR 7", "1 234.50", "")

    amounts, bad = parse_amounts(values, ".")

    assert amounts.tolist() == [
        Decimal("1234.50"),
        Decimal("1000.00"),
        Decimal("-250.00"),
        Decimal("-12.5"),
        Decimal("7"),
        Decimal("1234.50"),
        None,
    ]
    assert not bad.any()


def test_grouping_in_the_wrong_places_is_not_an_amount():
    amounts, bad = parse_amounts(column("1,23.4", "1.234,50", "12abc"), ".")

    assert bad.tolist() == [True, True, True]


def test_an_ambiguous_us_file_is_read_month_first_by_the_quickbooks_preset(acme):
    data = (
        b"Acme Trading Ltd\r\nInvoice List\r\n\r\n"
        b"Date,Transaction type,Num,Customer,Due date,Amount,Open balance\r\n"
        b"09/01/2026,Invoice,1001,Acme Corp,10/01/2026,100.00,100.00\r\n"
    )

    report = run(acme, data)

    assert (report.preset, report.date_order, report.date_order_source) == (
        "quickbooks",
        "mdy",
        "default",
    )
    assert invoices(acme)["1001"].issue_date == date(2026, 9, 1)


def test_the_date_order_override_reads_a_file_the_other_way(acme):
    rows = [
        ["Invoice number", "Customer name", "Issue date", "Due date", "Total"],
        ["G-1", "Alpha", "02/03/2026", "04/05/2026", "10.00"],
    ]

    report = run(acme, files.to_csv(rows), date_order="mdy")

    assert report.date_order_source == "override"
    assert invoices(acme)["G-1"].issue_date == date(2026, 2, 3)


def test_the_generic_preset_reads_ambiguous_dates_in_the_tenants_order(acme, other_tenant):
    rows = [
        ["Invoice number", "Customer name", "Issue date", "Due date", "Total"],
        ["G-1", "Alpha", "02/03/2026", "04/05/2026", "10.00"],
    ]
    other_tenant.country = "US"
    other_tenant.save()

    run(acme, files.to_csv(rows))
    run(other_tenant, files.to_csv(rows))

    assert invoices(acme)["G-1"].issue_date == date(2026, 3, 2)
    assert invoices(other_tenant)["G-1"].issue_date == date(2026, 2, 3)


def test_the_decimal_override_reads_commas_as_decimals(acme):
    rows = [
        ["Invoice number", "Customer name", "Issue date", "Due date", "Currency", "Total"],
        ["G-1", "Alpha", "2026-03-02", "2026-04-01", "KWD", "1,234"],
    ]

    detected = run(acme, files.to_csv(rows), dry_run=True)
    report = run(acme, files.to_csv(rows), decimal=",")

    assert (detected.decimal, detected.decimal_source) == (".", "default")
    assert (report.decimal, report.decimal_source) == (",", "override")
    assert invoices(acme)["G-1"].total == Decimal("1.234")
