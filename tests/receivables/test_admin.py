"""The Django admin of receivables: invoice money stays with the ledger."""

from datetime import date
from decimal import Decimal

import pytest
from django.forms import MultiWidget
from django.urls import reverse

from kapittx.models import User
from receivables import ledger
from receivables.models import Customer, Invoice


@pytest.fixture
def staff(client, db) -> User:
    user = User.objects.create_superuser("staff@kapittx.test", "staff-password-1")
    client.force_login(user)
    return user


@pytest.fixture
def invoice(tenant) -> Invoice:
    customer = Customer.objects.create(
        tenant=tenant, external_id="C-1", name="Müller GmbH", currency="EUR"
    )
    return ledger.create_invoice(
        tenant,
        customer,
        number="2026-001",
        issue_date=date(2026, 2, 1),
        due_date=date(2026, 3, 1),
        subtotal=Decimal("100.00"),
        tax=Decimal("19.00"),
    )


def change_url(invoice: Invoice) -> str:
    return reverse("admin:receivables_invoice_change", args=[invoice.pk])


def change_data(client, invoice: Invoice, **changes) -> dict:
    """Return the change form's POST data as the page shows it, with ``changes`` applied."""
    page = client.get(change_url(invoice))
    assert page.status_code == 200
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value, widget = form[name].value(), form.fields[name].widget
            if isinstance(widget, MultiWidget):  # created_at: a date and a time input
                for index, part in enumerate(widget.decompress(value)):
                    data[f"{form.add_prefix(name)}_{index}"] = part
            elif value is not None:
                data[form.add_prefix(name)] = value
    data.update(changes)
    return data


MONEY = ("subtotal", "tax", "total", "currency", "amount_paid", "balance", "status")


def money(invoice: Invoice) -> tuple:
    invoice.refresh_from_db()
    return tuple(getattr(invoice, name) for name in MONEY)


def test_the_change_form_leaves_money_and_ledger_fields_alone(client, staff, invoice):
    before = money(invoice)
    data = change_data(
        client,
        invoice,
        subtotal="999.00",
        tax="0.00",
        total="999.00",
        currency="USD",
        amount_paid="50.00",
        balance="0.00",
        status="paid",
        po_number="PO-7",
    )
    response = client.post(change_url(invoice), data)
    assert response.status_code == 302
    assert (
        money(invoice)
        == before
        == (
            Decimal("100.00"),
            Decimal("19.00"),
            Decimal("119.00"),
            "EUR",
            Decimal("0.00"),
            Decimal("119.00"),
            "open",
        )
    )
    assert invoice.po_number == "PO-7"


def test_the_change_form_shows_the_money_read_only(client, staff, invoice):
    form = client.get(change_url(invoice)).context["adminform"].form
    read_only = {"tenant", "customer", "subtotal", "tax", "total", "currency", "balance", "status"}
    assert not read_only & set(form.fields)
    assert {"due_date", "issue_date"} <= set(form.fields)


def test_invoices_are_not_added_through_the_admin(client, staff, invoice):
    add = reverse("admin:receivables_invoice_add")
    assert client.get(add).status_code == 403
    response = client.post(
        add,
        {
            "tenant": invoice.tenant_id,
            "customer": invoice.customer_id,
            "number": "2026-002",
            "issue_date": "2026-02-01",
            "due_date": "2026-03-01",
            "currency": "EUR",
            "subtotal": "10.00",
            "tax": "0.00",
        },
    )
    assert response.status_code == 403
    assert list(Invoice.objects.values_list("number", flat=True)) == ["2026-001"]


def test_the_due_date_may_move(client, staff, invoice):
    response = client.post(change_url(invoice), change_data(client, invoice, due_date="2026-03-15"))
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.due_date == date(2026, 3, 15)


@pytest.mark.parametrize(
    "changes", [{"due_date": "2026-01-15"}, {"issue_date": "2026-03-02"}], ids=["due", "issue"]
)
def test_a_due_date_before_the_issue_date_is_a_form_error(client, staff, invoice, changes):
    response = client.post(change_url(invoice), change_data(client, invoice, **changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"due_date": ["The due date cannot be before the issue date."]}
    invoice.refresh_from_db()
    assert (invoice.issue_date, invoice.due_date) == (date(2026, 2, 1), date(2026, 3, 1))
