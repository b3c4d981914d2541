"""Writing templates: every save is checked first, so a broken template is never stored, nor
a template without a subject, nor one missing the part a step of its key sends."""

from django.utils import timezone

from kapittx.tenancy import scoped
from reminders.channels.registry import CHANNELS
from reminders.messages.render import PARTS, validate_template
from reminders.messages.sandbox import TemplateError
from reminders.models import Step, Template

#: How to ask for a part a channel sends.
PART_NAMES = {
    "body_html": "an HTML body",
    "body_text": "a text body",
    "short_text": "a short text",
    "voice_script": "a voice script",
}


def save_template(template: Template) -> Template:
    """Check the fields, the parts that must not be empty and every part, then save; the one
    way templates are written."""
    template.full_clean()
    errors = missing_parts(template)
    try:
        validate_template(template)
    except TemplateError as exc:
        for part, messages in exc.message_dict.items():
            errors.setdefault(part, []).extend(messages)
    if errors:
        raise TemplateError(errors)
    template.updated_at = timezone.now()
    template.save()
    return template


def missing_parts(template: Template) -> dict[str, list[str]]:
    """Return ``{part: [why]}`` for the parts ``template`` leaves empty but must have: the
    subject, and what each channel of the tenant's steps using its key sends."""
    errors: dict[str, list[str]] = {}
    if not template.subject.strip():
        errors["subject"] = ["A template needs a subject."]
    used_by = set(
        scoped(Step, template.tenant_id)
        .filter(template_key=template.key)
        .values_list("channel", flat=True)
    )
    for kind, spec in CHANNELS.items():
        # A task goes to a member, whom its subject tells enough; a customer needs a message.
        if kind not in used_by or spec.point is None:
            continue
        sent = [part for part in reversed(spec.parts) if part]
        if not any(getattr(template, part).strip() for part in sent):
            names = " or ".join(PART_NAMES[part] for part in sent)
            errors.setdefault(sent[0], []).append(
                f"{spec.label} steps send this template: give it {names}."
            )
    return errors


def copy_template(source: Template, language: str) -> Template:
    """Save a copy of ``source`` in ``language``; raise ValidationError if it cannot be."""
    copy = Template(
        tenant_id=source.tenant_id,
        key=source.key,
        language=language,
        name=source.name,
        **{part: getattr(source, part) for part in PARTS},
    )
    return save_template(copy)
