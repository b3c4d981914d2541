"""Previewing the reminders of a segment: who belongs to it, the page and the command."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from kapittx.roles import Role
from reminders.models import Dispatch, Segment
from reminders.setup.customers import pin_workflow
from reminders.setup.segments import segment_members
from tests.conftest import make_member
from tests.reminders.scenario import make_customer, make_invoice, make_workflow


def segment(tenant, name, priority, rules, workflow) -> Segment:
    return Segment.objects.create(
        tenant=tenant, name=name, priority=priority, workflow=workflow, rules=rules
    )


@pytest.fixture
def book(tenant):
    """Four German customers owing: one pinned, two in "Germany", one taken earlier by "VIP"."""
    firm = make_workflow(tenant, name="Firm", default=False)
    due = timezone.localdate() + timedelta(days=2)
    customers = {}
    for key, tags in [("pinned", []), ("brandt", []), ("kessler", []), ("vip", ["vip"])]:
        customer = make_customer(tenant, key, name=key.title(), tags=tags)
        make_invoice(tenant, customer, f"INV-{key}", due)
        customers[key] = customer
    pin_workflow(customers["pinned"], firm)
    segment(tenant, "VIP", 1, [{"field": "tags", "op": "has", "value": "vip"}], firm)
    germany = segment(tenant, "Germany", 5, [{"field": "country", "op": "eq", "value": "DE"}], firm)
    return germany, customers


def test_a_segment_has_the_customers_who_follow_its_workflow(book):
    germany, customers = book
    assert set(segment_members(germany)) == {customers["brandt"], customers["kessler"]}


def test_the_segment_page_says_how_many_follow_it(client, tenant, owner, book):
    germany, _ = book
    client.force_login(owner)
    page = client.get(
        reverse("segment_edit", kwargs={"tenant_slug": tenant.slug, "segment_id": germany.pk})
    )
    assert (page.context["matching"], page.context["following"]) == (4, 2)
    assert f"?segment={germany.pk}" in page.content.decode()


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


def test_the_command_previews_a_tenant_a_segment_or_a_customer(capsys, tenant, book):
    call_command("preview_reminders", tenant=tenant.slug, days=5)
    out = capsys.readouterr().out
    assert all(name in out for name in ("Pinned", "Brandt", "Kessler", "Vip"))
    call_command("preview_reminders", tenant=tenant.slug, days=5, segment="Germany")
    out = capsys.readouterr().out
    assert "Brandt" in out and "Kessler" in out and "Vip" not in out and "Pinned" not in out
    call_command("preview_reminders", tenant=tenant.slug, days=5, customer="vip")
    lines = capsys.readouterr().out.splitlines()
    assert all("Vip" in line for line in lines[:-1]) and lines[-1].endswith("next 5 days.")
    assert not Dispatch.objects.exists()


@pytest.mark.parametrize(
    "options, message",
    [
        ({"tenant": "nope"}, "No tenant with slug 'nope'."),
        ({"tenant": "acme", "segment": "Nope"}, "No segment named 'Nope' in acme."),
        ({"tenant": "acme", "customer": "C-404"}, "No customer 'C-404' in acme."),
        ({"tenant": "acme", "days": 0}, "--days must be at least 1."),
    ],
)
def test_the_command_says_what_it_cannot_find(tenant, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("preview_reminders", **options)
