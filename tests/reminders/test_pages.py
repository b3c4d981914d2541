"""The reminder and customer pages: who may see and change what, and what each page shows."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from collections_app import events
from kapittx.models import Tenant
from kapittx.roles import Role
from receivables.models import Contact, Customer, Invoice
from reminders.models import (
    DeliveryEvent,
    Dispatch,
    DispatchInvoice,
    DispatchStatus,
    ReminderPosition,
    Segment,
    Step,
    Template,
    Tone,
    Workflow,
)
from reminders.outbox import sweep
from reminders.setup.customers import pin_workflow, pinned_workflow
from tests.conftest import make_member
from tests.reminders.scenario import local, make_customer, make_invoice, make_workflow, run


@dataclass
class World:
    """One tenant's reminder set-up: a workflow, a segment, a template, a customer owing."""

    tenant: Tenant
    workflow: Workflow
    segment: Segment
    template: Template
    customer: Customer
    invoice: Invoice
    dispatch: Dispatch

    def ids(self) -> dict[str, int]:
        return {
            "workflow_id": self.workflow.pk,
            "segment_id": self.segment.pk,
            "template_id": self.template.pk,
            "customer_id": self.customer.pk,
            "dispatch_id": self.dispatch.pk,
        }


def today():
    return timezone.localdate()


def make_dispatch(
    tenant,
    customer,
    invoices=(),
    *,
    key: str = "d1",
    status=DispatchStatus.SENT,
    channel: str = "email",
    **fields,
) -> Dispatch:
    now = timezone.now()
    dispatch = Dispatch.objects.create(
        tenant=tenant,
        key=key,
        customer=customer,
        channel=channel,
        tone=Tone.REMINDER,
        template_key="overdue-polite",
        status=status,
        due_at=now,
        send_after=now,
        **fields,
    )
    for invoice in invoices:
        DispatchInvoice.objects.create(tenant=tenant, dispatch=dispatch, invoice=invoice)
    return dispatch


def build_world(tenant: Tenant, name: str) -> World:
    # A new tenant comes with the template library and the "Standard" workflow.
    workflow = make_workflow(tenant, name=f"{name} cadence")
    customer = make_customer(tenant, "C-1", name=f"{name} Customer")
    invoice = make_invoice(tenant, customer, f"{name}-1", today() - timedelta(days=5))
    segment = Segment.objects.create(
        tenant=tenant,
        name=f"{name} big",
        priority=10,
        workflow=workflow,
        rules=[{"field": "outstanding", "op": "gte", "value": "100"}],
    )
    return World(
        tenant=tenant,
        workflow=workflow,
        segment=segment,
        template=Template.objects.get(tenant=tenant, key="overdue-polite", language="en"),
        customer=customer,
        invoice=invoice,
        dispatch=make_dispatch(
            tenant,
            customer,
            [invoice],
            subject=f"{name} reminder",
            body_html="<p>Please pay <b>now</b></p>",
            body_text="Please pay now",
            recipient="ap-C-1@x.test",
            provider_message_id="prov-123",
            sent_at=timezone.now(),
        ),
    )


@pytest.fixture
def mine(tenant, owner, teammate) -> World:
    return build_world(tenant, "Acme")


@pytest.fixture
def theirs(other_tenant, outsider) -> World:
    return build_world(other_tenant, "Globex")


def url(name: str, tenant: Tenant, **kwargs) -> str:
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


# Pages every member sees: (url name, the object id the url takes or None).
VIEW_PAGES = [
    ("customer_list", None),
    ("customer_detail", "customer_id"),
    ("outbox", None),
    ("dispatch_detail", "dispatch_id"),
    ("workflow_list", None),
    ("workflow_detail", "workflow_id"),
    ("template_list", None),
    ("template_edit", "template_id"),
    ("segment_list", None),
    ("segment_edit", "segment_id"),
    ("reminder_preview", None),
    ("reminder_settings", None),
]
# Pages only members who configure reminders open.
CONFIGURE_PAGES = [("workflow_create", None), ("template_create", None), ("segment_create", None)]
# Endpoints that change the set-up (POST).
CONFIGURE_POSTS = [
    ("workflow_detail", "workflow_id"),
    ("workflow_create", None),
    ("workflow_set_default", "workflow_id"),
    ("template_edit", "template_id"),
    ("template_create", None),
    ("template_variant", "template_id"),
    ("segment_edit", "segment_id"),
    ("segment_create", None),
]
# Read-only endpoints answered by POST.
VIEW_POSTS = [("template_preview", "template_id"), ("segment_match_count", None)]
# Panels other pages load.
FRAGMENTS = [
    ("customer_reminders_panel", "customer_id"),
    ("customer_timeline", "customer_id"),
    ("customer_workflows", None),
]
ALL_GETS = VIEW_PAGES + CONFIGURE_PAGES + FRAGMENTS
# Collection actions (POST).
COLLECTION_POSTS = [
    ("customer_resume", "customer_id"),
    ("customer_reminders", "customer_id"),
    ("customer_send_now", "customer_id"),
    ("dispatch_cancel", "dispatch_id"),
    ("dispatch_send_again", "dispatch_id"),
]
ALL_POSTS = CONFIGURE_POSTS + VIEW_POSTS + COLLECTION_POSTS


