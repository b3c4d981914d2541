"""The outbox: every reminder with its status and reason, filtered and paginated, and one
reminder exactly as it was sent."""

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from collections_app.portal.links import portal_url
from kapittx.roles import Role
from reminders.channels.email.unsubscribe import unsubscribe_url
from reminders.models import DeliveryEvent, Dispatch, DispatchStatus
from tests.conftest import make_member
from tests.reminders.pages import make_dispatch, url
from tests.reminders.scenario import make_customer


@pytest.fixture
def outbox(mine):
    """A varied outbox: 60 sent emails, 3 blocked SMS to a second customer, 1 failed call."""
    second = make_customer(mine.tenant, "C-2", name="Second Customer")
    for n in range(60):
        make_dispatch(mine.tenant, mine.customer, key=f"e{n}", subject=f"Mail {n}")
    for n in range(3):
        make_dispatch(
            mine.tenant,
            second,
            key=f"s{n}",
            channel="sms",
            status=DispatchStatus.BLOCKED,
            reason="outside the contact window",
        )
    make_dispatch(
        mine.tenant,
        second,
        key="v1",
        channel="voice",
        status=DispatchStatus.FAILED,
        error="number unreachable",
    )
    return second


def test_outbox_is_paginated_by_50(client, mine, outbox, owner):
    client.force_login(owner)
    page = client.get(url("outbox", mine.tenant)).context["page"]
    assert page.paginator.count == 65 and len(page.object_list) == 50
    second = client.get(url("outbox", mine.tenant), {"page": 2}).context["page"]
    assert len(second.object_list) == 15


def test_outbox_filters_by_status_channel_and_customer(client, mine, outbox, owner):
    client.force_login(owner)

    def keys(**params):
        page = client.get(url("outbox", mine.tenant), params).context["page"]
        return sorted(d.key for d in page.object_list)

    assert keys(status="blocked") == ["s0", "s1", "s2"]
    assert keys(channel="voice") == ["v1"]
    assert keys(customer=outbox.pk) == ["s0", "s1", "s2", "v1"]
    assert keys(customer=outbox.pk, status="failed") == ["v1"]
    assert keys(q="second") == ["s0", "s1", "s2", "v1"]
    assert len(keys(status="nonsense")) == 50


def test_outbox_filtered_by_another_tenants_customer_is_404(client, mine, theirs, owner):
    client.force_login(owner)
    response = client.get(url("outbox", mine.tenant), {"customer": theirs.customer.pk})
    assert response.status_code == 404


def test_outbox_shows_why_a_reminder_was_blocked_or_failed(client, mine, outbox, owner):
    client.force_login(owner)
    html = client.get(url("outbox", mine.tenant), {"customer": outbox.pk}).content.decode()
    assert "outside the contact window" in html
    assert "number unreachable" in html
    assert url("customer_detail", mine.tenant, customer_id=outbox.pk) in html


def test_outbox_does_not_query_per_row(client, mine, outbox, owner, django_assert_max_num_queries):
    client.force_login(owner)
    # Fixed cost: session, user, membership, count, page, the tenant switcher, session save.
    with django_assert_max_num_queries(10):
        response = client.get(url("outbox", mine.tenant))
    assert len(response.context["page"].object_list) == 50


def test_dispatch_detail_shows_exactly_what_was_sent(client, mine, owner):
    DeliveryEvent.objects.create(
        tenant=mine.tenant,
        dispatch=mine.dispatch,
        provider="anymail",
        event_id="ev-1",
        event_type="delivered",
        payload={"status": "delivered"},
    )
    client.force_login(owner)
    html = client.get(url("dispatch_detail", mine.tenant, dispatch_id=mine.dispatch.pk)).content
    html = html.decode()
    assert "Acme reminder" in html
    assert (
        'sandbox="" title="The HTML that was sent" srcdoc="&lt;p&gt;Please pay &lt;b&gt;now' in html
    )
    assert '<pre id="sent-text">Please pay now</pre>' in html
    assert "prov-123" in html
    assert "Acme-1" in html
    assert "delivered" in html and "ev-1" in html


def test_viewers_cannot_cancel_or_resend(client, mine):
    viewer = make_member(mine.tenant, "viewer@acme.test", Role.VIEWER)
    pending = make_dispatch(
        mine.tenant, mine.customer, [mine.invoice], key="p1", status=DispatchStatus.PLANNED
    )
    client.force_login(viewer)
    assert (
        'id="cancel-dispatch"'
        not in client.get(
            url("dispatch_detail", mine.tenant, dispatch_id=pending.pk)
        ).content.decode()
    )
    response = client.post(url("dispatch_cancel", mine.tenant, dispatch_id=pending.pk))
    assert response.status_code == 403
    assert Dispatch.objects.get(pk=pending.pk).status == DispatchStatus.PLANNED


def test_sent_links_are_hidden_from_members_who_cannot_send(client, mine, teammate):
    contact = mine.customer.contacts.get()
    portal = portal_url(contact, timezone.now() + timedelta(days=30))
    unsubscribe = unsubscribe_url(mine.tenant.pk, contact.email)
    sent = make_dispatch(
        mine.tenant,
        mine.customer,
        key="with-links",
        subject=f"Your account {portal}",
        body_html=f'<p><a href="{portal}">View your account</a></p>',
        body_text=f"View your account: {portal}\nUnsubscribe: {unsubscribe}",
    )
    DeliveryEvent.objects.create(
        tenant=mine.tenant,
        dispatch=sent,
        provider="anymail",
        event_id="ev-click",
        event_type="clicked",
        payload={"event": "clicked", "click_url": portal, "tags": [unsubscribe]},
    )
    tokens = [urlparse(link).path.split("/")[-2] for link in (portal, unsubscribe)]
    detail = url("dispatch_detail", mine.tenant, dispatch_id=sent.pk)
    for role in (Role.VIEWER, Role.SALES, Role.LOGISTICS):
        client.force_login(make_member(mine.tenant, f"{role}@acme.test", role))
        pages = (
            client.get(detail).content.decode()
            + client.get(url("outbox", mine.tenant)).content.decode()
        )
        assert not any(token in pages for token in tokens), role
        assert "/portal/[hidden]/" in pages and "/hooks/unsubscribe/[hidden]/" in pages

    client.force_login(teammate)  # a collector, who sends reminders
    html = client.get(detail).content.decode()
    assert all(token in html for token in tokens) and "[hidden]" not in html
    sent.refresh_from_db()
    assert portal in sent.body_text  # hidden on the page, kept in the row
