"""The reminder settings page: send window, sender and branding, and provider accounts.

Every member may look. Changing the settings takes ``CONFIGURE_REMINDERS``; provider
accounts hold the tenant's credentials, so storing or removing one takes ``MANAGE_TENANT``
(the owner), and only the owner's page ever decrypts them — to fill in the fields that are
not secret. Secrets are never sent back to the browser.
"""

from dataclasses import dataclass, field
from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render

from kapittx.models import Tenant
from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view
from reminders.channels.account_form import account_initial
from reminders.channels.accounts import read_config, remove_provider_account, set_provider_account
from reminders.channels.base import ChannelError
from reminders.channels.email.adapter import send_sample
from reminders.channels.email.esps import ESPS, esp_of
from reminders.channels.email.settings_form import EmailAccountForm
from reminders.channels.email.tenant_webhooks import webhook_urls
from reminders.channels.encryption import CredentialsUnreadable
from reminders.channels.twilio.check import problems_with
from reminders.channels.twilio.client import account_from_config, public_url
from reminders.channels.twilio.settings_form import TwilioAccountForm
from reminders.forms.settings import ReminderSettingsForm, TenantDefaultsForm
from reminders.models import ProviderAccount, ReminderSettings
from reminders.setup.settings import save_reminder_settings, save_tenant_defaults

ACCOUNT_FORMS = {
    ProviderAccount.Provider.EMAIL: EmailAccountForm,
    ProviderAccount.Provider.TWILIO: TwilioAccountForm,
}


def _require(request: HttpRequest, perm: str) -> None:
    if not request.membership.can(perm):
        raise PermissionDenied


def _check_with_provider(section: str, form) -> str:
    """Ask the provider about the account in ``form``; what it refuses becomes a form error.

    Returns a warning when the provider could not be asked (the account is stored unchecked).
    Twilio answers for its accounts; email providers offer no common way to check a key.
    """
    if section != ProviderAccount.Provider.TWILIO:
        return ""
    try:
        problems = problems_with(account_from_config(form.cleaned_data["config"]))
    except ChannelError as exc:
        if exc.permanent:
            form.add_error(None, exc.message)
            return ""
        return f"Twilio could not be reached to check the account: {exc.message}"
    for problem in problems:
        form.add_error(None, problem)
    return ""


@dataclass
class _Page:
    """What the settings page shows. A section that fails to save puts its bound form here,
    so the page shows it with its errors."""

    request: HttpRequest
    tenant: Tenant
    row: ReminderSettings
    accounts: dict[str, ProviderAccount]
    stored: dict[str, dict]  # decrypted account configs, for the owner only
    shown: dict[str, forms.Form] = field(default_factory=dict)  # by section
    unreadable: list[str] = field(default_factory=list)  # providers no key decrypts

    def read_stored(self) -> None:
        """Decrypt the accounts for the owner; one no key decrypts is shown as such, and
        can be entered again or removed."""
        for provider, account in self.accounts.items():
            try:
                self.stored[provider] = read_config(account)
            except CredentialsUnreadable:
                self.unreadable.append(provider)

    @classmethod
    def load(cls, request: HttpRequest) -> "_Page":
        tenant = request.tenant
        accounts = {account.provider: account for account in scoped(ProviderAccount, tenant)}
        page = cls(
            request=request,
            tenant=tenant,
            row=ReminderSettings.objects.get_or_create(tenant=tenant)[0],
            accounts=accounts,
            stored={},
        )
        if request.membership.can(Perm.MANAGE_TENANT):
            page.read_stored()
        page.shown = {
            "settings": ReminderSettingsForm(
                instance=page.row,
                read_only=not request.membership.can(Perm.CONFIGURE_REMINDERS),
            ),
            "tenant": TenantDefaultsForm(instance=tenant),
            **{
                provider: form_class(
                    stored=page.stored.get(provider),
                    initial=account_initial(accounts.get(provider)),
                )
                for provider, form_class in ACCOUNT_FORMS.items()
            },
        }
        return page


def _save_settings(page: _Page) -> bool:
    form = page.shown["settings"] = ReminderSettingsForm(page.request.POST, instance=page.row)
    if not form.is_valid():
        return False
    save_reminder_settings(
        form.save(commit=False), form.timing_changed(), form.cleaned_data["payment_instructions"]
    )
    messages.success(page.request, "Reminder settings saved.")
    return True


