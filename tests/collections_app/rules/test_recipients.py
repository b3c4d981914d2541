"""Who a reminder goes to: the contact of the preferred role with a usable address on the
channel, passing over contacts that opted out of it or whose address there failed."""

import pytest

from collections_app.rules.recipients import address_for, pick_contact, usable_address
from receivables.models import Contact, ContactRole, Customer
from tests.reminders.scenario import make_customer

PAT = Contact(email="pat@x.test", phone="+4930123456", whatsapp="+4915112345678")


def test_each_address_point_reads_its_own_field():
    assert address_for(PAT, "email") == "pat@x.test"
    assert address_for(PAT, "phone") == "+4930123456"
    assert address_for(PAT, "whatsapp") == "+4915112345678"
    assert address_for(PAT, "fax") == ""


def test_whatsapp_falls_back_to_the_phone_number():
    assert address_for(Contact(phone="+4930123456"), "whatsapp") == "+4930123456"
    assert address_for(Contact(email="pat@x.test"), "whatsapp") == ""


def test_a_contact_that_opted_out_of_a_channel_or_failed_on_it_has_no_address_there():
    quiet = Contact(email="q@x.test", phone="+4930123456", opted_out_channels=["sms"])
    bounced = Contact(email="b@x.test", phone="+4930123456", invalid_channels=["email"])
    assert usable_address(quiet, "sms", "phone") == ""
    assert usable_address(quiet, "email", "email") == "q@x.test"
    assert usable_address(bounced, "email", "email") == ""
    assert usable_address(bounced, "sms", "phone") == "+4930123456"


@pytest.fixture
def customer(tenant) -> Customer:
    customer = make_customer(tenant)
    customer.contacts.all().delete()
    return customer


def add(customer: Customer, name: str, role: str, **fields) -> Contact:
    return Contact.objects.create(
        tenant=customer.tenant, customer=customer, name=name, role=role, **fields
    )


def picked(customer: Customer, channel: str = "email", point: str = "email"):
    customer = Customer.objects.prefetch_related("contacts").get(pk=customer.pk)
    found = pick_contact(customer, channel, point)
    return found and (found[0].name, found[1])


def test_billing_is_preferred_then_primary_then_purchasing_then_anyone(customer):
    add(customer, "Other", ContactRole.OTHER, email="o@x.test")
    add(customer, "Purchasing", ContactRole.PURCHASING, email="p@x.test")
    assert picked(customer) == ("Purchasing", "p@x.test")
    add(customer, "Primary", ContactRole.PRIMARY, email="m@x.test")
    assert picked(customer) == ("Primary", "m@x.test")
    add(customer, "Billing", ContactRole.BILLING, email="b@x.test")
    assert picked(customer) == ("Billing", "b@x.test")


def test_between_contacts_of_one_role_the_first_added_goes_first(customer):
    add(customer, "First", ContactRole.PRIMARY, email="1@x.test")
    add(customer, "Second", ContactRole.PRIMARY, email="2@x.test")
    assert picked(customer) == ("First", "1@x.test")


def test_a_contact_without_a_usable_address_is_passed_over(customer):
    add(customer, "No email", ContactRole.BILLING, phone="+4930123456")
    add(customer, "Opted out", ContactRole.BILLING, email="o@x.test", opted_out_channels=["email"])
    add(customer, "Bounced", ContactRole.PRIMARY, email="b@x.test", invalid_channels=["email"])
    add(customer, "Buyer", ContactRole.PURCHASING, email="buyer@x.test")
    assert picked(customer) == ("Buyer", "buyer@x.test")
    assert picked(customer, "sms", "phone") == ("No email", "+4930123456")


def test_no_contact_is_picked_when_none_can_be_reached(customer):
    add(customer, "Opted out", ContactRole.BILLING, email="o@x.test", opted_out_channels=["email"])
    assert picked(customer) is None


def test_a_contact_of_a_role_the_rules_do_not_know_comes_last(customer):
    add(customer, "Unsorted", "", email="u@x.test")
    assert picked(customer) == ("Unsorted", "u@x.test")
    add(customer, "Other", ContactRole.OTHER, email="o@x.test")
    assert picked(customer) == ("Other", "o@x.test")
