"""The form that adds a webhook endpoint."""

from django import forms

from integrations.outgoing.catalogue import EVENT_TYPES
from integrations.outgoing.subscriptions import MAX_URL_LENGTH


class EndpointForm(forms.Form):
    url = forms.URLField(
        max_length=MAX_URL_LENGTH,
        assume_scheme="https",
        label="Endpoint URL",
        help_text="Where Kapittx POSTs the events, e.g. https://example.com/kapittx/webhooks.",
    )
    description = forms.CharField(required=False, max_length=200, label="Description")
    event_types = forms.MultipleChoiceField(
        choices=[(event, f"{event} — {meaning}") for event, meaning in EVENT_TYPES.items()],
        widget=forms.CheckboxSelectMultiple,
        label="Events",
        error_messages={"required": "Choose at least one event."},
    )
