"""The form of a tenant's own Twilio account (on the reminder settings page)."""

from django import forms
from django.core.exceptions import ValidationError

from receivables.phones import EXAMPLE, to_e164
from reminders.channels.account_form import AccountForm

#: How Twilio writes a WhatsApp address; a sender may be given with it or without.
WHATSAPP = "whatsapp:"


class TwilioAccountForm(AccountForm):
    SECRETS = ("auth_token",)
    field_order = [
        "account_sid",
        "auth_token",
        "from_number",
        "whatsapp_from",
        "messaging_service_sid",
    ]

    account_sid = forms.RegexField(
        regex=r"^AC[0-9a-fA-F]{32}$",
        label="Account SID",
        error_messages={"invalid": "An account SID is AC followed by 32 hexadecimal digits."},
    )
    auth_token = forms.CharField(required=False, max_length=100, label="Auth token")
    from_number = forms.CharField(
        required=False,
        max_length=40,
        label="SMS and caller number",
        help_text=f"In international format, e.g. {EXAMPLE}.",
    )
    whatsapp_from = forms.CharField(required=False, max_length=50, label="WhatsApp sender number")
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

    def clean_from_number(self) -> str:
        # A sender has no country of its own to read a national number in.
        return to_e164(self.cleaned_data["from_number"], "")

    def clean_whatsapp_from(self) -> str:
        value = self.cleaned_data["whatsapp_from"]
        prefix = WHATSAPP if value.startswith(WHATSAPP) else ""
        number = value.removeprefix(WHATSAPP)
        if prefix and not number.strip():
            raise ValidationError(f"Give the number after {WHATSAPP}, e.g. {WHATSAPP}{EXAMPLE}.")
        # Kept as given, with Twilio's prefix or without: the adapter adds it when missing.
        return prefix + to_e164(number, "")

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
                None,
                "Give at least one sender: a number, a WhatsApp number or a messaging service.",
            )
        cleaned["config"] = config
        return cleaned
