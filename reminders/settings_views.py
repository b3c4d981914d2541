"""The reminder settings page: send window, sender and branding, and provider accounts.

Every member may look. Changing the settings takes ``CONFIGURE_REMINDERS``; provider
accounts hold the tenant's credentials, so storing or removing one takes ``MANAGE_TENANT``
(the owner), and only the owner's page ever decrypts them — to fill in the fields that are
not secret. Secrets are never sent back to the browser.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render

from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view
from reminders import actions
from reminders.channels.base import ChannelError
from reminders.channels.email import send_sample
from reminders.channels.twilio_check import problems_with
from reminders.channels.twilio_client import account_from_config, public_url
from reminders.esps import ESPS, esp_of
from reminders.models import ProviderAccount, ReminderSettings
from reminders.secrets import decrypt, remove_provider_account, set_provider_account
from reminders.settings_forms import (
    EmailAccountForm,
    ReminderSettingsForm,
    TwilioAccountForm,
    account_initial,
)
from reminders.tenant_webhooks import webhook_urls

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


@tenant_view(Perm.VIEW_RECEIVABLES)
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """Show the tenant's reminder settings; members allowed to change them do it here."""
    tenant = request.tenant
    row, _created = ReminderSettings.objects.get_or_create(tenant=tenant)
    can_manage = request.membership.can(Perm.MANAGE_TENANT)
    accounts = {account.provider: account for account in scoped(ProviderAccount, tenant)}
    stored = (
        {provider: decrypt(account.secret_config) for provider, account in accounts.items()}
        if can_manage
        else {}
    )
    can_configure = request.membership.can(Perm.CONFIGURE_REMINDERS)
    form = ReminderSettingsForm(instance=row, read_only=not can_configure)
    account_forms = {
        provider: form_class(
            stored=stored.get(provider), initial=account_initial(accounts.get(provider))
        )
        for provider, form_class in ACCOUNT_FORMS.items()
    }
    status = 200
    if request.method == "POST":
        section = request.POST.get("section", "")
        if section == "settings":
            _require(request, Perm.CONFIGURE_REMINDERS)
            form = ReminderSettingsForm(request.POST, instance=row)
            if form.is_valid():
                actions.save_reminder_settings(form.save(commit=False), form.timing_changed())
                messages.success(request, "Reminder settings saved.")
                return redirect("reminder_settings", tenant_slug=tenant.slug)
        elif section == "email_sample":
            _require(request, Perm.CONFIGURE_REMINDERS)
            to = request.user.email
            try:
                send_sample(tenant, to)
            except ChannelError as exc:
                messages.error(request, f"The test email was not sent: {exc.message}")
            else:
                through = (
                    "your own email account"
                    if ProviderAccount.Provider.EMAIL in accounts
                    else "the platform's email provider"
                )
                messages.success(
                    request, f"Test email sent to {to}: a sample reminder with your sender, "
                    f"reply-to and branding, through {through}.",
                )
            return redirect("reminder_settings", tenant_slug=tenant.slug)
        elif section in ACCOUNT_FORMS:
            _require(request, Perm.MANAGE_TENANT)
            label = ProviderAccount.Provider(section).label
            if "remove" in request.POST:
                if remove_provider_account(tenant, section):
                    messages.success(request, f"{label} account removed.")
                return redirect("reminder_settings", tenant_slug=tenant.slug)
            bound = ACCOUNT_FORMS[section](request.POST, stored=stored.get(section))
            account_forms[section] = bound
            # What the provider refuses turns the form invalid, so it is asked first.
            unchecked = _check_with_provider(section, bound) if bound.is_valid() else ""
            if bound.is_valid():
                set_provider_account(
                    tenant, section, bound.cleaned_data["config"],
                    bound.cleaned_data["rate_per_second"],
                )
                messages.success(request, f"{label} account saved.")
                if unchecked:
                    messages.warning(request, unchecked)
                return redirect("reminder_settings", tenant_slug=tenant.slug)
        else:
            return HttpResponseBadRequest("Unknown settings section.")
        status = 400
    email_config = stored.get(ProviderAccount.Provider.EMAIL)
    return render(
        request,
        "reminders/settings.html",
        {
            "form": form,
            "can_configure": can_configure,
            "can_manage": can_manage,
            "email_form": account_forms[ProviderAccount.Provider.EMAIL],
            "twilio_form": account_forms[ProviderAccount.Provider.TWILIO],
            "email_account": accounts.get(ProviderAccount.Provider.EMAIL),
            "twilio_account": accounts.get(ProviderAccount.Provider.TWILIO),
            "inbound_url": public_url("/hooks/twilio/inbound/"),
            # Which provider the stored email account uses (owners only; others see less).
            "email_esp": ESPS[esp_of(email_config)][0] if esp_of(email_config) else "",
            "email_webhooks": webhook_urls(tenant.pk, email_config) if can_manage else {},
        },
        status=status,
    )
