"""Saving a workflow with its steps and choosing the default: one default per tenant, and the
tenant's open invoices placed again by the next sweep."""

from decimal import Decimal

from reminders.models import Step, Tone, Workflow
from tests.reminders.pages import default_names, place_all_invoices, stale_flags, step_data, url
from tests.reminders.scenario import make_workflow


def test_workflow_step_table_saves_and_marks_open_invoices_stale(client, mine, theirs, owner):
    place_all_invoices()
    client.force_login(owner)
    data = step_data(
        mine.workflow,
        changes={
            "steps-2-offset_days": 8,
            "steps-2-tone": Tone.FIRM,
            "steps-4-DELETE": "on",
            "repeat_every_days": 7,
            "repeat_max_times": 2,
        },
        extra=[
            {
                "offset_days": 21,
                "channel": "sms",
                "template_key": "final-notice",
                "tone": Tone.FINAL,
                "min_amount": "50.00",
            }
        ],
    )
    response = client.post(url("workflow_detail", mine.tenant, workflow_id=mine.workflow.pk), data)
    assert response.status_code == 302
    steps = list(
        Step.objects.filter(workflow=mine.workflow).values_list(
            "offset_days", "channel", "template_key", "tone", "min_amount"
        )
    )
    assert steps == [
        (-3, "email", "courtesy-before-due", Tone.COURTESY, Decimal("0.00")),
        (0, "email", "due-today", Tone.COURTESY, Decimal("0.00")),
        (8, "email", "overdue-polite", Tone.FIRM, Decimal("0.00")),
        (14, "email", "overdue-firm", Tone.FIRM, Decimal("0.00")),
        (21, "sms", "final-notice", Tone.FINAL, Decimal("50.00")),
    ]
    assert all(
        step.tenant_id == mine.tenant.pk for step in Step.objects.filter(workflow=mine.workflow)
    )
    mine.workflow.refresh_from_db()
    assert (mine.workflow.repeat_every_days, mine.workflow.repeat_max_times) == (7, 2)
    assert stale_flags(mine.tenant) == [True]
    assert stale_flags(theirs.tenant) == [False]


def test_new_workflow_with_steps(client, mine, owner):
    place_all_invoices()
    client.force_login(owner)
    data = {
        "name": "Key accounts",
        "repeat_max_times": 0,
        "steps-TOTAL_FORMS": 2,
        "steps-INITIAL_FORMS": 0,
        # The blank extra row as a browser sends it.
        "steps-1-tone": Tone.REMINDER,
        "steps-1-min_amount": "0",
        "steps-0-offset_days": 5,
        "steps-0-channel": "email",
        "steps-0-template_key": "overdue-polite",
        "steps-0-tone": Tone.REMINDER,
        "steps-0-min_amount": "0",
    }
    response = client.post(url("workflow_create", mine.tenant), data)
    workflow = Workflow.objects.get(tenant=mine.tenant, name="Key accounts")
    assert response.url == url("workflow_detail", mine.tenant, workflow_id=workflow.pk)
    assert list(workflow.steps.values_list("offset_days", "tenant_id")) == [(5, mine.tenant.pk)]
    assert not workflow.is_default
    assert stale_flags(mine.tenant) == [True]


def test_setting_a_default_keeps_exactly_one(client, mine, theirs, owner):
    other = make_workflow(mine.tenant, name="Gentle", default=False)
    place_all_invoices()
    client.force_login(owner)
    response = client.post(url("workflow_set_default", mine.tenant, workflow_id=other.pk))
    assert response.status_code == 302
    assert default_names(mine.tenant) == ["Gentle"]
    assert default_names(theirs.tenant) == ["Globex cadence"]
    assert stale_flags(mine.tenant) == [True]
    response = client.post(url("workflow_set_default", mine.tenant, workflow_id=mine.workflow.pk))
    assert default_names(mine.tenant) == ["Acme cadence"]


def test_ticking_default_in_the_form_moves_the_default(client, mine, owner):
    other = make_workflow(mine.tenant, name="Gentle", default=False)
    client.force_login(owner)
    data = step_data(other, changes={"is_default": "on"})
    response = client.post(url("workflow_detail", mine.tenant, workflow_id=other.pk), data)
    assert response.status_code == 302
    assert default_names(mine.tenant) == ["Gentle"]
