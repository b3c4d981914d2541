"""The form that makes an API key."""

from django import forms

from integrations.api.models import Scope


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=50, help_text="Which system uses it, e.g. “Xero sync” or “ERP nightly”."
    )
    scope = forms.ChoiceField(
        choices=Scope.choices,
        initial=Scope.WRITE,
        help_text="A read key can list and fetch; only a write key can create or change.",
    )
