"""What a customer tells the tenant, recorded once: an invoice is reported paid once while
the report is open, and a dispute's explanation is bounded."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from collections_app import actions
from collections_app.models import PaymentReport, Task
from reminders.setup.customers import resume_reminders
from tests.reminders.scenario import make_customer, make_invoice

pytestmark = pytest.mark.django_db


def test_an_invoice_reported_paid_is_not_reported_again_until_a_member_checked(tenant, owner):
    customer = make_customer(tenant, "C-1", owner=owner)
    today = customer.local_today()
    invoice = make_invoice(tenant, customer, "INV-1", today - timedelta(days=4))
    actions.report_payment(customer, [invoice], today, source="portal")
    with pytest.raises(ValidationError, match="already told us INV-1 is paid"):
        actions.report_payment(customer, [invoice], today, source="portal")
    assert Task.objects.count() == 1

    resume_reminders(customer, owner)
    assert PaymentReport.objects.get().status == PaymentReport.Status.CHECKED
    actions.report_payment(customer, [invoice], today, source="portal")
    assert PaymentReport.objects.filter(status=PaymentReport.Status.OPEN).count() == 1


def test_the_database_keeps_one_open_report_per_invoice(tenant):
    customer = make_customer(tenant, "C-1")
    invoice = make_invoice(tenant, customer, "INV-1", customer.local_today())
    report = {"tenant": tenant, "invoice": invoice, "paid_on": customer.local_today()}
    PaymentReport.objects.create(**report)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentReport.objects.create(**report)
    PaymentReport.objects.create(**report, status=PaymentReport.Status.CHECKED)


def test_a_report_racing_in_for_a_reported_invoice_changes_nothing(tenant, monkeypatch):
    customer = make_customer(tenant, "C-1")
    invoice = make_invoice(tenant, customer, "INV-1", customer.local_today())
    actions.report_payment(customer, [invoice], customer.local_today(), source="portal")
    # The other request's check ran before this report was written: only the key stops it.
    real, calls = actions._refuse_reported, []

    def checked_too_early(*args) -> None:
        calls.append(args)
        if len(calls) > 1:
            real(*args)

    monkeypatch.setattr(actions, "_refuse_reported", checked_too_early)
    with pytest.raises(ValidationError, match="already told us"):
        actions.report_payment(customer, [invoice], customer.local_today(), source="portal")
    assert len(calls) == 2
    assert (Task.objects.count(), PaymentReport.objects.count()) == (1, 1)
    customer.refresh_from_db()
    assert customer.timeline.filter(kind="payment_reported").count() == 1