def _save_defaults(page: _Page) -> bool:
    # A copy: a form that fails must not leave its values on the request's tenant.
    form = page.shown["tenant"] = TenantDefaultsForm(
        page.request.POST, instance=Tenant.objects.get(pk=page.tenant.pk)
    )
    if not form.is_valid():
        return False
    save_tenant_defaults(form.save(commit=False), form.changed_data, form.zone_changed())
    messages.success(page.request, "Defaults saved.")
    return True


def _send_sample(page: _Page) -> bool:
    to = page.request.user.email
    try:
        sample = send_sample(page.tenant, to)
    except ChannelError as exc:
        messages.error(page.request, f"The test email was not sent: {exc.message}")
        return True
    if sample.kept_in:
        messages.success(
            page.request,
            f"Local channels are on, so nothing was sent: the test email to {to} was written "
            f"to {sample.kept_in}, as reminders stay in the outbox.",
        )
        return True
    through = (
        "your own email account"
        if ProviderAccount.Provider.EMAIL in page.accounts
        else "the platform's email provider"
    )
    messages.success(
        page.request,
        f"Test email sent to {to}: a sample reminder with your sender, "
        f"reply-to and branding, through {through}.",
    )
    return True


def _save_account(page: _Page, provider: str) -> bool:
    request, label = page.request, ProviderAccount.Provider(provider).label
    if "remove" in request.POST:
        if remove_provider_account(page.tenant, provider):
            messages.success(request, f"{label} account removed.")
        return True
    form = page.shown[provider] = ACCOUNT_FORMS[provider](
        request.POST, stored=page.stored.get(provider)
    )
    # What the provider refuses turns the form invalid, so it is asked first.
    unchecked = _check_with_provider(provider, form) if form.is_valid() else ""
    if not form.is_valid():
        return False
    set_provider_account(
        page.tenant, provider, form.cleaned_data["config"], form.cleaned_data["rate_per_second"]
    )
    messages.success(request, f"{label} account saved.")
    if unchecked:
        messages.warning(request, unchecked)
    return True


#: What each section of the page's forms saves, and who may.
SECTIONS = {
    "settings": (Perm.CONFIGURE_REMINDERS, _save_settings),
    "tenant": (Perm.MANAGE_TENANT, _save_defaults),
    "email_sample": (Perm.CONFIGURE_REMINDERS, _send_sample),
    **{
        provider: (Perm.MANAGE_TENANT, partial(_save_account, provider=provider))
        for provider in ACCOUNT_FORMS
    },
}


@tenant_view(Perm.VIEW_RECEIVABLES)
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """Show the tenant's reminder settings; members allowed to change them do it here."""
    page = _Page.load(request)
    if request.method != "POST":
        return _render(page)
    section = SECTIONS.get(request.POST.get("section", ""))
    if section is None:
        return HttpResponseBadRequest("Unknown settings section.")
    perm, save = section
    _require(request, perm)
    if save(page):
        return redirect("reminder_settings", tenant_slug=page.tenant.slug)
    return _render(page, status=400)


def _render(page: _Page, status: int = 200) -> HttpResponse:
    membership = page.request.membership
    can_manage = membership.can(Perm.MANAGE_TENANT)
    email_config = page.stored.get(ProviderAccount.Provider.EMAIL)
    return render(
        page.request,
        "reminders/settings.html",
        {
            "form": page.shown["settings"],
            "defaults_form": page.shown["tenant"],
            "can_configure": membership.can(Perm.CONFIGURE_REMINDERS),
            "can_manage": can_manage,
            "email_form": page.shown[ProviderAccount.Provider.EMAIL],
            "twilio_form": page.shown[ProviderAccount.Provider.TWILIO],
            "email_account": page.accounts.get(ProviderAccount.Provider.EMAIL),
            "twilio_account": page.accounts.get(ProviderAccount.Provider.TWILIO),
            "inbound_url": public_url("/hooks/twilio/inbound/"),
            # Which provider the stored email account uses (owners only; others see less).
            "email_esp": ESPS[esp_of(email_config)][0] if esp_of(email_config) else "",
            "email_webhooks": webhook_urls(page.tenant.pk, email_config) if can_manage else {},
            "unreadable": [ProviderAccount.Provider(p).label for p in page.unreadable],
        },
        status=status,
    )
