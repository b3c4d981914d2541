"""The form of a tenant's own email provider account (on the reminder settings page)."""

from secrets import token_urlsafe

from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django import forms

from kapittx import egress
from reminders.channels.account_form import AccountForm
from reminders.channels.email.esps import ESP_REQUIRES, ESPS, PUBLIC_KEYS, esp_of, signing_key


def _key_names(esp: str) -> dict[str, str]:
    """Return anymail's names for the keys the form's signing fields hold, by field."""
    tracking, inbound = signing_key(esp, "tracking"), signing_key(esp, "inbound")
    names = {"signing_key": tracking or inbound}
    if tracking and inbound and inbound != tracking:
        names["inbound_signing_key"] = inbound
    return {field: name for field, name in names.items() if name}


def _is_public_key(value: str) -> bool:
    # The same wrapping anymail gives the key before it checks a signature with it.
    pem = f"-----BEGIN PUBLIC KEY-----\n{value}\n-----END PUBLIC KEY-----"
    try:
        load_pem_public_key(pem.encode())
    except ValueError:
        return False
    return True


class EmailAccountForm(AccountForm):
    SECRETS = ("api_key", "secret_key", "signing_key", "inbound_signing_key")
    field_order = [
        "esp",
        "api_key",
        "secret_key",
        "sender_domain",
        "api_url",
        "signing_key",
        "inbound_signing_key",
    ]

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
        label="Webhook signing key (Mailgun, Postal, Resend, SendGrid)",
        help_text="These providers sign their delivery reports; without the key they cannot "
        "be checked, and are not taken. Postal and SendGrid show a public key: paste it.",
    )
    inbound_signing_key = forms.CharField(
        required=False,
        max_length=1000,
        label="Inbound webhook signing secret (Resend)",
        help_text="Resend signs replies with the secret of their own webhook; without it "
        "replies are not taken.",
    )

    def __init__(self, *args, stored: dict | None = None, **kwargs):
        stored = stored or {}
        esp = esp_of(stored)
        secrets = (
            {
                "api_key": stored.get(ESPS[esp][2], ""),
                "secret_key": stored.get("secret_key", ""),
                **{field: stored.get(name, "") for field, name in _key_names(esp).items()},
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

    def clean_api_url(self) -> str:
        # Workers call this address with the tenant's API key: it must be a public one.
        url = self.cleaned_data["api_url"]
        if url:
            try:
                egress.check_url(url)
            except egress.EgressRefused as exc:
                raise forms.ValidationError(exc.reason) from None
        return url

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
        for field, name in _key_names(esp).items():
            key = cleaned.get(field) or self.stored.get(field)
            if key and esp in PUBLIC_KEYS and not _is_public_key(key):
                self.add_error(field, f"This is not {label}'s public key: paste it as shown.")
            elif key:
                config[name] = key
        config["webhook_secret"] = self.webhook_secret
        cleaned["config"] = config
        return cleaned
