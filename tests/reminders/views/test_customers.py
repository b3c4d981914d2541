"""The reminders panel of a customer's page and its forms: resume, change how the customer is
chased, send a reminder now."""

from datetime import date, timedelta

import pytest

from collections_app import events
from kapittx.roles import Role
from receivables.models import Customer, Invoice
from reminders.models import Dispatch
from reminders.setup.customers import pinned_workflow
from tests.conftest import make_member
from tests.reminders.pages import reminders_post, today, url
from tests.reminders.scenario import make_customer, make_invoice


def test_customer_detail_upcoming_shows_only_this_customer(client, mine, customers, owner):
    client.force_login(owner)
    austria, rich = customers
    make_invoice(mine.tenant, austria, "AT-1", today() + timedelta(days=6))
    page = client.get(url("customer_reminders_panel", mine.tenant, customer_id=austria.pk))
    assert {row["customer_id"] for row in page.context["upcoming"]} == {austria.pk}
    page = client.get(url("customer_reminders_panel", mine.tenant, customer_id=rich.pk))
    assert page.context["upcoming"] == []


def test_a_collector_resumes_a_customer_held_after_a_reply(client, mine, teammate):
    Customer.objects.filter(pk=mine.customer.pk).update(
        reminders_on_hold=True, reminders_hold_reason="Replied to a reminder"
    )
    client.force_login(teammate)
    page = client.get(url("customer_reminders_panel", mine.tenant, customer_id=mine.customer.pk))
    assert "Resume reminders" in page.content.decode()
    response = client.post(url("customer_resume", mine.tenant, customer_id=mine.customer.pk))
    assert response.status_code == 302
    mine.customer.refresh_from_db()
    assert not mine.customer.reminders_on_hold
    assert mine.customer.timeline.filter(kind=events.Kind.REMINDERS_RESUMED).count() == 1


def test_a_viewer_cannot_resume_reminders(client, mine):
    viewer = make_member(mine.tenant, "viewer@acme.test", Role.VIEWER)
    Customer.objects.filter(pk=mine.customer.pk).update(reminders_on_hold=True)
    client.force_login(viewer)
    page = client.get(url("customer_reminders_panel", mine.tenant, customer_id=mine.customer.pk))
    assert "Resume reminders" not in page.content.decode()
    assert 'id="customer-reminders-form"' not in page.content.decode()
    response = client.post(url("customer_resume", mine.tenant, customer_id=mine.customer.pk))
    assert response.status_code == 403
    response = client.post(
        url("customer_reminders", mine.tenant, customer_id=mine.customer.pk),
        reminders_post(do_not_contact="on"),
    )
    assert response.status_code == 403
    mine.customer.refresh_from_db()
    assert mine.customer.reminders_on_hold


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"reminders_paused_until": "2001-01-01"}, "Give today or a later day"),
        ({"reminders_paused_until": "tomorrow"}, "Enter a valid date."),
        ({"opted_out_channels": ["fax"]}, "Select a valid choice."),
        ({"opted_out_channels": ["task"]}, "Select a valid choice."),
    ],
)
def test_bad_reminder_changes_for_a_customer_change_nothing(
    client, mine, teammate, changes, message
):
    client.force_login(teammate)
    response = client.post(
        url("customer_reminders", mine.tenant, customer_id=mine.customer.pk),
        reminders_post(**changes),
    )
    assert response.status_code == 400 and message in response.content.decode()
    mine.customer.refresh_from_db()
    assert mine.customer.reminders_paused_until is None and mine.customer.opted_out_channels == []
    assert not mine.customer.timeline.filter(kind=events.Kind.REMINDERS_CHANGED).exists()


def test_a_customer_cannot_be_pinned_to_another_tenants_workflow(client, mine, theirs, teammate):
    client.force_login(teammate)
    response = client.post(
        url("customer_reminders", mine.tenant, customer_id=mine.customer.pk),
        reminders_post(workflow=theirs.workflow.pk),
    )
    assert response.status_code == 400
    mine.customer.refresh_from_db()
    assert pinned_workflow(mine.customer) is None


@pytest.mark.parametrize(
    "data, paid, message",
    [
        (
            {"channel": "fax", "template_key": "statement", "tone": "reminder"},
            False,
            "valid choice",
        ),
        ({"channel": "email", "template_key": "nope", "tone": "reminder"}, False, "valid choice"),
        ({"channel": "email", "template_key": "statement", "tone": "angry"}, False, "valid choice"),
        (
            {"channel": "email", "template_key": "statement", "tone": "reminder"},
            True,
            "Nothing is open for this customer",
        ),
    ],
)
def test_a_bad_reminder_by_hand_writes_nothing(client, tenant, teammate, data, paid, message):
    customer = make_customer(tenant, "C-5")
    invoice = make_invoice(tenant, customer, "INV-5", date(2026, 3, 10))
    if paid:
        Invoice.objects.filter(pk=invoice.pk).update(status="paid", balance=0)
    client.force_login(teammate)
    response = client.post(url("customer_send_now", tenant, customer_id=customer.pk), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Dispatch.objects.exists()
    assert not customer.timeline.filter(kind=events.Kind.REMINDER_REQUESTED).exists()
