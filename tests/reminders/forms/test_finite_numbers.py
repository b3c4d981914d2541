"""No number typed into a page may be NaN or infinite: every numeric field of every form,
found by walking the form modules, refuses them, and so do the pages that post them."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms

import reminders.forms
from kapittx.tenancy import scoped
from reminders.models import ReminderSettings, Step, Workflow
from tests.reminders.forms.test_step_bounds import post, saved
from tests.reminders.pages import url

NOT_FINITE = ["NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "1e999999"]
#: Modules that hold the forms of the product's pages, besides ``reminders.forms``.
FORM_MODULES = [
    "collections_app.portal.forms",
    "reminders.channels.account_form",
    "reminders.channels.email.settings_form",
    "reminders.channels.twilio.settings_form",
]
NUMERIC = (forms.IntegerField, forms.DecimalField, forms.FloatField)


def numeric_fields() -> list[tuple[str, str, forms.Field]]:
    names = [
        f"reminders.forms.{info.name}" for info in pkgutil.iter_modules(reminders.forms.__path__)
    ] + FORM_MODULES
    found = {}
    for name in names:
        for form in vars(importlib.import_module(name)).values():
            if inspect.isclass(form) and issubclass(form, forms.BaseForm):
                for field_name, field in getattr(form, "base_fields", {}).items():
                    if isinstance(field, NUMERIC):
                        found[(form.__name__, field_name)] = field
    return [(form, name, field) for (form, name), field in sorted(found.items())]


FIELDS = numeric_fields()


def test_the_walk_finds_the_numeric_inputs():
    names = {(form, field) for form, field, _ in FIELDS}
    assert {
        ("StepForm", "min_amount"),
        ("StepForm", "offset_days"),
        ("WorkflowForm", "repeat_every_days"),
        ("SegmentForm", "priority"),
        ("ReminderSettingsForm", "min_days_between"),
        ("ReminderSettingsForm", "portal_link_days"),
        ("PromiseForm", "amount"),
    } <= names


@pytest.mark.parametrize("value", NOT_FINITE)
@pytest.mark.parametrize(("form", "name", "field"), FIELDS, ids=[f"{f}.{n}" for f, n, _ in FIELDS])
def test_every_numeric_field_refuses_what_is_not_a_finite_number(form, name, field, value):
    with pytest.raises(forms.ValidationError):
        field.clean(value)


@pytest.mark.parametrize("value", ["NaN", "Infinity"])
def test_the_workflow_page_refuses_them_and_saves_nothing(client, tenant, owner, value):
    standard = scoped(Workflow, tenant).get(name="Standard")
    before = saved(tenant)
    for changes in (
        {"steps-0-min_amount": value},
        {"steps-0-offset_days": value},
        {"repeat_every_days": value},
    ):
        response = post(client, owner, standard, **changes)
        assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert saved(tenant) == before
    assert not scoped(Step, tenant).filter(min_amount__isnull=True).exists()


@pytest.mark.parametrize("value", ["NaN", "-Infinity"])
def test_the_settings_page_refuses_them(client, tenant, owner, value):
    client.force_login(owner)
    page = client.get(url("reminder_settings", tenant))
    assert 'data-field="portal_link_days"' in page.content.decode()
    data = {
        name: value
        for name, value in page.context["form"].initial.items()
        if value is not None and not isinstance(value, bool)
    }
    data.update({"section": "settings", "send_weekdays": [1, 2], "portal_link_days": "30"})
    assert client.post(url("reminder_settings", tenant), data).status_code == 302
    assert ReminderSettings.objects.get(tenant=tenant).portal_link_days == 30

    response = client.post(url("reminder_settings", tenant), {**data, "portal_link_days": value})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["portal_link_days"]
    assert ReminderSettings.objects.get(tenant=tenant).portal_link_days == 30
