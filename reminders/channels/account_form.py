"""What every provider account form shares: secrets are write-only (a form never shows a
stored token again, and leaving a secret field empty keeps the stored one) and a rate."""

from django import forms

from reminders.models import ProviderAccount

KEEP_STORED = "Stored; leave empty to keep it."


class AccountForm(forms.Form):
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


def account_initial(account: ProviderAccount | None) -> dict:
    return {"rate_per_second": account.rate_per_second} if account else {}
