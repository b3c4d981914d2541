"""The forms that add a webhook endpoint and change one's events and description."""

from django import forms

from integrations.outgoing.catalogue import EVENT_TYPES
from integrations.outgoing.subscriptions import MAX_DESCRIPTION_LENGTH, MAX_URL_LENGTH


class EndpointChangeForm(forms.Form):
    description = forms.CharField(
        required=False, max_length=MAX_DESCRIPTION_LENGTH, label="Description"
    )
    event_types = forms.MultipleChoiceField(
        choices=[(event, f"{event} — {meaning}") for event, meaning in EVENT_TYPES.items()],
        widget=forms.CheckboxSelectMultiple,
        label="Events",
        error_messages={"required": "Choose at least one event."},
    )


class EndpointForm(EndpointChangeForm):
    url = forms.URLField(
        max_length=MAX_URL_LENGTH,
        assume_scheme="https",
        label="Endpoint URL",
        help_text="Where Kapittx POSTs the events, e.g. https://example.com/kapittx/webhooks.",
    )
    field_order = ["url", "description", "event_types"]