def page_url(world: World, name: str, id_name: str | None, tenant: Tenant | None = None) -> str:
    kwargs = {id_name: world.ids()[id_name]} if id_name else {}
    return url(name, tenant or world.tenant, **kwargs)


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "id_name"), VIEW_PAGES)
def test_owner_and_teammate_see_every_page(client, mine, owner, teammate, name, id_name):
    for user in (owner, teammate):
        client.force_login(user)
        response = client.get(page_url(mine, name, id_name))
        assert response.status_code == 200, (user, name)
        assert mine.tenant.name in response.content.decode()


@pytest.mark.parametrize(("name", "id_name"), CONFIGURE_PAGES)
def test_only_members_who_configure_reminders_open_the_new_forms(
    client, mine, owner, teammate, name, id_name
):
    client.force_login(owner)
    assert client.get(page_url(mine, name, id_name)).status_code == 200
    client.force_login(teammate)
    assert client.get(page_url(mine, name, id_name)).status_code == 403


@pytest.mark.parametrize(("name", "id_name"), VIEW_POSTS)
def test_teammate_may_use_the_read_only_endpoints(client, mine, teammate, name, id_name):
    client.force_login(teammate)
    response = client.post(page_url(mine, name, id_name), {"customer": mine.customer.pk})
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "id_name"), ALL_GETS)
def test_outsider_gets_404_on_every_page(client, mine, outsider, name, id_name):
    client.force_login(outsider)
    response = client.get(page_url(mine, name, id_name))
    assert response.status_code == 404
    assert mine.tenant.name not in response.content.decode()


@pytest.mark.parametrize(("name", "id_name"), ALL_POSTS)
def test_outsider_gets_404_on_every_endpoint(client, mine, outsider, name, id_name):
    client.force_login(outsider)
    assert client.post(page_url(mine, name, id_name), {"name": "x"}).status_code == 404


@pytest.mark.parametrize(("name", "id_name"), [p for p in ALL_GETS if p[1]])
def test_another_tenants_object_is_404_under_my_slug(client, mine, theirs, owner, name, id_name):
    client.force_login(owner)
    response = client.get(page_url(theirs, name, id_name, tenant=mine.tenant))
    assert response.status_code == 404
    assert "Globex" not in response.content.decode()


@pytest.mark.parametrize(("name", "id_name"), [p for p in ALL_POSTS if p[1]])
def test_another_tenants_object_is_404_to_posts_under_my_slug(
    client, mine, theirs, owner, name, id_name
):
    client.force_login(owner)
    response = client.post(
        page_url(theirs, name, id_name, tenant=mine.tenant),
        {"customer": mine.customer.pk, "language": "fr", "name": "Hijack"},
    )
    assert response.status_code == 404
    assert Workflow.objects.filter(tenant=theirs.tenant, is_default=True).get() == theirs.workflow
    assert not Template.objects.filter(language="fr").exists()


def test_preview_of_another_tenants_customer_is_404(client, mine, theirs, owner):
    client.force_login(owner)
    response = client.post(
        url("template_preview", mine.tenant, template_id=mine.template.pk),
        {"customer": theirs.customer.pk, "subject": "Hi {{ customer.name }}"},
    )
    assert response.status_code == 404
    assert "Globex" not in response.content.decode()


def test_outbox_filtered_by_another_tenants_customer_is_404(client, mine, theirs, owner):
    client.force_login(owner)
    response = client.get(url("outbox", mine.tenant), {"customer": theirs.customer.pk})
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "id_name"), VIEW_PAGES[:3])
def test_anonymous_is_sent_to_login(client, mine, name, id_name):
    response = client.get(page_url(mine, name, id_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- who may change what ---------------------------------------------------------------------


def snapshot(tenant: Tenant) -> tuple:
    return (
        list(Workflow.objects.filter(tenant=tenant).values_list("name", "is_default")),
        list(Step.objects.filter(tenant=tenant).values_list("offset_days", "channel")),
        list(Segment.objects.filter(tenant=tenant).values_list("name", "rules")),
        list(Template.objects.filter(tenant=tenant).values_list("key", "language", "subject")),
    )


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.VIEWER])
@pytest.mark.parametrize(("name", "id_name"), CONFIGURE_POSTS)
def test_members_who_do_not_configure_reminders_change_nothing(client, mine, name, id_name, role):
    user = make_member(mine.tenant, f"{role}.member@acme.test", role)
    client.force_login(user)
    before = snapshot(mine.tenant)
    data = {
        "name": "Changed",
        "is_default": "on",
        "subject": "Changed",
        "language": "fr",
        "key": "new-key",
        "priority": "1",
        "workflow": mine.workflow.pk,
        **step_data(mine.workflow),
    }
    response = client.post(page_url(mine, name, id_name), data)
    assert response.status_code == 403
    assert snapshot(mine.tenant) == before


def test_viewer_sees_workflow_steps_read_only(client, mine):
    viewer = make_member(mine.tenant, "viewer@acme.test", Role.VIEWER)
    client.force_login(viewer)
    page = client.get(url("workflow_detail", mine.tenant, workflow_id=mine.workflow.pk))
    html = page.content.decode()
    assert "overdue-polite" in html
    assert "<select" not in html.split("<main>")[1]
    assert "Save workflow" not in html


