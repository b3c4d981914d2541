"""The ready template library and the default workflow every new tenant gets."""

from datetime import time

import pytest

from kapittx.models import Tenant
from kapittx.onboarding import create_tenant
from kapittx.tenancy import scoped
from reminders.messages.render import PARTS, validate_template
from reminders.models import ReminderSettings, Step, Template, Tone, Workflow
from reminders.setup.library import (
    DEFAULT_STEPS,
    KEYS,
    install_default_workflow,
    install_library,
    languages,
    library,
)


def test_the_library_has_every_key_in_english_and_german():
    assert {"en", "de"} <= set(languages())
    have = {(t.key, t.language) for t in library()}
    for language in ("en", "de"):
        assert {key for key, lang in have if lang == language} == set(KEYS)


@pytest.mark.parametrize("ready", library(), ids=lambda t: f"{t.key}-{t.language}")
def test_every_ready_template_passes_the_checks(ready):
    template = Template(
        key=ready.key,
        language=ready.language,
        name=ready.name,
        **{part: getattr(ready, part) for part in PARTS},
    )
    validate_template(template)
    assert ready.subject and ready.body_text and ready.voice_script
    if ready.key != "call-customer":  # a task for a member: no email body, no SMS
        assert ready.body_html.startswith("<!DOCTYPE html>") and ready.short_text
        assert "{{ tenant.brand_color }}" in ready.body_html
        assert "{{ portal_link }}" in ready.body_html and "portal_link" in ready.short_text
    assert "[[" not in "".join(getattr(ready, part) for part in PARTS)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_final_notice_names_the_next_step_without_threats(language):
    final = next(t for t in library() if (t.key, t.language) == ("final-notice", language))
    word = "collection agency" if language == "en" else "Inkassounternehmen"
    assert word in final.body_text and word in final.body_html


def test_a_new_tenant_gets_the_library_and_the_standard_workflow(db):
    tenant = create_tenant("initech", "Initech AG", language="de")

    templates = scoped(Template, tenant)
    assert templates.count() == len(library())
    assert set(templates.values_list("key", flat=True)) == set(KEYS)

    workflow = scoped(Workflow, tenant).get()
    assert (workflow.name, workflow.is_default) == ("Standard", True)
    assert (workflow.repeat_every_days, workflow.repeat_max_times) == (14, 3)
    steps = scoped(Step, tenant).filter(workflow=workflow)
    assert [(s.offset_days, s.channel, s.template_key, s.tone) for s in steps] == list(
        DEFAULT_STEPS
    )

    options = ReminderSettings.objects.get(tenant=tenant)
    assert (options.weekdays(), options.send_from, options.send_until) == (
        [1, 2, 3, 4, 5],
        time(9),
        time(17),
    )
    assert options.sender_name == "Initech AG"


def test_every_step_of_the_default_workflow_has_its_template(tenant):
    keys = set(scoped(Template, tenant).values_list("key", flat=True))
    assert {key for _, _, key, _ in DEFAULT_STEPS} <= keys
    tones = [tone for _, _, _, tone in DEFAULT_STEPS]
    assert tones[0] == Tone.COURTESY and tones[-1] == Tone.FINAL


def test_installing_again_creates_nothing(tenant):
    assert scoped(Template, tenant).count() == len(library())
    assert install_library(tenant) == 0
    assert install_default_workflow(tenant) is None
    assert scoped(Workflow, tenant).count() == 1


def test_an_edited_template_is_never_overwritten_and_a_deleted_one_comes_back(tenant):
    scoped(Template, tenant).filter(key="overdue-firm", language="en").update(
        subject="Our own words"
    )
    scoped(Template, tenant).filter(key="statement", language="de").delete()

    assert install_library(tenant) == 1

    assert scoped(Template, tenant).get(key="overdue-firm", language="en").subject == (
        "Our own words"
    )
    assert scoped(Template, tenant).filter(key="statement", language="de").exists()


def test_a_tenant_with_its_own_workflow_keeps_it(tenant):
    scoped(Workflow, tenant).delete()
    Workflow.objects.create(tenant=tenant, name="Ours", is_default=True)
    ReminderSettings.objects.filter(tenant=tenant).delete()

    assert install_default_workflow(tenant) is None

    assert list(scoped(Workflow, tenant).values_list("name", flat=True)) == ["Ours"]
    assert ReminderSettings.objects.filter(tenant=tenant).exists()


def test_saving_an_existing_tenant_installs_nothing_more(tenant):
    scoped(Template, tenant).filter(key="thank-you").delete()
    tenant.name = "Acme Trading AG"
    tenant.save()
    assert not scoped(Template, tenant).filter(key="thank-you").exists()


def test_each_tenant_has_its_own_copy(tenant, other_tenant):
    scoped(Template, other_tenant).filter(key="due-today").update(subject="Globex words")
    assert not scoped(Template, tenant).filter(subject="Globex words").exists()
    assert scoped(Template, tenant).count() == scoped(Template, other_tenant).count()
    assert Tenant.objects.count() == 2
