"""Forms of the reminder settings page: when and as whom reminders go, and provider accounts.

Provider secrets are write-only: a form never shows a stored token again, and leaving a
secret field empty keeps the stored one.
"""

import re
from secrets import token_urlsafe
from zoneinfo import available_timezones

from django import forms
from django.core.exceptions import ValidationError

from kapittx.models import Tenant
from reminders.esps import ESP_REQUIRES, ESPS, SIGNING_KEYS, esp_of
from reminders.models import ProviderAccount, ReminderSettings

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
    "sending_enabled", "send_weekdays", "send_from", "send_until", "skip_public_holidays",
    "min_days_between",
)
KEEP_STORED = "Stored; leave empty to keep it."


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
            "sending_enabled",
            "send_weekdays",
            "send_from",
            "send_until",
            "skip_public_holidays",
            "min_days_between",
            "sender_name",
            "sender_email",
            "reply_to",
            "brand_color",
            "signature",
            "payment_instructions",
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
            "payment_instructions": "How to pay",
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
            "payment_instructions": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["send_weekdays"] = self.instance.weekdays()
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


# --- provider accounts -----------------------------------------------------------------------


class _AccountForm(forms.Form):
    """A provider account form; ``stored`` is the account's current decrypted config."""

    SECRETS: tuple[str, ...] = ()

    rate_per_second = forms.IntegerField(
        min_value=1,
        max_value=1000,
        initial=10,
        label="Messages per second",
        help_text="Your provider account's sending limit; workers stay under it.",
    )

    def __init__(self, *args, stored: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored = stored or {}
        for name in self.SECRETS:
            field = self.fields[name]
            field.widget = forms.PasswordInput(render_value=False)
            if self.stored.get(name):
                field.help_text = KEEP_STORED

    def _secret(self, name: str) -> str:
        """Return the secret typed in, else the stored one; without either, add an error."""
        value = self.cleaned_data.get(name) or self.stored.get(name, "")
        if not value:
            self.add_error(name, "This is needed.")
        return value


class EmailAccountForm(_AccountForm):
    SECRETS = ("api_key", "secret_key", "signing_key")
    field_order = ["esp", "api_key", "secret_key", "sender_domain", "api_url", "signing_key"]

    esp = forms.ChoiceField(
        choices=[(key, label) for key, (label, _b, _s) in ESPS.items()], label="Provider"
    )
    api_key = forms.CharField(
        required=False, max_length=500, label="API key (Postmark: server token)"
    )
    secret_key = forms.CharField(required=False, max_length=500, label="Secret key (Mailjet)")
    sender_domain = forms.CharField(
        required=False,
        max_length=253,
        label="Sending domain (Mailgun)",
        help_text="Empty: the domain of the sender address.",
    )
    api_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label="API address",
        help_text="Only where the provider needs it: Postal, or Mailgun's EU region "
        "(https://api.eu.mailgun.net/v3).",
    )
    signing_key = forms.CharField(
        required=False,
        max_length=1000,
        label="Webhook signing key (Mailgun, Postal, Resend)",
        help_text="These providers sign their delivery reports; without the key they cannot "
        "be checked, and are not taken.",
    )

    def __init__(self, *args, stored: dict | None = None, **kwargs):
        stored = stored or {}
        esp = esp_of(stored)
        secrets = (
            {
                "api_key": stored.get(ESPS[esp][2], ""),
                "secret_key": stored.get("secret_key", ""),
                "signing_key": stored.get(SIGNING_KEYS.get(esp, ""), ""),
            }
            if esp
            else {}
        )
        super().__init__(*args, stored=secrets, **kwargs)
        self.stored_esp = esp
        # The secret of the tenant's own webhook addresses outlives changes of provider.
        self.webhook_secret = stored.get("webhook_secret") or token_urlsafe(24)
        if esp:
            self.initial.setdefault("esp", esp)
            for key in ("sender_domain", "api_url"):
                self.initial.setdefault(key, stored.get(key, ""))

    def clean(self):
        cleaned = super().clean()
        esp = cleaned.get("esp")
        if not esp:
            return cleaned
        if esp != self.stored_esp:
            self.stored = {}
        label, backend, secret_key_name = ESPS[esp]
        config = {"backend": backend, secret_key_name: self._secret("api_key")}
        if esp in ESP_REQUIRES["secret_key"]:
            config["secret_key"] = self._secret("secret_key")
        if esp in ESP_REQUIRES["api_url"] and not cleaned.get("api_url"):
            self.add_error("api_url", f"{label} needs the address of its API.")
        for key in ("sender_domain", "api_url"):
            if cleaned.get(key):
                config[key] = cleaned[key]
        signing_key = cleaned.get("signing_key") or self.stored.get("signing_key")
        if esp in SIGNING_KEYS and signing_key:
            config[SIGNING_KEYS[esp]] = signing_key
        config["webhook_secret"] = self.webhook_secret
        cleaned["config"] = config
        return cleaned


class TwilioAccountForm(_AccountForm):
    SECRETS = ("auth_token",)
    field_order = [
        "account_sid", "auth_token", "from_number", "whatsapp_from", "messaging_service_sid",
    ]

    account_sid = forms.RegexField(
        regex=r"^AC[0-9a-fA-F]{32}$",
        label="Account SID",
        error_messages={"invalid": "An account SID is AC followed by 32 hexadecimal digits."},
    )
    auth_token = forms.CharField(required=False, max_length=100, label="Auth token")
    from_number = forms.RegexField(
        regex=r"^\+[1-9][0-9]{6,14}$",
        required=False,
        label="SMS and caller number",
        help_text="In international format, e.g. +447700900123.",
        error_messages={"invalid": "Give the number in international format, e.g. +447700900123."},
    )
    whatsapp_from = forms.RegexField(
        regex=r"^(whatsapp:)?\+[1-9][0-9]{6,14}$",
        required=False,
        label="WhatsApp sender number",
        error_messages={"invalid": "Give the number in international format, e.g. +447700900123."},
    )
    messaging_service_sid = forms.RegexField(
        regex=r"^MG[0-9a-fA-F]{32}$",
        required=False,
        label="Messaging service SID",
        help_text="Preferred for SMS when set.",
        error_messages={
            "invalid": "A messaging service SID is MG followed by 32 hexadecimal digits."
        },
    )

    PLAIN = ("account_sid", "from_number", "whatsapp_from", "messaging_service_sid")

    def __init__(self, *args, stored: dict | None = None, **kwargs):
        super().__init__(*args, stored=stored, **kwargs)
        for key in self.PLAIN:
            self.initial.setdefault(key, self.stored.get(key, ""))

    def clean(self):
        cleaned = super().clean()
        sid = cleaned.get("account_sid")
        if sid and sid != self.stored.get("account_sid"):
            # A token belongs to its account: a new account needs its own.
            self.stored = {}
        config = {"account_sid": sid, "auth_token": self._secret("auth_token")}
        config.update((key, cleaned[key]) for key in self.PLAIN[1:] if cleaned.get(key))
        if len(config) == 2:
            self.add_error(
                None, "Give at least one sender: a number, a WhatsApp number or a messaging "
                "service.",
            )
        cleaned["config"] = config
        return cleaned


def account_initial(account: ProviderAccount | None) -> dict:
    return {"rate_per_second": account.rate_per_second} if account else {}
