"""The workflow pages: the list, the step table and its checks, and what each member sees."""

from kapittx.roles import Role
from reminders.models import Step, Template
from reminders.setup.customers import pin_workflow
from tests.conftest import make_member
from tests.reminders.pages import default_names, snapshot, step_data, url
from tests.reminders.scenario import make_customer, make_workflow


def test_workflow_list_counts_pinned_customers_and_segments(client, mine, owner):
    pin_workflow(mine.customer, mine.workflow)
    make_customer(mine.tenant, "C-2", workflow=mine.workflow)
    make_workflow(mine.tenant, name="Unused", default=False)
    client.force_login(owner)
    page = client.get(url("workflow_list", mine.tenant))
    rows = {
        w.name: (w.step_count, w.pinned_count, w.segment_count) for w in page.context["workflows"]
    }
    assert rows == {"Acme cadence": (5, 2, 1), "Standard": (7, 0, 0), "Unused": (5, 0, 0)}


def test_members_only_see_their_own_role_specific_buttons(client, mine, owner, teammate):
    client.force_login(teammate)
    assert b"New workflow" not in client.get(url("workflow_list", mine.tenant)).content
    client.force_login(owner)
    assert b"New workflow" in client.get(url("workflow_list", mine.tenant)).content


def test_viewer_sees_workflow_steps_read_only(client, mine):
    viewer = make_member(mine.tenant, "viewer@acme.test", Role.VIEWER)
    client.force_login(viewer)
    page = client.get(url("workflow_detail", mine.tenant, workflow_id=mine.workflow.pk))
    html = page.content.decode()
    assert "overdue-polite" in html
    assert "<select" not in html.split("<main>")[1]
    assert "Save workflow" not in html


def test_two_steps_on_the_same_day_and_channel_are_refused(client, mine, owner):
    client.force_login(owner)
    before = snapshot(mine.tenant)
    data = step_data(mine.workflow, changes={"steps-1-offset_days": -3})
    response = client.post(url("workflow_detail", mine.tenant, workflow_id=mine.workflow.pk), data)
    assert response.status_code == 200
    assert "Two steps send by email on day -3" in response.content.decode()
    assert snapshot(mine.tenant) == before


def test_a_step_must_use_a_template_the_tenant_has(client, mine, theirs, owner):
    Template.objects.create(tenant=theirs.tenant, key="globex-only", name="x", subject="x")
    client.force_login(owner)
    data = step_data(mine.workflow, changes={"steps-0-template_key": "globex-only"})
    response = client.post(url("workflow_detail", mine.tenant, workflow_id=mine.workflow.pk), data)
    assert response.status_code == 200
    assert Step.objects.filter(template_key="globex-only").count() == 0


def test_the_step_template_select_lists_the_tenants_keys(client, mine, theirs, owner):
    Template.objects.create(tenant=theirs.tenant, key="globex-only", name="x", subject="x")
    client.force_login(owner)
    html = client.get(url("workflow_detail", mine.tenant, workflow_id=mine.workflow.pk)).content
    assert b'<option value="final-notice"' in html
    assert b"globex-only" not in html


def test_workflow_names_are_unique_per_tenant(client, mine, theirs, owner):
    client.force_login(owner)
    taken = {
        "name": "ACME CADENCE",
        "repeat_max_times": 0,
        "steps-TOTAL_FORMS": 0,
        "steps-INITIAL_FORMS": 0,
    }
    response = client.post(url("workflow_create", mine.tenant), taken)
    assert "Another workflow already has this name." in response.content.decode()
    response = client.post(url("workflow_create", mine.tenant), {**taken, "name": "Globex cadence"})
    assert response.status_code == 302


def test_the_default_cannot_just_be_unticked(client, mine, owner):
    client.force_login(owner)
    data = step_data(mine.workflow)
    data.pop("is_default")
    response = client.post(url("workflow_detail", mine.tenant, workflow_id=mine.workflow.pk), data)
    assert "Make another workflow the default instead." in response.content.decode()
    assert default_names(mine.tenant) == ["Acme cadence"]


def test_set_default_takes_post_only(client, mine, owner):
    client.force_login(owner)
    response = client.get(url("workflow_set_default", mine.tenant, workflow_id=mine.workflow.pk))
    assert response.status_code == 405


def test_a_crafted_post_repeating_a_saved_step_is_a_form_error(client, mine, owner):
    client.force_login(owner)
    before = snapshot(mine.tenant)
    # The saved steps are left out of the post; a new row takes the day of one of them.
    data = {
        "name": mine.workflow.name,
        "is_default": "on",
        "repeat_max_times": 0,
        "steps-TOTAL_FORMS": 1,
        "steps-INITIAL_FORMS": 0,
        "steps-0-offset_days": -3,
        "steps-0-channel": "email",
        "steps-0-template_key": "due-today",
        "steps-0-tone": "courtesy",
        "steps-0-min_amount": "0",
    }
    response = client.post(url("workflow_detail", mine.tenant, workflow_id=mine.workflow.pk), data)
    assert response.status_code == 200
    assert "Two steps send by email on day -3" in response.content.decode()
    assert snapshot(mine.tenant) == before


def test_two_steps_trading_days_is_a_form_error_not_a_crash(client, mine, owner):
    client.force_login(owner)
    before = snapshot(mine.tenant)
    data = step_data(mine.workflow, changes={"steps-0-offset_days": 0, "steps-1-offset_days": -3})
    response = client.post(url("workflow_detail", mine.tenant, workflow_id=mine.workflow.pk), data)
    assert response.status_code == 200
    assert "save each change on its own" in response.content.decode()
    assert snapshot(mine.tenant) == before
