"""Reminders a dead worker left behind are settled, and the ones that may have left are put
in front of a member."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reminders.models import Dispatch, DispatchStatus
from reminders.outbox import reconcile
from reminders.outbox.manual import send_again
from tests.reminders.fakes import make_contact, make_customer, make_dispatch

S = DispatchStatus


@pytest.fixture
def contact(tenant):
    return make_contact(make_customer(tenant, name="Brandt Maschinenbau"))


def left_behind(contact, *, called: bool, minutes_ago: int = 30) -> Dispatch:
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    return make_dispatch(
        contact,
        status=S.SENDING,
        attempts=1,
        claimed_at=moment,
        provider_called_at=moment if called else None,
    )


def test_a_reminder_never_handed_to_the_provider_goes_back_in_line(contact):
    dispatch = left_behind(contact, called=False)
    result = reconcile.reconcile(contact.tenant_id, timezone.now())
    assert result == reconcile.Reconciled(sent_again=1, interrupted=0, given_up=0)
    dispatch.refresh_from_db()
    assert dispatch.status == S.PLANNED and "before calling the provider" in dispatch.reason


def test_a_reminder_that_may_have_left_is_interrupted_not_sent_again(contact):
    dispatch = left_behind(contact, called=True)
    reconcile.reconcile(contact.tenant_id, timezone.now())
    dispatch.refresh_from_db()
    assert dispatch.status == S.INTERRUPTED and "may have left" in dispatch.reason


def test_reminders_inside_the_lease_belong_to_their_worker(contact):
    dispatch = left_behind(contact, called=True, minutes_ago=2)
    assert reconcile.reconcile(contact.tenant_id, timezone.now()) == reconcile.Reconciled(0, 0, 0)
    assert Dispatch.objects.get(pk=dispatch.pk).status == S.SENDING


def test_another_tenants_reminders_are_left_to_its_own_sweep(contact, other_tenant):
    theirs = left_behind(make_contact(make_customer(other_tenant, "G-1")), called=False)
    reconcile.reconcile(contact.tenant_id, timezone.now())
    assert Dispatch.objects.get(pk=theirs.pk).status == S.SENDING


def test_interrupted_reminders_show_on_the_overview_and_the_outbox(client, contact, owner):
    dispatch = left_behind(contact, called=True)
    reconcile.reconcile(contact.tenant_id, timezone.now())
    client.force_login(owner)
    slug = {"tenant_slug": contact.tenant.slug}
    overview = client.get(reverse("overview", kwargs=slug)).content.decode()
    assert reverse("reminders_attention", kwargs=slug) in overview
    panel = client.get(reverse("reminders_attention", kwargs=slug)).content.decode()
    assert "Interrupted" in panel and "1 reminder" in panel
    assert f"{reverse('outbox', kwargs=slug)}?status=interrupted" in panel
    outbox = client.get(reverse("outbox", kwargs=slug), {"status": "interrupted"})
    assert [d.pk for d in outbox.context["page"]] == [dispatch.pk]
    assert "may have left" in outbox.content.decode()


def test_the_attention_panel_is_empty_when_nothing_needs_a_member(client, contact, owner):
    client.force_login(owner)
    slug = {"tenant_slug": contact.tenant.slug}
    assert (
        "Reminders that need you"
        not in client.get(reverse("reminders_attention", kwargs=slug)).content.decode()
    )


def test_a_member_may_send_an_interrupted_reminder_again(client, contact, teammate):
    dispatch = left_behind(contact, called=True)
    reconcile.reconcile(contact.tenant_id, timezone.now())
    client.force_login(teammate)
    url = reverse(
        "dispatch_send_again",
        kwargs={"tenant_slug": contact.tenant.slug, "dispatch_id": dispatch.pk},
    )
    assert client.post(url).status_code == 302
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts) == (S.PLANNED, 0)
    assert not send_again(dispatch, teammate)  # already back in line
