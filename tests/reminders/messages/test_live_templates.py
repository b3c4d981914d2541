"""Saving templates: every template has a subject, and a template a step uses has the part
that step's channel sends."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from reminders.messages.templates import copy_template, save_template
from reminders.models import Step, Template, Tone, Workflow
from reminders.setup.library import install_library, library


def draft(tenant: Tenant, key: str = "custom", **parts) -> Template:
    return Template(tenant=tenant, key=key, language="en", name="Custom", **parts)


def use(tenant: Tenant, channel: str, key: str = "custom", offset: int = 1) -> Step:
    """Let a step of ``tenant`` send template ``key`` by ``channel``."""
    workflow, _ = Workflow.objects.get_or_create(tenant=tenant, name="Live")
    return Step.objects.create(
        tenant=tenant,
        workflow=workflow,
        offset_days=offset,
        channel=channel,
        template_key=key,
        tone=Tone.REMINDER,
    )


def refused(template: Template) -> dict[str, list[str]]:
    """Return why ``template`` is refused, checking nothing was saved."""
    before = Template.objects.count()
    with pytest.raises(ValidationError) as caught:
        save_template(template)
    assert Template.objects.count() == before
    return caught.value.message_dict


@pytest.mark.parametrize("subject", ["", "  \n "], ids=["empty", "blank"])
def test_a_template_without_a_subject_is_refused(tenant, subject):
    assert refused(draft(tenant, subject=subject, body_text="Please pay.")) == {
        "subject": ["A template needs a subject."]
    }


def test_a_template_no_step_uses_needs_only_a_subject(tenant, other_tenant):
    use(other_tenant, "sms")  # another tenant's steps do not make it live here
    template = save_template(draft(tenant, subject="Open invoices"))
    assert template.pk


@pytest.mark.parametrize(
    "channel, part, message",
    [
        (
            "email",
            "body_text",
            "Email steps send this template: give it a text body or an HTML body.",
        ),
        ("sms", "short_text", "SMS steps send this template: give it a short text."),
        ("whatsapp", "short_text", "WhatsApp steps send this template: give it a short text."),
        ("voice", "voice_script", "Voice call steps send this template: give it a voice script."),
    ],
    ids=["email", "sms", "whatsapp", "voice"],
)
def test_a_live_template_needs_the_part_its_steps_send(tenant, channel, part, message):
    use(tenant, channel)
    others = {"body_html": "<p>Hi</p>", "body_text": "Hi", "short_text": "Hi", "voice_script": "Hi"}
    email_parts = ("body_html", "body_text") if channel == "email" else (part,)
    parts = {name: text for name, text in others.items() if name not in email_parts}
    assert refused(draft(tenant, subject="Overdue", **parts)) == {part: [message]}
    blank = dict.fromkeys(email_parts, " \n")
    assert refused(draft(tenant, subject="Overdue", **parts, **blank)) == {part: [message]}


@pytest.mark.parametrize("part", ["body_html", "body_text"])
def test_an_email_step_is_content_with_either_body(tenant, part):
    use(tenant, "email")
    assert save_template(draft(tenant, subject="Overdue", **{part: "Please pay."})).pk


def test_a_task_step_is_content_with_the_subject(tenant):
    use(tenant, "task")
    assert save_template(draft(tenant, subject="Call {{ customer.name }}")).pk


def test_every_channel_of_the_key_counts(tenant):
    use(tenant, "email", offset=1)
    use(tenant, "sms", offset=2)
    assert refused(draft(tenant, subject="Overdue", body_text="Please pay.")) == {
        "short_text": ["SMS steps send this template: give it a short text."]
    }


def test_emptying_a_live_template_is_refused_and_the_stored_one_kept(tenant):
    use(tenant, "sms")
    template = save_template(draft(tenant, subject="Overdue", short_text="Please pay."))
    template.short_text = ""
    assert refused(template) == {
        "short_text": ["SMS steps send this template: give it a short text."]
    }
    template.refresh_from_db()
    assert template.short_text == "Please pay."


def test_a_missing_part_and_a_broken_part_are_reported_together(tenant):
    use(tenant, "sms")
    errors = refused(draft(tenant, subject="", body_text="Hi {{ nobody }}"))
    assert set(errors) == {"subject", "short_text", "body_text"}


def test_a_copy_in_another_language_is_checked_the_same_way(tenant):
    source = scoped(Template, tenant).get(key="overdue-firm", language="en")
    copy = copy_template(source, "fr")
    assert (copy.subject, copy.short_text) == (source.subject, source.short_text)


def test_the_ready_library_installs_where_the_standard_workflow_already_uses_it(tenant):
    steps = scoped(Step, tenant)
    assert {"email", "sms", "task"} <= set(steps.values_list("channel", flat=True))
    scoped(Template, tenant).delete()
    assert install_library(tenant) == len(library())


@pytest.mark.parametrize("ready", library(), ids=lambda t: f"{t.key}-{t.language}")
def test_every_ready_template_would_serve_the_standard_steps_of_its_key(tenant, ready):
    # create_tenant installed the library before the Standard workflow; install it again
    # now that the workflow's steps use it.
    scoped(Template, tenant).filter(key=ready.key, language=ready.language).delete()
    assert install_library(tenant) == 1


def editor_url(template: Template) -> str:
    return reverse(
        "template_edit", kwargs={"tenant_slug": template.tenant.slug, "template_id": template.pk}
    )


def test_the_editor_shows_the_missing_part_next_to_it(client, tenant, owner):
    template = scoped(Template, tenant).get(key="overdue-firm", language="en")  # email and SMS
    client.force_login(owner)
    data = {
        "name": template.name,
        "subject": "",
        "body_html": "",
        "body_text": "",
        "short_text": "",
        "voice_script": template.voice_script,
    }
    response = client.post(editor_url(template), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "subject": ["A template needs a subject."],
        "body_text": ["Email steps send this template: give it a text body or an HTML body."],
        "short_text": ["SMS steps send this template: give it a short text."],
    }
    assert "Not saved" in response.content.decode()
    stored = Template.objects.get(pk=template.pk)
    assert stored.subject and stored.short_text and stored.body_text


def test_a_new_key_starts_with_its_name_as_subject(client, tenant, owner):
    client.force_login(owner)
    response = client.post(
        reverse("template_create", kwargs={"tenant_slug": tenant.slug}),
        {"key": "gentle", "language": "en", "name": "Gentle nudge"},
    )
    template = scoped(Template, tenant).get(key="gentle")
    assert response.url == editor_url(template)
    assert template.subject == "Gentle nudge"
