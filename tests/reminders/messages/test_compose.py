"""The portal link a composed message carries: for the contact written to, for as long as the
tenant says; none in a member's task; a sample in a preview."""

from datetime import UTC, datetime, timedelta

from collections_app.portal.links import SAMPLE_TOKEN, State, read_link
from reminders.messages.compose import compose
from reminders.messages.render import pick_template
from reminders.models import ReminderSettings

NOW = datetime(2026, 3, 17, 9, 0, tzinfo=UTC)


def message(tenant, account, channel="email", key="overdue-polite", **options):
    customer, _, invoices = account
    return compose(
        customer=customer,
        channel=channel,
        template=pick_template(tenant, key, "en"),
        invoices=invoices,
        promise=None,
        now=NOW,
        **options,
    )


def token_in(text: str) -> str:
    [token] = [word.split("/portal/")[1].rstrip("/") for word in text.split() if "/portal/" in word]
    return token


def test_the_link_opens_the_page_for_as_many_days_as_the_tenant_says(tenant, account):
    ReminderSettings.objects.filter(tenant=tenant).update(portal_link_days=5)
    _, contact, _ = account
    token = token_in(message(tenant, account).body_text)
    link = read_link(token, NOW + timedelta(days=4, hours=23))
    assert (link.state, link.contact) == (State.VALID, contact)
    assert read_link(token, NOW + timedelta(days=5)).state == State.EXPIRED


def test_a_task_for_a_member_carries_no_portal_link(tenant, account):
    task = message(tenant, account, channel="task", key="call-customer")
    assert "/portal/" not in task.body_text and task.contact is None


def test_a_preview_shows_a_sample_the_portal_refuses(tenant, account):
    text = message(tenant, account, sample_link=True).body_text
    assert token_in(text) == SAMPLE_TOKEN and read_link(SAMPLE_TOKEN) is None
