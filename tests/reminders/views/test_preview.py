"""The preview page: the reminders of the coming days, for everyone or one segment."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from kapittx.roles import Role
from reminders.models import Dispatch
from tests.conftest import make_member
from tests.reminders.conftest import segment
from tests.reminders.pages import today, url
from tests.reminders.scenario import make_customer, make_invoice, make_workflow


def test_preview_lists_the_reminders_of_the_coming_days(client, tenant, owner):
    make_workflow(tenant)
    customer = make_customer(tenant, "C-7", name="Brandt Maschinenbau")
    make_invoice(tenant, customer, "INV-7", today() + timedelta(days=5), "1200.00")
    client.force_login(owner)
    page = client.get(url("reminder_preview", tenant))
    rows = page.context["rows"]
    assert page.context["days"] == 14
    assert [row["template_key"] for row in rows] == [
        "courtesy-before-due",
        "due-today",
        "overdue-polite",
    ]
    assert {row["customer"] for row in rows} == {"Brandt Maschinenbau"}
    assert rows[0]["amount"] == Decimal("1200.00") and rows[0]["currencies"] == "EUR"
    assert str(rows[0]["on"].tzinfo) == "Europe/Berlin"
    html = page.content.decode()
    assert "Brandt Maschinenbau" in html and "1,200.00 EUR" in html
    short = client.get(url("reminder_preview", tenant), {"days": 3}).context["rows"]
    assert [row["template_key"] for row in short] == ["courtesy-before-due"]
    assert not Dispatch.objects.exists()


@pytest.mark.parametrize(("asked", "used"), [("90", 60), ("0", 1), ("abc", 14), ("30", 30)])
def test_preview_horizon_is_bounded(client, tenant, owner, asked, used):
    client.force_login(owner)
    assert client.get(url("reminder_preview", tenant), {"days": asked}).context["days"] == used


def test_the_preview_page_shows_one_segments_reminders(client, tenant, owner, book):
    germany, _ = book
    client.force_login(owner)
    url = reverse("reminder_preview", kwargs={"tenant_slug": tenant.slug})
    everyone = client.get(url).context["rows"]
    assert {row["customer"] for row in everyone} == {"Pinned", "Brandt", "Kessler", "Vip"}
    page = client.get(url, {"segment": germany.pk})
    assert {row["customer"] for row in page.context["rows"]} == {"Brandt", "Kessler"}
    assert "to Germany" in page.content.decode()
    assert not Dispatch.objects.exists()


def test_another_tenants_segment_is_404_on_the_preview(client, tenant, other_tenant, book):
    theirs = segment(other_tenant, "Theirs", 1, [], make_workflow(other_tenant))
    client.force_login(make_member(tenant, "viewer@acme.test", Role.VIEWER))
    url = reverse("reminder_preview", kwargs={"tenant_slug": tenant.slug})
    assert client.get(url, {"segment": theirs.pk}).status_code == 404
    assert client.get(url, {"segment": "x"}).status_code == 404