def test_viewer_sees_the_template_but_no_save_button(client, mine):
    viewer = make_member(mine.tenant, "viewer@acme.test", Role.VIEWER)
    client.force_login(viewer)
    html = client.get(url("template_edit", mine.tenant, template_id=mine.template.pk)).content
    assert b"Save template" not in html
    assert b"readonly" in html


# --- workflows -------------------------------------------------------------------------------


def step_data(workflow: Workflow, changes: dict | None = None, extra: list | None = None) -> dict:
    """Return the POST data of the workflow page as it stands, with ``changes`` applied."""
    steps = list(Step.objects.filter(workflow=workflow))
    data = {
        "name": workflow.name,
        "is_default": "on" if workflow.is_default else "",
        "per_invoice": "on" if workflow.per_invoice else "",
        "repeat_every_days": workflow.repeat_every_days or "",
        "repeat_max_times": workflow.repeat_max_times,
        "steps-TOTAL_FORMS": len(steps) + len(extra or []),
        "steps-INITIAL_FORMS": len(steps),
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
    }
    for i, step in enumerate(steps):
        data.update(
            {
                f"steps-{i}-id": step.pk,
                f"steps-{i}-workflow": workflow.pk,
                f"steps-{i}-offset_days": step.offset_days,
                f"steps-{i}-channel": step.channel,
                f"steps-{i}-template_key": step.template_key,
                f"steps-{i}-tone": step.tone,
                f"steps-{i}-min_amount": step.min_amount,
            }
        )
    for j, row in enumerate(extra or [], start=len(steps)):
        data.update({f"steps-{j}-{field}": value for field, value in row.items()})
    data.update(changes or {})
    return {key: value for key, value in data.items() if value != ""}


def place_all_invoices() -> None:
    """Settle every invoice's position, as a sweep would."""
    ReminderPosition.objects.update(next_at=datetime(2100, 1, 1, tzinfo=UTC))


def stale_flags(tenant: Tenant) -> list[bool]:
    """Whether each of ``tenant``'s invoices is to be placed again by the next sweep."""
    positions = dict(
        ReminderPosition.objects.filter(tenant=tenant).values_list("invoice_id", "next_at")
    )
    return [
        positions.get(pk, ReminderPosition.AT_NEXT_SWEEP) == ReminderPosition.AT_NEXT_SWEEP
        for pk in Invoice.objects.filter(tenant=tenant).values_list("pk", flat=True)
    ]


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


def default_names(tenant: Tenant) -> list[str]:
    return list(
        Workflow.objects.filter(tenant=tenant, is_default=True).values_list("name", flat=True)
    )


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


# --- templates -------------------------------------------------------------------------------


def template_data(template: Template, **changes) -> dict:
    data = {
        field: getattr(template, field)
        for field in ("name", "subject", "body_html", "body_text", "short_text", "voice_script")
    }
    data.update(changes)
    return data


def test_template_list_groups_languages_by_key(client, mine, owner):
    client.force_login(owner)
    page = client.get(url("template_list", mine.tenant))
    groups = {g["key"]: [t.language for t in g["variants"]] for g in page.context["groups"]}
    assert groups["overdue-polite"] == ["de", "en"]
    # Used by the scenario cadence and by the tenant's "Standard" workflow.
    assert dict((g["key"], g["steps"]) for g in page.context["groups"])["overdue-polite"] == 2


