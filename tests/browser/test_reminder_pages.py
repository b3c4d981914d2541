"""The reminder pages in a real browser: edit a template with its live preview, edit a
workflow's step table, read the outbox, set the send window and a provider account; one
screenshot per page."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from collections_app import events
from receivables.models import Customer
from reminders.channels.accounts import provider_config
from reminders.messages import context, render
from reminders.models import (
    Dispatch,
    DispatchInvoice,
    DispatchStatus,
    ReminderSettings,
    Segment,
    Step,
    Template,
)
from reminders.setup.customers import pinned_workflow
from tests.browser.test_overview_page import log_in
from tests.reminders.fakes import FAKE_TWILIO_HTTP, FakeTwilioHttp, found
from tests.reminders.scenario import make_customer, make_invoice, make_workflow

pytestmark = pytest.mark.browser


@pytest.fixture
def account(tenant):
    """Two customers owing, a workflow, a segment and a few reminders already sent."""
    today = timezone.localdate()
    workflow = make_workflow(tenant, name="Scenario")
    brandt = make_customer(tenant, "C-1", name="Brandt Maschinenbau")
    first = make_invoice(tenant, brandt, "INV-1", today - timedelta(days=9), "1250.00")
    make_invoice(tenant, brandt, "INV-2", today + timedelta(days=4), "310.00")
    nordic = make_customer(tenant, "C-2", name="Nordic Freight")
    make_invoice(tenant, nordic, "INV-3", today + timedelta(days=2), "800.00")
    Segment.objects.create(
        tenant=tenant,
        name="Large balances",
        priority=10,
        workflow=workflow,
        rules=[{"field": "outstanding", "op": "gte", "value": "1000"}],
    )
    template = Template.objects.get(tenant=tenant, key="overdue-polite", language="en")
    message = render.render(
        template,
        context.build_context(
            tenant=tenant,
            customer=brandt,
            invoices=[first],
            today=today,
            contact=brandt.contacts.first(),
            portal_url="https://pay.example/p/x",
        ),
    )
    now = timezone.now()
    step = Step.objects.get(workflow=workflow, template_key="overdue-polite")
    sent = Dispatch.objects.create(
        tenant=tenant,
        key="k1",
        customer=brandt,
        workflow=workflow,
        step=step,
        channel="email",
        tone=step.tone,
        template_key=step.template_key,
        status=DispatchStatus.DELIVERED,
        due_at=now - timedelta(days=2),
        send_after=now - timedelta(days=2),
        sent_at=now - timedelta(days=2),
        recipient="ap-C-1@x.test",
        subject=message.subject,
        body_html=message.body_html,
        body_text=message.body_text,
        provider_message_id="local-1",
        attempts=1,
    )
    DispatchInvoice.objects.create(tenant=tenant, dispatch=sent, invoice=first, step=step)
    Dispatch.objects.create(
        tenant=tenant,
        key="k2",
        customer=nordic,
        workflow=workflow,
        channel="sms",
        tone=step.tone,
        template_key="due-today",
        status=DispatchStatus.BLOCKED,
        reason="customer opted out of sms",
        due_at=now,
        send_after=now,
    )
    events.record(brandt, events.Kind.REMINDER_SENT, "Reminder overdue-polite sent by email.")
    return workflow, template, sent


def test_edit_a_template_with_its_live_preview(page, live_server, tenant, owner, account, tmp_path):
    _, template, _ = account
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/t/acme/")
    page.goto(f"{live_server.url}/t/acme/reminders/templates/{template.pk}/")
    subject = page.locator("#preview-subject")
    subject.wait_for()
    # Functions rather than expressions: Playwright evaluates an expression with eval(),
    # which the page's Content-Security-Policy refuses.
    page.wait_for_function("() => document.querySelector('#preview-subject').textContent.length")
    page.select_option("#preview-customer", label="Brandt Maschinenbau")

    page.fill("#id_subject", "Still open for {{ customer.name }}: {{ totals|money }}")
    page.wait_for_function(
        "() => document.querySelector('#preview-subject').textContent.startsWith('Still open')"
    )
    # The template's step is a reminder, so what is not yet due is not in its demand.
    assert subject.inner_text() == "Still open for Brandt Maschinenbau: €1,250.00"
    frame = page.frame_locator("#preview-html")
    assert "INV-1" in frame.locator("body").inner_text()

    page.fill("#id_subject", "Hello {{ custmer.name }}")
    errors = page.locator("#preview-errors")
    errors.wait_for(state="visible")
    assert "custmer" in errors.inner_text()
    page.fill("#id_subject", "Still open for {{ customer.name }}")
    errors.wait_for(state="hidden")
    frame.locator("text=INV-2").wait_for()
    page.screenshot(path=str(tmp_path / "template_edit.png"), full_page=True)

    page.click("#save-template")
    page.wait_for_selector(".message.success")
    template.refresh_from_db()
    assert template.subject == "Still open for {{ customer.name }}"

    page.goto(f"{live_server.url}/t/acme/reminders/templates/")
    page.screenshot(path=str(tmp_path / "template_list.png"), full_page=True)


def test_edit_a_workflow_step_in_the_table(page, live_server, tenant, owner, account, tmp_path):
    workflow, _, _ = account
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/t/acme/")
    page.click(".mainnav >> text=Workflows")
    page.wait_for_url(f"{live_server.url}/t/acme/reminders/workflows/")
    page.screenshot(path=str(tmp_path / "workflow_list.png"), full_page=True)
    page.click("table.workflows >> text=Scenario")

    page.fill("#id_steps-2-offset_days", "9")
    page.select_option("#id_steps-2-tone", "firm")
    # The button's script is deferred: a click before it has run adds nothing.
    page.wait_for_load_state("domcontentloaded")
    page.click("#add-step")
    page.fill("#id_steps-6-offset_days", "45")
    page.select_option("#id_steps-6-channel", "task")
    page.select_option("#id_steps-6-template_key", "call-customer")
    page.select_option("#id_steps-6-tone", "final")
    page.click("#save-workflow")
    page.wait_for_selector(".message.success")
    # Taken after saving: a full-page screenshot just before the click swallowed it.
    page.screenshot(path=str(tmp_path / "workflow_detail.png"), full_page=True)

    steps = list(workflow.steps.values_list("offset_days", "channel", "tone"))
    assert (9, "email", "firm") in steps and (45, "task", "final") in steps
    assert len(steps) == 6


def test_look_at_the_outbox_and_the_other_pages(
    page, live_server, tenant, owner, account, tmp_path
):
    _, _, sent = account
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/t/acme/")
    page.click(".mainnav >> text=Outbox")
    page.wait_for_url(f"{live_server.url}/t/acme/reminders/outbox/")
    rows = page.locator("table.outbox tbody tr")
    assert rows.count() == 2
    assert "customer opted out of sms" in page.locator("table.outbox").inner_text()
    page.screenshot(path=str(tmp_path / "outbox.png"), full_page=True)

    page.select_option("#outbox-filters select[name=status]", "delivered")
    page.click("#outbox-filters button")
    page.wait_for_url("**/outbox/?status=delivered**")
    assert rows.count() == 1
    rows.first.locator("td").first.locator("a").click()
    page.wait_for_url(f"**/outbox/{sent.pk}/")
    html = page.frame_locator("#sent-html").locator("body").inner_text()
    assert "INV-1" in html
    page.screenshot(path=str(tmp_path / "dispatch_detail.png"), full_page=True)

    page.click("h1 >> text=Brandt Maschinenbau")
    page.wait_for_selector("table.invoices")
    assert "INV-2" in page.locator("table.invoices").inner_text()
    page.screenshot(path=str(tmp_path / "customer_detail.png"), full_page=True)

    page.click(".mainnav >> text=Customers")
    page.wait_for_selector("table.customers")
    page.screenshot(path=str(tmp_path / "customer_list.png"), full_page=True)

    page.click(".mainnav >> text=Segments")
    page.click("table.segments >> text=Large balances")
    page.fill("#id_rules-0-value", "500")
    page.click("#count-matches")
    page.wait_for_function("() => document.querySelector('#match-count').textContent === '2'")
    page.screenshot(path=str(tmp_path / "segment_edit.png"), full_page=True)

    page.click(".mainnav >> text=Preview")
    page.wait_for_selector("table.upcoming")
    assert "Nordic Freight" in page.locator("table.upcoming").inner_text()
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    page.select_option("#preview-segment", label="segment Large balances")
    page.click("#preview-form button")
    page.wait_for_selector("h1 >> text=to Large balances")
    upcoming = page.locator("table.upcoming").inner_text()
    assert "Brandt Maschinenbau" in upcoming and "Nordic Freight" not in upcoming

    # Pinned to a workflow of its own, Brandt no longer follows the segment.
    page.click("table.upcoming >> text=Brandt Maschinenbau")
    page.wait_for_selector("#customer-reminders-form")
    page.select_option("#id_workflow", label="Scenario")
    page.check("#customer-reminders-form input[name=opted_out_channels][value='sms']")
    page.check("#id_do_not_contact")
    page.click("#save-customer-reminders")
    page.wait_for_selector("text=Reminder settings of this customer saved.")
    assert "Do not contact" in page.inner_text(".kpis")
    brandt = Customer.objects.get(tenant=tenant, name="Brandt Maschinenbau")
    assert (pinned_workflow(brandt).name, brandt.opted_out_channels, brandt.do_not_contact) == (
        "Scenario",
        ["sms"],
        True,
    )
    segment = Segment.objects.get(tenant=tenant, name="Large balances")
    page.goto(f"{live_server.url}/t/acme/reminders/preview/?segment={segment.pk}")
    assert "Brandt Maschinenbau" not in page.locator("table.upcoming").inner_text()


def test_send_a_blocked_reminder_again_then_cancel_it(page, live_server, tenant, owner, account):
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/t/acme/")
    page.goto(f"{live_server.url}/t/acme/reminders/outbox/?status=blocked")
    page.locator("table.outbox tbody tr").first.locator("td").first.locator("a").click()
    page.wait_for_selector("#send-again")
    page.click("#send-again")
    page.wait_for_selector("text=Reminder back in line")
    assert page.inner_text(".page-head .status") == "Planned"

    page.click("#cancel-dispatch")
    page.wait_for_selector("text=Reminder cancelled")
    assert page.inner_text(".page-head .status") == "Cancelled"
    blocked = Dispatch.objects.get(tenant=tenant, channel="sms")
    assert (blocked.status, blocked.reason) == ("cancelled", f"cancelled by {owner.email}")


def test_send_a_statement_by_hand_from_the_customer_page(page, live_server, tenant, owner, account):
    brandt = Customer.objects.get(tenant=tenant, name="Brandt Maschinenbau")
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/t/acme/")
    page.goto(f"{live_server.url}/t/acme/customers/{brandt.pk}/")
    page.select_option("#send-now-form select[name=channel]", "email")
    page.select_option("#send-now-form select[name=template_key]", "statement")
    page.click("#send-now")
    page.wait_for_selector("text=Reminder in the outbox")
    assert page.inner_text(".page-head .status") == "Planned"
    manual = Dispatch.objects.get(tenant=tenant, template_key="statement")
    assert sorted(manual.lines.values_list("invoice__number", flat=True)) == ["INV-1", "INV-2"]


def test_set_the_send_window_and_a_twilio_account(
    page, live_server, settings, tenant, owner, tmp_path
):
    settings.KAPITTX_TWILIO_HTTP_CLIENT = FAKE_TWILIO_HTTP
    FakeTwilioHttp.reset()
    sid = "AC" + "0123456789abcdef" * 2
    FakeTwilioHttp.replies.extend(
        [found({"sid": sid}), found({"incoming_phone_numbers": [{"sid": "PN1"}]})]
    )
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/t/acme/")
    page.click(".mainnav >> text=Settings")
    page.wait_for_url(f"{live_server.url}/t/acme/reminders/settings/")

    page.uncheck("#settings-form input[name=send_weekdays][value='5']")
    page.check("#settings-form input[name=send_weekdays][value='6']")
    page.fill("#id_send_from", "08:30")
    page.fill("#id_send_until", "12:00")
    page.fill("#id_payment_instructions", "IBAN DE89 3704 0044 0532 0130 00")
    page.click("#save-settings")
    page.wait_for_selector(".message.success")
    saved = ReminderSettings.objects.get(tenant=tenant)
    assert saved.send_weekdays == [1, 2, 3, 4, 6]
    assert (saved.send_from, saved.send_until) == (time(8, 30), time(12))
    tenant.refresh_from_db()
    assert tenant.payment_instructions == "IBAN DE89 3704 0044 0532 0130 00"

    page.fill("#id_send_until", "08:00")
    page.click("#save-settings")
    page.wait_for_selector("text=must end after it starts")
    assert ReminderSettings.objects.get(tenant=tenant).send_until == time(12)

    page.fill("#id_account_sid", sid)
    page.fill("#id_auth_token", "secret-token")
    page.fill("#id_from_number", "+4915112345678")
    page.click("#save-twilio-account")
    page.wait_for_selector("text=Twilio account saved.")
    assert "secret-token" not in page.content()
    assert page.input_value("#id_auth_token") == ""
    assert provider_config(tenant.pk, "twilio")["auth_token"] == "secret-token"
    page.screenshot(path=str(tmp_path / "settings.png"), full_page=True)
