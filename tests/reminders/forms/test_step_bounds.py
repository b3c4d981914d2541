"""The workflow editor refuses days, amounts and repeats outside sensible bounds."""

import pytest
from django.urls import reverse

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from reminders.models import Step, Workflow


@pytest.fixture
def standard(tenant) -> Workflow:
    """The workflow every new tenant starts with."""
    return scoped(Workflow, tenant).get(name="Standard")


def workflow_url(workflow: Workflow) -> str:
    return reverse(
        "workflow_detail", kwargs={"tenant_slug": workflow.tenant.slug, "workflow_id": workflow.pk}
    )


def page_data(workflow: Workflow, **changes) -> dict:
    """Return the workflow page's POST data as it stands, with ``changes`` applied."""
    steps = list(Step.objects.filter(workflow=workflow))
    data = {
        "name": workflow.name,
        "is_default": "on" if workflow.is_default else "",
        "per_invoice": "on" if workflow.per_invoice else "",
        "repeat_every_days": workflow.repeat_every_days or "",
        "repeat_max_times": workflow.repeat_max_times,
        "steps-TOTAL_FORMS": len(steps),
        "steps-INITIAL_FORMS": len(steps),
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
    }
    for i, step in enumerate(steps):
        for field in ("id", "offset_days", "channel", "template_key", "tone", "min_amount"):
            data[f"steps-{i}-{field}"] = getattr(step, "pk" if field == "id" else field)
        data[f"steps-{i}-workflow"] = workflow.pk
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def saved(tenant: Tenant) -> tuple:
    workflows = scoped(Workflow, tenant).values_list(
        "name", "repeat_every_days", "repeat_max_times"
    )
    steps = scoped(Step, tenant).values_list("offset_days", "channel", "template_key", "min_amount")
    return list(workflows), list(steps)


def post(client, owner, workflow: Workflow, **changes):
    client.force_login(owner)
    return client.post(workflow_url(workflow), page_data(workflow, **changes))


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"steps-0-min_amount": "-5.00"}, "The minimum amount cannot be negative."),
        ({"steps-0-min_amount": "1000000000000"}, "no more than 12 digits before the decimal"),
        ({"steps-0-offset_days": "99999999999"}, "at most 3650 days after the due date"),
        ({"steps-0-offset_days": "3651"}, "at most 3650 days after the due date"),
        ({"steps-0-offset_days": "-366"}, "at most 365 days before the due date"),
        ({"repeat_every_days": "0"}, "Repeat every 1 to 365 days"),
        ({"repeat_every_days": "366"}, "Repeat every 1 to 365 days"),
        ({"repeat_max_times": "53"}, "at most 52 times"),
    ],
    ids=[
        "negative-amount",
        "huge-amount",
        "overflowing-day",
        "day-too-late",
        "day-too-early",
        "repeat-every-0",
        "repeat-every-366",
        "repeat-53-times",
    ],
)
def test_it_refuses_values_out_of_bounds_and_saves_nothing(
    client, tenant, owner, standard, changes, message
):
    before = saved(tenant)
    response = post(client, owner, standard, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert saved(tenant) == before


def test_an_overflowing_day_gets_one_clear_error(client, tenant, owner, standard):
    response = post(client, owner, standard, **{"steps-0-offset_days": "99999999999"})
    assert response.context["steps"].forms[0].errors == {
        "offset_days": ["A step comes at most 3650 days after the due date."]
    }


def test_a_repeat_refused_is_not_also_asked_for(client, tenant, owner, standard):
    response = post(client, owner, standard, repeat_every_days="0", repeat_max_times="2")
    assert response.context["form"].errors == {
        "repeat_every_days": ["Repeat every 1 to 365 days, or leave it empty for no repeats."]
    }


@pytest.mark.parametrize(
    "changes",
    [
        {"steps-0-offset_days": "-365", "steps-1-min_amount": "999999999999.99"},
        {"steps-0-offset_days": "3650", "repeat_every_days": "365", "repeat_max_times": "52"},
        {"repeat_every_days": "1", "repeat_max_times": "0"},
        {"repeat_every_days": "", "repeat_max_times": "0"},
    ],
    ids=["lowest-day-largest-amount", "largest-day-and-repeats", "daily", "no-repeats"],
)
def test_values_at_the_bounds_are_saved(client, tenant, owner, standard, changes):
    response = post(client, owner, standard, **changes)
    assert response.status_code == 302
    standard.refresh_from_db()
    if changes.get("repeat_max_times"):
        assert standard.repeat_max_times == int(changes["repeat_max_times"])