def test_a_template_with_an_unknown_variable_shows_the_error_and_saves_nothing(client, mine, owner):
    client.force_login(owner)
    before = Template.objects.get(pk=mine.template.pk)
    data = template_data(
        mine.template, subject="Hello {{ customer.nmae }}", body_text="Dear {{ custmer }}"
    )
    response = client.post(url("template_edit", mine.tenant, template_id=mine.template.pk), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "customer has no field 'nmae'" in form.errors["subject"][0]
    assert "custmer" in form.errors["body_text"][0]
    assert "Not saved" in response.content.decode()
    after = Template.objects.get(pk=mine.template.pk)
    assert (after.subject, after.body_text, after.updated_at) == (
        before.subject,
        before.body_text,
        before.updated_at,
    )


def test_a_valid_template_is_saved(client, mine, owner):
    client.force_login(owner)
    data = template_data(mine.template, subject="Open items for {{ customer.name }}")
    response = client.post(url("template_edit", mine.tenant, template_id=mine.template.pk), data)
    assert response.status_code == 302
    mine.template.refresh_from_db()
    assert mine.template.subject == "Open items for {{ customer.name }}"


def test_a_new_language_variant_is_a_copy(client, mine, owner):
    client.force_login(owner)
    response = client.post(
        url("template_variant", mine.tenant, template_id=mine.template.pk), {"language": "fr"}
    )
    copy = Template.objects.get(tenant=mine.tenant, key="overdue-polite", language="fr")
    assert response.url == url("template_edit", mine.tenant, template_id=copy.pk)
    assert (copy.subject, copy.body_html) == (mine.template.subject, mine.template.body_html)


def test_a_language_that_exists_is_not_copied_over(client, mine, owner):
    client.force_login(owner)
    german = Template.objects.get(tenant=mine.tenant, key="overdue-polite", language="de")
    response = client.post(
        url("template_variant", mine.tenant, template_id=mine.template.pk),
        {"language": "de"},
        follow=True,
    )
    assert "already has a de text" in response.content.decode()
    assert Template.objects.get(pk=german.pk).subject == german.subject


def test_a_new_template_key(client, mine, owner):
    client.force_login(owner)
    response = client.post(
        url("template_create", mine.tenant), {"key": "gentle", "language": "en", "name": "Gentle"}
    )
    template = Template.objects.get(tenant=mine.tenant, key="gentle")
    assert response.url == url("template_edit", mine.tenant, template_id=template.pk)
    response = client.post(
        url("template_create", mine.tenant), {"key": "gentle", "language": "en", "name": "Again"}
    )
    assert response.status_code == 200
    assert Template.objects.filter(tenant=mine.tenant, key="gentle").count() == 1


def test_live_preview_renders_the_unsaved_text_for_a_real_customer(client, mine, owner):
    client.force_login(owner)
    data = template_data(
        mine.template,
        subject="Hi {{ customer.name }}: {{ totals|money }}",
        body_html="<p>{% for i in invoices %}{{ i.number }} {% endfor %}</p>",
        customer=mine.customer.pk,
    )
    response = client.post(url("template_preview", mine.tenant, template_id=mine.template.pk), data)
    result = response.json()
    assert result["ok"] is True
    assert result["subject"] == "Hi Acme Customer: 500.00 EUR"
    assert result["body_html"] == "<p>Acme-1 </p>"
    assert result["invoices"] == 1 and result["recipient"] == "ap-C-1@x.test"
    mine.template.refresh_from_db()
    assert mine.template.subject != data["subject"]


def test_live_preview_shows_an_unknown_variable_instead(client, mine, owner):
    client.force_login(owner)
    data = template_data(mine.template, subject="Hi {{ custmer.name }}", customer=mine.customer.pk)
    result = client.post(
        url("template_preview", mine.tenant, template_id=mine.template.pk), data
    ).json()
    assert result["ok"] is False
    assert "custmer" in result["errors"]["subject"][0]


def test_the_editor_offers_customers_with_open_invoices_only(client, mine, owner):
    make_customer(mine.tenant, "C-9", name="Paid Up Ltd")
    client.force_login(owner)
    page = client.get(url("template_edit", mine.tenant, template_id=mine.template.pk))
    assert [c.name for c in page.context["customers"]] == ["Acme Customer"]
    # The message HTML is shown in a sandbox that runs no script and has no origin.
    assert b'<iframe id="preview-html" sandbox=""' in page.content


# --- segments --------------------------------------------------------------------------------


def rule_data(rows: list[tuple[str, str, str]], **fields) -> dict:
    data = {"rules-TOTAL_FORMS": len(rows), "rules-INITIAL_FORMS": 0, **fields}
    for i, (field, op, value) in enumerate(rows):
        data.update({f"rules-{i}-field": field, f"rules-{i}-op": op, f"rules-{i}-value": value})
    return data


@pytest.fixture
def customers(mine):
    """Three more customers: one in Austria, one owing 5,000, one tagged key-account."""
    austria = make_customer(mine.tenant, "C-AT", country="AT")
    rich = make_customer(mine.tenant, "C-BIG")
    make_invoice(mine.tenant, rich, "BIG-1", today() + timedelta(days=20), "5000.00")
    make_customer(mine.tenant, "C-KEY", tags=["key-account"])
    return austria, rich


def test_segment_list_shows_rules_workflow_and_matching_customers(client, mine, customers, owner):
    client.force_login(owner)
    page = client.get(url("segment_list", mine.tenant))
    [row] = page.context["rows"]
    assert row["rules"] == ["outstanding ≥ 100"]
    assert row["matching"] == 2
    assert "Acme cadence" in page.content.decode()


def test_create_a_segment_from_rule_rows(client, mine, customers, owner):
    place_all_invoices()
    client.force_login(owner)
    data = rule_data(
        [("country", "in", "AT, CH"), ("outstanding", "lt", "1000"), ("", "", "")],
        name="Alps",
        priority=5,
        workflow=mine.workflow.pk,
    )
    response = client.post(url("segment_create", mine.tenant), data)
    segment = Segment.objects.get(tenant=mine.tenant, name="Alps")
    assert response.url == url("segment_edit", mine.tenant, segment_id=segment.pk)
    assert segment.rules == [
        {"field": "country", "op": "in", "value": ["AT", "CH"]},
        {"field": "outstanding", "op": "lt", "value": "1000"},
    ]
    assert all(stale_flags(mine.tenant))
    page = client.get(response.url)
    assert page.context["matching"] == 1


def test_bad_rules_are_shown_and_nothing_is_saved(client, mine, owner):
    client.force_login(owner)
    before = snapshot(mine.tenant)
    data = rule_data(
        [("outstanding", "has", "1"), ("share_paid_late", "gte", "lots")],
        name=mine.segment.name,
        priority=10,
        workflow=mine.workflow.pk,
    )
    response = client.post(url("segment_edit", mine.tenant, segment_id=mine.segment.pk), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rule 1: outstanding takes gte, lte, gt, lt, not &#x27;has&#x27;." in html
    assert "Rule 2: &#x27;lots&#x27; is not a number." in html
    assert snapshot(mine.tenant) == before


def test_a_segment_cannot_follow_another_tenants_workflow(client, mine, theirs, owner):
    client.force_login(owner)
    data = rule_data([], name="Sneaky", priority=1, workflow=theirs.workflow.pk)
    response = client.post(url("segment_create", mine.tenant), data)
    assert response.status_code == 200
    assert not Segment.objects.filter(name="Sneaky").exists()


def test_match_count_is_computed_on_the_server(client, mine, customers, teammate):
    client.force_login(teammate)
    count_url = url("segment_match_count", mine.tenant)
    assert client.post(count_url, rule_data([("tags", "has", "key-account")])).json() == {
        "count": 1,
        "errors": [],
    }
    assert client.post(count_url, rule_data([("outstanding", "gte", "1000")])).json()["count"] == 1
    assert client.post(count_url, rule_data([])).json()["count"] == 4
    result = client.post(count_url, rule_data([("country", "gte", "DE")])).json()
    assert result["count"] is None and result["errors"] == [
        "Rule 1: country takes eq, in, not 'gte'."
    ]


def test_match_count_sees_only_this_tenants_customers(client, mine, theirs, owner):
    client.force_login(owner)
    result = client.post(url("segment_match_count", mine.tenant), rule_data([])).json()
    assert result["count"] == 1


# --- outbox ----------------------------------------------------------------------------------


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


def test_a_pending_reminder_can_be_cancelled_until_a_worker_takes_it(client, mine, teammate):
    pending = make_dispatch(
        mine.tenant, mine.customer, [mine.invoice], key="p1", status=DispatchStatus.PLANNED
    )
    client.force_login(teammate)
    detail = url("dispatch_detail", mine.tenant, dispatch_id=pending.pk)
    assert 'id="cancel-dispatch"' in client.get(detail).content.decode()

    response = client.post(url("dispatch_cancel", mine.tenant, dispatch_id=pending.pk))
    assert response.status_code == 302 and response["Location"] == detail
    pending.refresh_from_db()
    assert pending.status == DispatchStatus.CANCELLED
    assert pending.reason == f"cancelled by {teammate.email}"
    assert events.Kind.REMINDER_CANCELLED in set(
        mine.customer.timeline.values_list("kind", flat=True)
    )

    # A reminder a worker has claimed, or one that left, is not cancelled.
    for status in (DispatchStatus.SENDING, DispatchStatus.SENT):
        Dispatch.objects.filter(pk=pending.pk).update(status=status)
        client.post(url("dispatch_cancel", mine.tenant, dispatch_id=pending.pk))
        assert Dispatch.objects.get(pk=pending.pk).status == status
        page = client.get(detail).content.decode()
        assert 'id="cancel-dispatch"' not in page and 'id="send-again"' not in page


def test_a_cancelled_reminder_is_not_planned_again_but_the_next_step_comes(
    client, tenant, teammate
):
    make_workflow(tenant)
    customer = make_customer(tenant, "C-9")
    make_invoice(tenant, customer, "INV-9", date(2026, 3, 10), "100.00")
    sweep.sweep(tenant, local("2026-03-17 08:00"))
    polite = Dispatch.objects.get(tenant=tenant, status=DispatchStatus.PLANNED)
    assert polite.template_key == "overdue-polite"
    client.force_login(teammate)
    client.post(url("dispatch_cancel", tenant, dispatch_id=polite.pk))

    sweep.sweep(tenant, local("2026-03-17 11:00"))
    sweep.sweep(tenant, local("2026-03-18 11:00"))
    reminders = Dispatch.objects.filter(tenant=tenant).exclude(status=DispatchStatus.SKIPPED)
    assert list(reminders.values_list("status", flat=True)) == [DispatchStatus.CANCELLED]
    sweep.sweep(tenant, local("2026-03-24 08:00"))
    assert list(
        Dispatch.objects.filter(tenant=tenant, status=DispatchStatus.PLANNED).values_list(
            "template_key", flat=True
        )
    ) == ["overdue-firm"]


def test_a_failed_reminder_goes_back_in_line_with_fresh_attempts(client, mine, teammate):
    failed = make_dispatch(
        mine.tenant, mine.customer, [mine.invoice], key="f1", status=DispatchStatus.FAILED,
        attempts=6, error="Email provider error (HTTP 401)",
    )
    client.force_login(teammate)
    client.post(url("dispatch_send_again", mine.tenant, dispatch_id=failed.pk))
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == (DispatchStatus.PLANNED, 0, "")
    assert failed.send_after <= timezone.now()

    # Sent reminders are not sent twice.
    client.post(url("dispatch_send_again", mine.tenant, dispatch_id=mine.dispatch.pk))
    assert Dispatch.objects.get(pk=mine.dispatch.pk).status == DispatchStatus.SENT


def test_viewers_cannot_cancel_or_resend(client, mine):
    viewer = make_member(mine.tenant, "viewer@acme.test", Role.VIEWER)
    pending = make_dispatch(
        mine.tenant, mine.customer, [mine.invoice], key="p1", status=DispatchStatus.PLANNED
    )
    client.force_login(viewer)
    assert 'id="cancel-dispatch"' not in client.get(
        url("dispatch_detail", mine.tenant, dispatch_id=pending.pk)
    ).content.decode()
    response = client.post(url("dispatch_cancel", mine.tenant, dispatch_id=pending.pk))
    assert response.status_code == 403
    assert Dispatch.objects.get(pk=pending.pk).status == DispatchStatus.PLANNED


# --- preview ---------------------------------------------------------------------------------


def test_preview_lists_the_reminders_of_the_coming_days(client, tenant, owner):
    make_workflow(tenant)
    customer = make_customer(tenant, "C-7", name="Brandt Maschinenbau")
    make_invoice(tenant, customer, "INV-7", today() + timedelta(days=5), "1200.00")
    client.force_login(owner)
    page = client.get(url("reminder_preview", tenant))
    rows = page.context["rows"]
    assert page.context["days"] == 14
    assert [row["template_key"] for row in rows] == [
        "courtesy-before-due",
        "due-today",
        "overdue-polite",
    ]
    assert {row["customer"] for row in rows} == {"Brandt Maschinenbau"}
    assert rows[0]["amount"] == Decimal("1200.00") and rows[0]["currencies"] == "EUR"
    assert str(rows[0]["on"].tzinfo) == "Europe/Berlin"
    html = page.content.decode()
    assert "Brandt Maschinenbau" in html and "1,200.00 EUR" in html
    short = client.get(url("reminder_preview", tenant), {"days": 3}).context["rows"]
    assert [row["template_key"] for row in short] == ["courtesy-before-due"]
    assert not Dispatch.objects.exists()


@pytest.mark.parametrize(("asked", "used"), [("90", 60), ("0", 1), ("abc", 14), ("30", 30)])
def test_preview_horizon_is_bounded(client, tenant, owner, asked, used):
    client.force_login(owner)
    assert client.get(url("reminder_preview", tenant), {"days": asked}).context["days"] == used


# --- customers -------------------------------------------------------------------------------


def test_customer_list_searches_and_shows_balances(client, mine, customers, theirs, owner):
    client.force_login(owner)

    def names(**params):
        page = client.get(url("customer_list", mine.tenant), params)
        return {c.name: c for c in page.context["customers"]}

    everyone = names()
    assert set(everyone) == {"Acme Customer", "Customer C-AT", "Customer C-BIG", "Customer C-KEY"}
    assert everyone["Acme Customer"].is_overdue
    assert not everyone["Customer C-BIG"].is_overdue
    [balance] = everyone["Customer C-BIG"].balances
    assert (balance["currency"], balance["outstanding"], balance["overdue"]) == (
        "EUR",
        Decimal("5000.00"),
        None,
    )
    ids = ",".join(str(c.pk) for c in everyone.values())
    cells = client.get(url("customer_workflows", mine.tenant), {"ids": ids}).content.decode()
    acme = everyone["Acme Customer"].pk
    assert f'<span id="workflow-of-{acme}" hx-swap-oob="true">Acme cadence</span>' in cells
    assert set(names(q="big")) == {"Customer C-BIG"}
    assert set(names(q="c-at")) == {"Customer C-AT"}
    assert set(names(overdue="1")) == {"Acme Customer"}


def test_customer_list_does_not_query_per_row(client, mine, owner, django_assert_max_num_queries):
    for n in range(30):
        customer = make_customer(mine.tenant, f"X-{n}")
        make_invoice(mine.tenant, customer, f"X-{n}", today() - timedelta(days=n))
    client.force_login(owner)
    # Fixed cost plus one query per segment for the workflow column, none per row.
    with django_assert_max_num_queries(16):
        response = client.get(url("customer_list", mine.tenant))
    assert len(response.context["customers"]) == 31


def test_customer_detail_shows_contacts_invoices_reminders_and_timeline(client, mine, owner):
    Contact.objects.create(
        tenant=mine.tenant,
        customer=mine.customer,
        name="Old Desk",
        email="old@x.test",
        phone="+4930999",
        opted_out_channels=["sms"],
        invalid_channels=["email"],
    )
    events.record(mine.customer, events.Kind.REPLY_RECEIVED, "Will pay Friday")
    make_invoice(mine.tenant, mine.customer, "Acme-2", today() + timedelta(days=2), "80.00")
    client.force_login(owner)
    page = client.get(url("customer_detail", mine.tenant, customer_id=mine.customer.pk))
    panel = client.get(url("customer_reminders_panel", mine.tenant, customer_id=mine.customer.pk))
    timeline = client.get(url("customer_timeline", mine.tenant, customer_id=mine.customer.pk))
    html = panel.content.decode()
    old = next(row for row in panel.context["contact_points"] if row["contact"].name == "Old Desk")
    flags = {ch["channel"]: (ch["opted_out"], ch["invalid"]) for ch in old["channels"]}
    assert flags == {
        "email": (False, True),
        "sms": (True, False),
        "whatsapp": (False, False),
        "voice": (False, False),
    }
    assert [i.number for i in page.context["invoices"]] == ["Acme-1", "Acme-2"]
    assert page.context["totals"] == [
        {"currency": "EUR", "outstanding": Decimal("580.00"), "overdue": Decimal("500.00")}
    ]
    assert "Acme reminder" in html
    assert "Will pay Friday" in timeline.content.decode()
    upcoming = {row["template_key"] for row in panel.context["upcoming"]}
    assert "due-today" in upcoming
    assert "opted out" in html and "invalid" in html


def test_customer_detail_upcoming_shows_only_this_customer(client, mine, customers, owner):
    client.force_login(owner)
    austria, rich = customers
    make_invoice(mine.tenant, austria, "AT-1", today() + timedelta(days=6))
    page = client.get(url("customer_reminders_panel", mine.tenant, customer_id=austria.pk))
    assert {row["customer_id"] for row in page.context["upcoming"]} == {austria.pk}
    page = client.get(url("customer_reminders_panel", mine.tenant, customer_id=rich.pk))
    assert page.context["upcoming"] == []


def test_nav_links_every_page(client, mine, owner):
    client.force_login(owner)
    html = client.get(url("outbox", mine.tenant)).content.decode()
    for name in (
        "overview",
        "customer_list",
        "outbox",
        "workflow_list",
        "template_list",
        "segment_list",
        "reminder_preview",
    ):
        assert f'href="{url(name, mine.tenant)}"' in html


def test_members_only_see_their_own_role_specific_buttons(client, mine, owner, teammate):
    client.force_login(teammate)
    assert b"New workflow" not in client.get(url("workflow_list", mine.tenant)).content
    client.force_login(owner)
    assert b"New workflow" in client.get(url("workflow_list", mine.tenant)).content


def test_a_collector_resumes_a_customer_held_after_a_reply(client, mine, teammate):
    Customer.objects.filter(pk=mine.customer.pk).update(
        reminders_on_hold=True, reminders_hold_reason="Replied to a reminder"
    )
    client.force_login(teammate)
    page = client.get(url("customer_reminders_panel", mine.tenant, customer_id=mine.customer.pk))
    assert "Resume reminders" in page.content.decode()
    response = client.post(url("customer_resume", mine.tenant, customer_id=mine.customer.pk))
    assert response.status_code == 302
    mine.customer.refresh_from_db()
    assert not mine.customer.reminders_on_hold
    assert mine.customer.timeline.filter(kind=events.Kind.REMINDERS_RESUMED).count() == 1


def test_resuming_lets_reminders_that_waited_on_the_hold_go_at_the_next_release(
    client, mine, teammate
):
    Customer.objects.filter(pk=mine.customer.pk).update(reminders_on_hold=True)
    waiting = make_dispatch(
        mine.tenant, mine.customer, [mine.invoice], key="w", status=DispatchStatus.PLANNED,
    )
    Dispatch.objects.filter(pk=waiting.pk).update(send_after=waiting.due_at + timedelta(days=1))
    client.force_login(teammate)
    client.post(url("customer_resume", mine.tenant, customer_id=mine.customer.pk))
    assert Dispatch.objects.get(pk=waiting.pk).send_after == waiting.due_at


def reminders_post(**changes) -> dict:
    data = {"workflow": "", "reminders_paused_until": "", "opted_out_channels": []}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_collector_pauses_pins_and_opts_a_customer_out(client, mine, teammate):
    customer = mine.customer
    waiting = make_dispatch(
        mine.tenant, customer, [mine.invoice], key="w", status=DispatchStatus.PLANNED,
    )
    Dispatch.objects.filter(pk=waiting.pk).update(send_after=waiting.due_at + timedelta(days=9))
    client.force_login(teammate)
    target = url("customer_reminders", mine.tenant, customer_id=customer.pk)
    until = today() + timedelta(days=10)
    response = client.post(
        target,
        reminders_post(
            workflow=mine.workflow.pk, reminders_paused_until=until.isoformat(),
            opted_out_channels=["sms", "voice"],
        ),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert pinned_workflow(customer) == mine.workflow and customer.reminders_paused_until == until
    assert customer.opted_out_channels == ["sms", "voice"] and not customer.do_not_contact
    entry = customer.timeline.get(kind=events.Kind.REMINDERS_CHANGED)
    assert entry.message == (
        f"Reminders changed by {teammate.email}: workflow pinned to {mine.workflow.name}; "
        f"paused until {until:%d %b %Y}; no reminders by sms, voice"
    )
    # The sweep places the customer's invoices on the pinned workflow again.
    assert ReminderPosition.objects.get(invoice=mine.invoice).next_at == (
        ReminderPosition.AT_NEXT_SWEEP
    )
    # Lifting the pause early lets what waited go at the next release.
    client.post(target, reminders_post(workflow=mine.workflow.pk))
    assert Dispatch.objects.get(pk=waiting.pk).send_after == waiting.due_at
    assert customer.timeline.filter(kind=events.Kind.REMINDERS_CHANGED).first().message.endswith(
        "pause lifted; every channel allowed"
    )


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"reminders_paused_until": "2001-01-01"}, "Give today or a later day"),
        ({"reminders_paused_until": "tomorrow"}, "Enter a valid date."),
        ({"opted_out_channels": ["fax"]}, "Select a valid choice."),
        ({"opted_out_channels": ["task"]}, "Select a valid choice."),
    ],
)
def test_bad_reminder_changes_for_a_customer_change_nothing(
    client, mine, teammate, changes, message
):
    client.force_login(teammate)
    response = client.post(
        url("customer_reminders", mine.tenant, customer_id=mine.customer.pk),
        reminders_post(**changes),
    )
    assert response.status_code == 400 and message in response.content.decode()
    mine.customer.refresh_from_db()
    assert mine.customer.reminders_paused_until is None and mine.customer.opted_out_channels == []
    assert not mine.customer.timeline.filter(kind=events.Kind.REMINDERS_CHANGED).exists()


