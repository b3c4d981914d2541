"""The email providers a tenant can pick for its own account, and what each one needs."""

#: Email providers offered on the settings page: (label, anymail backend, config key of the
#: API secret).
ESPS = {
    "postmark": ("Postmark", "anymail.backends.postmark.EmailBackend", "server_token"),
    "mailgun": ("Mailgun", "anymail.backends.mailgun.EmailBackend", "api_key"),
    "sendgrid": ("SendGrid", "anymail.backends.sendgrid.EmailBackend", "api_key"),
    "brevo": ("Brevo", "anymail.backends.brevo.EmailBackend", "api_key"),
    "mailjet": ("Mailjet", "anymail.backends.mailjet.EmailBackend", "api_key"),
    "sparkpost": ("SparkPost", "anymail.backends.sparkpost.EmailBackend", "api_key"),
    "resend": ("Resend", "anymail.backends.resend.EmailBackend", "api_key"),
    "postal": ("Postal", "anymail.backends.postal.EmailBackend", "api_key"),
}
#: Further settings some providers need, with the providers that need them.
ESP_REQUIRES = {"secret_key": {"mailjet"}, "api_url": {"postal"}}
#: Providers that sign their webhooks, with anymail's name for the key that checks them.
SIGNING_KEYS = {
    "mailgun": "webhook_signing_key",
    "postal": "webhook_key",
    "resend": "signing_secret",
}
#: The basic-auth user name in a tenant's own webhook addresses (the password is its secret).
WEBHOOK_USER = "kapittx"


def esp_of(config: dict | None) -> str:
    """Return the ESPS key of a stored email config ("" for none or a backend set elsewhere)."""
    backend = (config or {}).get("backend", "")
    return next((key for key, (_l, path, _s) in ESPS.items() if path == backend), "")
