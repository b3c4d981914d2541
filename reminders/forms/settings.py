"""Forms of the reminder settings page: when and as whom reminders go, and the tenant's
defaults. The provider account forms live with their channels."""

import re
from zoneinfo import available_timezones

from django import forms
from django.core.exceptions import ValidationError

from kapittx.models import Tenant
from reminders.models import ReminderSettings

WEEKDAYS = [
    (1, "Monday"),
    (2, "Tuesday"),
    (3, "Wednesday"),
    (4, "Thursday"),
    (5, "Friday"),
    (6, "Saturday"),
    (7, "Sunday"),
]
#: Settings that decide when a reminder may leave.
TIMING_FIELDS = (
    "sending_enabled",
    "send_weekdays",
    "send_from",
    "send_until",
    "skip_public_holidays",
    "min_days_between",
)


class ReminderSettingsForm(forms.ModelForm):
    send_weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        label="Days reminders may go out",
        error_messages={"required": "Choose at least one day."},
    )

    class Meta:
        model = ReminderSettings
        fields = [
            *TIMING_FIELDS,
            "sender_name",
            "sender_email",
            "reply_to",
            "brand_color",
            "signature",
            "portal_link_days",
        ]
        labels = {
            "sending_enabled": "Send reminders",
            "send_from": "From (customer's local time)",
            "send_until": "Until",
            "skip_public_holidays": "Not on public holidays of the customer's country",
            "min_days_between": "Days between reminders to one customer",
            "sender_name": "Sender name",
            "sender_email": "Sender address",
            "reply_to": "Replies go to",
            "brand_color": "Brand colour",
            "signature": "Signature",
            "portal_link_days": "Days a payment-page link works",
        }
        help_texts = {
            "sending_enabled": "Switched off, reminders are still planned but wait until it is "
            "switched on again.",
            "sender_email": "Its domain must be verified with your email provider. Empty: the "
            "platform's address, with your sender name.",
        }
        widgets = {
            "send_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "send_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "brand_color": forms.TextInput(attrs={"type": "color"}),
            "signature": forms.Textarea(attrs={"rows": 3}),
        }

    payment_instructions = forms.CharField(
        label="How to pay",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How customers pay you (bank details, the reference to quote). Shown on "
        "their payment-status page and available to templates.",
    )

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["send_weekdays"] = self.instance.weekdays()
            self.initial["payment_instructions"] = self.instance.tenant.payment_instructions
        for field in self.fields.values():
            field.disabled = read_only

    def clean_brand_color(self) -> str:
        color = self.cleaned_data["brand_color"]
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", color or ""):
            raise ValidationError("Give a colour as #rrggbb.")
        return color.lower()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("send_from"), cleaned.get("send_until")
        if start is not None and end is not None and start >= end:
            self.add_error("send_until", "The window must end after it starts, on the same day.")
        return cleaned

    def timing_changed(self) -> bool:
        return any(name in self.changed_data for name in TIMING_FIELDS)


class TenantDefaultsForm(forms.ModelForm):
    """What holds for customers that do not say otherwise: time zone, country, language."""

    time_zone = forms.ChoiceField(label="Time zone")

    class Meta:
        model = Tenant
        fields = ["name", "time_zone", "country", "language"]
        labels = {"name": "Company name", "country": "Country (for public holidays)"}
        help_texts = {
            "country": "Two letters, e.g. DE.",
            "language": "Of templates for customers without a language, e.g. en or de.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(zone, zone) for zone in sorted(available_timezones())]

    def clean_language(self) -> str:
        language = self.cleaned_data["language"].strip()
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", language):
            raise ValidationError("Give a language code such as en, de or pt-BR.")
        return language

    def zone_changed(self) -> bool:
        return bool({"time_zone", "country"} & set(self.changed_data))
