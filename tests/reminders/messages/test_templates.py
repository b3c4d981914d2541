"""Saving a template: every part is checked first, and a failing one is refused by name and
line with nothing saved — a hostile one too, within the check's render budget."""

import pytest
from django.core.exceptions import ValidationError

from reminders.messages.limits import SOURCE_MAX_CHARS
from reminders.messages.sandbox import TemplateError
from reminders.messages.templates import save_template
from reminders.models import Template
from tests.reminders.messages.hostile import PAYLOADS, timed
from tests.reminders.messages.sample import draft


def test_an_unknown_variable_is_refused_by_name_and_nothing_is_saved(tenant):
    before = Template.objects.count()
    with pytest.raises(ValidationError) as caught:
        save_template(draft(tenant, subject="Hi {{ customer.name }}", body_text="Hi {{ foo }}"))
    assert caught.value.message_dict == {
        "body_text": ["Unknown variable: 'foo' is undefined (line 1)"]
    }
    assert Template.objects.count() == before


def test_a_misspelt_field_names_the_variable_and_the_line(tenant):
    with pytest.raises(TemplateError) as caught:
        save_template(draft(tenant, body_html="<p>Hello</p>\n<p>{{ customer.nmae }}</p>"))
    assert caught.value.message_dict["body_html"] == [
        "Unknown variable: customer has no field 'nmae' (line 2)"
    ]


def test_a_syntax_error_is_refused_with_its_line(tenant):
    with pytest.raises(TemplateError) as caught:
        save_template(draft(tenant, short_text="Hi\n{% if totals %}\n{{ totals|money }"))
    (reason,) = caught.value.message_dict["short_text"]
    assert reason.startswith("Syntax error on line 3:")


def test_an_unknown_filter_is_refused(tenant):
    with pytest.raises(TemplateError, match="No filter named 'shout'"):
        save_template(draft(tenant, subject="{{ customer.name|shout }}"))


def test_every_failing_part_is_reported(tenant):
    with pytest.raises(TemplateError) as caught:
        save_template(draft(tenant, subject="{{ nope }}", voice_script="{% for %}"))
    assert set(caught.value.message_dict) == {"subject", "voice_script"}


def test_a_template_that_needs_a_single_currency_is_refused(tenant):
    # total_due is empty for customers billed in two currencies; totals always works.
    with pytest.raises(TemplateError, match="several currencies"):
        save_template(draft(tenant, subject="Owed", body_text="You owe {{ total_due|money }}."))
    save_template(draft(tenant, subject="Owed", body_text="You owe {{ totals|money }}."))


def test_a_valid_template_is_saved_with_a_fresh_timestamp(tenant):
    template = save_template(draft(tenant, subject="Hi {{ customer.name }}"))
    template.refresh_from_db()
    assert template.pk and template.updated_at


def test_a_duplicate_key_and_language_is_a_field_error_not_a_crash(tenant):
    save_template(draft(tenant, subject="One"))
    with pytest.raises(ValidationError):
        save_template(draft(tenant, subject="Two"))


@pytest.mark.parametrize("source", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_hostile_template_is_refused_at_save_within_its_budget(tenant, source):
    before = Template.objects.count()
    with timed(), pytest.raises(TemplateError) as caught:
        save_template(draft(tenant, subject="Hello", body_text=source))
    (reason,) = caught.value.message_dict["body_text"]
    assert reason.startswith("Over a limit:"), reason
    assert Template.objects.count() == before


def test_a_part_over_the_size_cap_is_refused_by_name(tenant):
    long = "x" * (SOURCE_MAX_CHARS + 10)
    with pytest.raises(TemplateError) as caught:
        save_template(draft(tenant, subject="Hello", body_html=long, body_text=long[:100]))
    assert caught.value.message_dict == {
        "body_html": ["Over a limit: the part has 65,546 characters; at most 65,536 are allowed"]
    }


def test_a_slow_part_costs_the_check_one_budget_not_one_a_part(tenant):
    slow = PAYLOADS["calls doubling"]
    template = draft(tenant, subject=slow, body_html=slow, body_text=slow, short_text=slow)
    with timed(), pytest.raises(TemplateError) as caught:
        save_template(template)
    assert caught.value.message_dict == {
        "subject": ["Over a limit: rendering took longer than 1 s (line 1)"]
    }
