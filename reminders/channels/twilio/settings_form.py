"""The form of a tenant's own Twilio account (on the reminder settings page)."""

from django import forms

from reminders.channels.account_form import AccountForm


class TwilioAccountForm(AccountForm):
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
