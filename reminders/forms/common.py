"""What the reminder pages' forms share."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from reminders.models import Template


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put ``error``'s messages next to the form's fields, the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        for message in messages:
            form.add_error(target, message)


def template_keys(tenant: Tenant) -> list[str]:
    """Return the template keys ``tenant`` has, in any language."""
    return list(scoped(Template, tenant).order_by("key").values_list("key", flat=True).distinct())