def test_a_customer_cannot_be_pinned_to_another_tenants_workflow(client, mine, theirs, teammate):
    client.force_login(teammate)
    response = client.post(
        url("customer_reminders", mine.tenant, customer_id=mine.customer.pk),
        reminders_post(workflow=theirs.workflow.pk),
    )
    assert response.status_code == 400
    mine.customer.refresh_from_db()
    assert pinned_workflow(mine.customer) is None


def test_a_reminder_sent_by_hand_leaves_through_the_gate_and_the_worker(client, tenant, teammate):
    make_workflow(tenant)
    customer = make_customer(tenant, "C-5", name="Brandt Maschinenbau")
    first = make_invoice(tenant, customer, "INV-5", date(2026, 3, 10), "100.00")
    second = make_invoice(tenant, customer, "INV-6", date(2026, 3, 8), "250.00")
    client.force_login(teammate)
    response = client.post(
        url("customer_send_now", tenant, customer_id=customer.pk),
        {"channel": "email", "template_key": "statement", "tone": "reminder"},
    )
    dispatch = Dispatch.objects.get(tenant=tenant)
    assert response["Location"] == url("dispatch_detail", tenant, dispatch_id=dispatch.pk)
    assert (dispatch.template_key, dispatch.status) == ("statement", DispatchStatus.PLANNED)
    assert set(dispatch.lines.values_list("invoice_id", flat=True)) == {first.pk, second.pk}
    assert customer.timeline.filter(kind=events.Kind.REMINDER_REQUESTED).exists()

    # On this scenario's clock it was asked for on Tuesday 17 March, 09:55.
    Dispatch.objects.filter(pk=dispatch.pk).update(
        due_at=local("2026-03-17 09:55"), send_after=local("2026-03-17 09:55")
    )
    # A sweep whose invoices move on does not supersede it; the release and worker send it.
    sweep.sweep(tenant, local("2026-03-17 10:00"))
    assert Dispatch.objects.get(pk=dispatch.pk).status == DispatchStatus.PLANNED
    [sent] = [d for d in run(tenant, local("2026-03-17 10:00")) if d.pk == dispatch.pk]
    sent.refresh_from_db()
    assert sent.status == DispatchStatus.SENT
    assert "INV-5" in sent.body_text and "INV-6" in sent.body_text


