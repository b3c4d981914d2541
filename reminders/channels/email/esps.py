"""The email providers: those a tenant can pick for its own account and what each one needs,
what their sending APIs cannot carry, and which of their webhooks they sign."""

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

#: What an ESP's sending API cannot carry, by anymail's name for the ESP (anymail refuses
#: the whole message otherwise). A report still finds its reminder by the ESP's message id.
LACKS: dict[str, frozenset[str]] = {
    "Postal": frozenset({"metadata"}),
    "MailerSend": frozenset({"metadata"}),
}

#: The webhooks each ESP signs, by the ESP's name in anymail's addresses, with anymail's
#: name for the key that checks each kind. A signed kind is taken only with its key set.
SIGNED_WEBHOOKS: dict[str, dict[str, str]] = {
    "mailgun": {"tracking": "webhook_signing_key", "inbound": "webhook_signing_key"},
    "postal": {"tracking": "webhook_key", "inbound": "webhook_key"},
    "resend": {"tracking": "signing_secret", "inbound": "inbound_secret"},
    "sendgrid": {"tracking": "tracking_webhook_verification_key"},
    "mailersend": {"tracking": "signing_secret", "inbound": "inbound_secret"},
    "mailtrap": {"tracking": "tracking_secret", "inbound": "inbound_secret"},
    "mandrill": {"tracking": "webhook_key"},
    "unisender_go": {"tracking": "api_key"},
}

#: ESPs whose signing key is their public key (base64, as the ESP shows it), not a secret.
PUBLIC_KEYS = frozenset({"postal", "sendgrid"})

#: The basic-auth user name in a tenant's own webhook addresses (the password is its secret).
WEBHOOK_USER = "kapittx"


def esp_of(config: dict | None) -> str:
    """Return the ESPS key of a stored email config ("" for none or a backend set elsewhere)."""
    backend = (config or {}).get("backend", "")
    return next((key for key, (_l, path, _s) in ESPS.items() if path == backend), "")


def esp_of_backend(path: str) -> str:
    """Return the ESP's name in anymail's addresses for an anymail backend's dotted path
    ("" for a backend outside anymail)."""
    package, _, rest = path.partition("anymail.backends.")
    if package or not rest.endswith(".EmailBackend"):
        return ""
    return rest.removesuffix(".EmailBackend")


def signing_key(esp: str, kind: str) -> str:
    """Return anymail's name for the key that checks ``esp``'s ``kind`` webhooks ("" when
    the ESP does not sign them)."""
    return SIGNED_WEBHOOKS.get(esp, {}).get(kind, "")


def carries(esp_name: str, feature: str) -> bool:
    """Return whether the sending API of the ESP anymail calls ``esp_name`` carries
    ``feature`` (metadata, tags …); backends outside anymail ignore them, so carry them."""
    return feature not in LACKS.get(esp_name, frozenset())
