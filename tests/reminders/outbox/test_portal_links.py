"""A fresh payment-page link goes out like a reminder: to the contact the old link was for,
at the address on file, through the contact rules and the channel, once a day at most."""

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.test import TestCase

from collections_app.portal.links import State, read_link
from receivables.models import Contact, ContactRole
from reminders.models import Dispatch, DispatchStatus, Template
from reminders.outbox import release, send
from reminders.outbox.portal_links import is_fresh_link, send_fresh_link
from tests.collections_app.portal.tokens import contact_of
from tests.reminders.scenario import local, make_customer, make_invoice

NOW = local("2026-05-12 10:00")  # a Tuesday morning in Berlin


def deliver(tenant, now=NOW) -> list[Dispatch]:
    """Release and send what is due at ``now``, as the tick does."""
    released: list[Dispatch] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        release.release(tenant, now, released.extend)
    send.deliver_many(tenant.pk, [d.pk for d in released], now)
    return list(Dispatch.objects.filter(pk__in=[d.pk for d in released]))


@pytest.fixture
def customer(tenant):
    customer = make_customer(tenant, "C-1")
    make_invoice(tenant, customer, "INV-1", NOW.date() - timedelta(days=20))
    return customer


def test_the_fresh_link_goes_to_the_contact_the_old_one_was_for(tenant, customer, settings):
    settings.KAPITTX_LOCAL_CHANNELS = False
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    # Not the contact reminders go to first: the link was theirs, so the new one is too.
    other = Contact.objects.create(
        tenant=tenant, customer=customer, role=ContactRole.OTHER, email="sam@x.test"
    )
    assert send_fresh_link(customer, other, NOW) == "email"

    [dispatch] = deliver(tenant)
    assert is_fresh_link(dispatch) and dispatch.template_key == "statement"
    assert (dispatch.status, dispatch.recipient, dispatch.contact) == (
        DispatchStatus.SENT,
        "sam@x.test",
        other,
    )
    [message] = mail.outbox
    assert message.to == ["sam@x.test"] and "INV-1" in message.body
    [link] = [word for word in message.body.split() if "/portal/" in word]
    opened = read_link(urlparse(link).path.split("/")[2], NOW)
    assert (opened.state, opened.contact) == (State.VALID, other)


def test_in_the_embedded_run_the_fresh_link_stays_in_the_outbox(tenant, customer, settings):
    settings.KAPITTX_LOCAL_CHANNELS = True
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    send_fresh_link(customer, contact_of(customer), NOW)
    [dispatch] = deliver(tenant)
    assert dispatch.status == DispatchStatus.SENT
    assert dispatch.provider_message_id == f"local-{dispatch.pk}" and not mail.outbox
    assert "/portal/" in dispatch.body_text


def test_one_fresh_link_a_day_however_often_it_is_asked_for(tenant, customer):
    contact = contact_of(customer)
    for _ in range(3):
        assert send_fresh_link(customer, contact, NOW) == "email"
    assert Dispatch.objects.count() == 1
    send_fresh_link(customer, contact, NOW + timedelta(days=1))
    assert Dispatch.objects.count() == 2


def test_without_an_email_it_goes_by_text_message(tenant, customer):
    contact = contact_of(customer)
    Contact.objects.filter(pk=contact.pk).update(email="")
    contact.refresh_from_db()
    assert send_fresh_link(customer, contact, NOW) == "sms"
    assert Dispatch.objects.get().channel == "sms"


def test_nothing_goes_without_an_address_on_file_or_the_statement_template(tenant, customer):
    contact = contact_of(customer)
    Contact.objects.filter(pk=contact.pk).update(opted_out_channels=["email", "sms", "whatsapp"])
    contact.refresh_from_db()
    assert send_fresh_link(customer, contact, NOW) is None

    Template.objects.filter(tenant=tenant, key="statement").delete()
    assert send_fresh_link(customer, None, NOW) is None
    assert not Dispatch.objects.exists()


def test_a_link_of_the_first_kind_has_the_fresh_one_go_to_the_preferred_contact(tenant, customer):
    assert send_fresh_link(customer, None, NOW) == "email"
    assert Dispatch.objects.get().contact == contact_of(customer)


def test_it_waits_for_the_contact_rules_like_any_reminder(tenant, customer):
    customer.do_not_contact = True
    customer.save(update_fields=["do_not_contact"])
    send_fresh_link(customer, contact_of(customer), NOW)
    assert deliver(tenant) == []
    assert Dispatch.objects.get().status == DispatchStatus.BLOCKED
