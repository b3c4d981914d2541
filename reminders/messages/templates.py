"""Writing templates: every save is checked first, so a broken template is never stored."""

from django.utils import timezone

from reminders.messages.render import PARTS, validate_template
from reminders.models import Template


def save_template(template: Template) -> Template:
    """Check the fields and every part, then save; the one way templates are written."""
    template.full_clean()
    validate_template(template)
    template.updated_at = timezone.now()
    template.save()
    return template



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
