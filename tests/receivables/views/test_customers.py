"""The customer list and a customer's page, with the panels other apps load into it."""

from datetime import timedelta
from decimal import Decimal

from collections_app import events
from receivables.models import Contact
from tests.reminders.pages import today, url
from tests.reminders.scenario import make_customer, make_invoice


def test_customer_list_searches_and_shows_balances(client, mine, customers, theirs, owner):
    client.force_login(owner)

    def names(**params):
        page = client.get(url("customer_list", mine.tenant), params)
        return {c.name: c for c in page.context["customers"]}

    everyone = names()
    assert set(everyone) == {"Acme Customer", "Customer C-AT", "Customer C-BIG", "Customer C-KEY"}
    assert everyone["Acme Customer"].is_overdue
    assert not everyone["Customer C-BIG"].is_overdue
    [balance] = everyone["Customer C-BIG"].balances
    assert (balance["currency"], balance["outstanding"], balance["overdue"]) == (
        "EUR",
        Decimal("5000.00"),
        None,
    )
    ids = ",".join(str(c.pk) for c in everyone.values())
    cells = client.get(url("customer_workflows", mine.tenant), {"ids": ids}).content.decode()
    acme = everyone["Acme Customer"].pk
    assert f'<span id="workflow-of-{acme}" hx-swap-oob="true">Acme cadence</span>' in cells
    assert set(names(q="big")) == {"Customer C-BIG"}
    assert set(names(q="c-at")) == {"Customer C-AT"}
    assert set(names(overdue="1")) == {"Acme Customer"}


def test_customer_list_does_not_query_per_row(client, mine, owner, django_assert_max_num_queries):
    for n in range(30):
        customer = make_customer(mine.tenant, f"X-{n}")
        make_invoice(mine.tenant, customer, f"X-{n}", today() - timedelta(days=n))
    client.force_login(owner)
    # Fixed cost plus one query per segment for the workflow column, none per row.
    with django_assert_max_num_queries(16):
        response = client.get(url("customer_list", mine.tenant))
    assert len(response.context["customers"]) == 31


def test_customer_detail_shows_contacts_invoices_reminders_and_timeline(client, mine, owner):
    Contact.objects.create(
        tenant=mine.tenant,
        customer=mine.customer,
        name="Old Desk",
        email="old@x.test",
        phone="+4930999",
        opted_out_channels=["sms"],
        invalid_channels=["email"],
    )
    events.record(mine.customer, events.Kind.REPLY_RECEIVED, "Will pay Friday")
    make_invoice(mine.tenant, mine.customer, "Acme-2", today() + timedelta(days=2), "80.00")
    client.force_login(owner)
    page = client.get(url("customer_detail", mine.tenant, customer_id=mine.customer.pk))
    panel = client.get(url("customer_reminders_panel", mine.tenant, customer_id=mine.customer.pk))
    timeline = client.get(url("customer_timeline", mine.tenant, customer_id=mine.customer.pk))
    html = panel.content.decode()
    old = next(row for row in panel.context["contact_points"] if row["contact"].name == "Old Desk")
    flags = {ch["channel"]: (ch["opted_out"], ch["invalid"]) for ch in old["channels"]}
    assert flags == {
        "email": (False, True),
        "sms": (True, False),
        "whatsapp": (False, False),
        "voice": (False, False),
    }
    assert [i.number for i in page.context["invoices"]] == ["Acme-1", "Acme-2"]
    assert page.context["totals"] == [
        {"currency": "EUR", "outstanding": Decimal("580.00"), "overdue": Decimal("500.00")}
    ]
    assert "Acme reminder" in html
    assert "Will pay Friday" in timeline.content.decode()
    upcoming = {row["template_key"] for row in panel.context["upcoming"]}
    assert "due-today" in upcoming
    assert "opted out" in html and "invalid" in html
