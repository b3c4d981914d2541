"""The preset is recognised from a file's header, each preset's columns are documented, and
the generic template is read by the generic preset."""

from pathlib import Path

import pytest
from django.conf import settings

from integrations.importers.presets import PRESETS, columns_for, detect, known_keys, missing_fields
from integrations.importers.reading import read_file
from integrations.importers.template_files import template_columns
from tests.integrations.importers import files


@pytest.mark.parametrize(
    ("data", "kind", "preset"),
    [
        (files.xero_uk_invoices(), "invoices", "xero"),
        (files.to_csv([files.XERO_CONTACT_COLUMNS]), "customers", "xero"),
        (files.QBO_OPEN_INVOICES, "invoices", "quickbooks"),
        (files.zoho_invoices(), "invoices", "zoho"),
        (files.to_csv([files.ZOHO_CONTACT_COLUMNS]), "customers", "zoho"),
        (files.sage_opening_balances(), "invoices", "sage"),
        (files.freshbooks_invoices(), "invoices", "freshbooks"),
        (files.to_csv([files.FRESHBOOKS_CLIENT_COLUMNS]), "customers", "freshbooks"),
        (files.to_csv([template_columns("invoices")]), "invoices", "generic"),
        (files.to_csv([template_columns("customers")]), "customers", "generic"),
        (files.to_csv([template_columns("payments")]), "payments", "generic"),
        (
            files.to_csv(
                [
                    [
                        "ACCOUNT_REF",
                        "INVOICE_NUMBER",
                        "INVOICE_DATE",
                        "STOCK_CODE",
                        "NET_AMOUNT",
                        "TAX_AMOUNT",
                    ]
                ]
            ),  # fmt: skip
            "invoices",
            "sage",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_the_preset_is_recognised_with_every_required_column(data, kind, preset):
    headers = read_file(data, known_keys()).headers

    found = detect(kind, headers)

    layout = found.layouts[kind]
    assert found.name == preset
    assert not missing_fields(layout, columns_for(kind, layout, headers))


def test_every_presets_columns_and_export_path_are_documented():
    text = (Path(settings.BASE_DIR) / "docs" / "imports.md").read_text()
    for preset in PRESETS.values():
        for layout in preset.layouts.values():
            assert layout.export in text, layout.export
            for names in layout.columns.values():
                for name in names:
                    assert f"`{name}`" in text, f"{preset.name}: {name}"