def test_a_reminder_by_hand_still_keeps_to_do_not_contact(client, tenant, teammate):
    customer = make_customer(tenant, "C-5", do_not_contact=True)
    make_invoice(tenant, customer, "INV-5", date(2026, 3, 10))
    client.force_login(teammate)
    client.post(
        url("customer_send_now", tenant, customer_id=customer.pk),
        {"channel": "sms", "template_key": "overdue-firm", "tone": "firm"},
    )
    Dispatch.objects.update(send_after=local("2026-03-17 09:55"))
    assert run(tenant, local("2026-03-17 10:00")) == []
    assert Dispatch.objects.get(tenant=tenant).status == DispatchStatus.BLOCKED


@pytest.mark.parametrize(
    "data, message",
    [
        ({"channel": "fax", "template_key": "statement", "tone": "reminder"}, "valid choice"),
        ({"channel": "email", "template_key": "nope", "tone": "reminder"}, "valid choice"),
        ({"channel": "email", "template_key": "statement", "tone": "angry"}, "valid choice"),
        ({"channel": "email", "template_key": "statement", "tone": "reminder", "paid": 1},
         "Nothing is open for this customer"),
    ],
)
def test_a_bad_reminder_by_hand_writes_nothing(client, tenant, teammate, data, message):
    customer = make_customer(tenant, "C-5")
    invoice = make_invoice(tenant, customer, "INV-5", date(2026, 3, 10))
    if data.pop("paid", None):
        Invoice.objects.filter(pk=invoice.pk).update(status="paid", balance=0)
    client.force_login(teammate)
    response = client.post(url("customer_send_now", tenant, customer_id=customer.pk), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Dispatch.objects.exists()
    assert not customer.timeline.filter(kind=events.Kind.REMINDER_REQUESTED).exists()


def test_a_viewer_cannot_resume_reminders(client, mine):
    viewer = make_member(mine.tenant, "viewer@acme.test", Role.VIEWER)
    Customer.objects.filter(pk=mine.customer.pk).update(reminders_on_hold=True)
    client.force_login(viewer)
    page = client.get(url("customer_reminders_panel", mine.tenant, customer_id=mine.customer.pk))
    assert "Resume reminders" not in page.content.decode()
    assert 'id="customer-reminders-form"' not in page.content.decode()
    response = client.post(url("customer_resume", mine.tenant, customer_id=mine.customer.pk))
    assert response.status_code == 403
    response = client.post(
        url("customer_reminders", mine.tenant, customer_id=mine.customer.pk),
        reminders_post(do_not_contact="on"),
    )
    assert response.status_code == 403
    mine.customer.refresh_from_db()
    assert mine.customer.reminders_on_hold
