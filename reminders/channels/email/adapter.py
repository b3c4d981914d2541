"""Email reminders through django-anymail (any ESP it supports), with one-click unsubscribe,
through the tenant's own ESP account when it has one."""

import smtplib
from email.utils import formataddr, parseaddr
from typing import NamedTuple

from anymail.exceptions import (
    AnymailAPIError,
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from kapittx import egress
from kapittx.models import Tenant
from reminders.channels.accounts import provider_config
from reminders.channels.base import Adapter, AddressRefused, ChannelError, SendResult
from reminders.channels.email.esps import carries
from reminders.channels.email.unsubscribe import unsubscribe_url
from reminders.channels.local.mail import local_connection, local_mailbox
from reminders.channels.registry import stays_local
from reminders.messages.context import sample_context, tenant_fields
from reminders.messages.render import pick_template, render
from reminders.models import Dispatch, ProviderAccount, ReminderSettings, Template
from reminders.outbox.batch_memo import memo


def _sender(prefs: ReminderSettings | None, tenant_name: str) -> str:
    default_name, default_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if prefs is None:
        return settings.DEFAULT_FROM_EMAIL
    name = prefs.sender_name or (tenant_name if prefs.sender_email else default_name)
    return formataddr((name, prefs.sender_email or default_address))


class _Sender(NamedTuple):
    prefs: ReminderSettings | None
    from_email: str  # the From header
    mailbox: str  # where mail to the sender goes: the reply-to, else the From address


def _sender_of(tenant_id: int, tenant_name: str) -> _Sender:
    """Return who the tenant's emails come from, worked out once per batch."""
    prefs = memo(
        ("reminder_settings", tenant_id),
        lambda: ReminderSettings.objects.filter(tenant_id=tenant_id).first(),
    )

    def work_out() -> _Sender:
        from_email = _sender(prefs, tenant_name)
        mailbox = (prefs.reply_to if prefs else "") or parseaddr(from_email)[1]
        return _Sender(prefs, from_email, mailbox)

    return memo(("email_sender", tenant_id), work_out)


def _connection(tenant_id: int) -> BaseEmailBackend:
    # One connection serves a worker's whole batch for the tenant. A tenant with its own ESP
    # account sends through it: anymail backends take their settings (api_key, server_token
    # …) as keyword arguments.
    def connect():
        config = provider_config(tenant_id, ProviderAccount.Provider.EMAIL)
        if config is None:
            return get_connection()
        options = dict(config)
        return _guarded(get_connection(options.pop("backend"), **options))

    return memo(("email_connection", tenant_id), connect)


def _guarded(connection: BaseEmailBackend) -> BaseEmailBackend:
    """Have a tenant's ESP backend call its API only through the egress guard: the address
    (which the tenant may have typed) is checked as it is connected to."""
    if callable(create := getattr(connection, "create_session", None)):
        connection.create_session = lambda: egress.guard(create())
    return connection


def _api_error(exc: AnymailAPIError) -> ChannelError:
    if isinstance(exc.__cause__, egress.EgressRefused):
        # The tenant's API address: trying again cannot help until it is corrected.
        return ChannelError(
            f"The email provider's address was not called: {exc.__cause__.reason}",
            permanent=True,
        )
    status = exc.status_code
    # No status means the ESP was never reached (DNS, timeout, connection reset).
    transient = status is None or status == 429 or status >= 500
    detail = exc.args[0] if exc.args else type(exc).__name__
    return ChannelError(f"Email provider error (HTTP {status}): {detail}", permanent=not transient)


class EmailAdapter(Adapter):
    kind = "email"

    def build(self, dispatch: Dispatch) -> EmailMultiAlternatives:
        """Return the message for ``dispatch``: text, HTML alternative, headers, metadata."""
        sender = _sender_of(dispatch.tenant_id, dispatch.customer.tenant.name)
        unsubscribe = unsubscribe_url(dispatch.tenant_id, dispatch.recipient)
        return _compose(
            _connection(dispatch.tenant_id),
            sender,
            to=dispatch.recipient,
            subject=dispatch.subject,
            text=dispatch.body_text,
            html=dispatch.body_html,
            headers={
                "List-Unsubscribe": f"<mailto:{sender.mailbox}?subject=unsubscribe>, "
                f"<{unsubscribe}>",
                # RFC 8058: mailbox providers POST to the URL, no page, no confirmation.
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            metadata={"dispatch_id": str(dispatch.pk), "tenant_id": str(dispatch.tenant_id)},
            # Some ESPs (Postmark) accept one tag only; the template says most about it.
            tag=dispatch.template_key or "reminder",
        )

    def send(self, dispatch: Dispatch) -> SendResult:
        """Send the email and return the ESP's message id."""
        if not dispatch.recipient:
            raise AddressRefused("No email address for this contact.")
        message_id = _deliver(self.build(dispatch), dispatch.recipient)
        # Backends outside anymail (SMTP, console) report no id; the dispatch's own will do.
        return SendResult(message_id or f"email-{dispatch.pk}")


def _compose(
    connection: BaseEmailBackend,
    sender: _Sender,
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    metadata: dict[str, str],
    tag: str,
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Return an email from the tenant's sender and reply-to, to go through ``connection``
    with the metadata and tag its ESP can carry."""
    prefs = sender.prefs
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender.from_email,
        to=[to],
        reply_to=[prefs.reply_to] if prefs and prefs.reply_to else None,
        headers=headers,
        connection=connection,
    )
    if html:
        message.attach_alternative(html, "text/html")
    # Backends outside anymail have no ESP name and ignore both.
    esp_name = getattr(connection, "esp_name", "")
    if carries(esp_name, "metadata"):
        message.metadata = metadata
    if carries(esp_name, "tags"):
        message.tags = [tag]
    return message


def _deliver(message: EmailMultiAlternatives, recipient: str) -> str:
    """Send ``message``; return the ESP's message id ("" if it gives none) or raise
    ``ChannelError`` (``AddressRefused`` when the recipient's address is the trouble)."""
    try:
        message.send()
    except (AnymailRecipientsRefused, AnymailInvalidAddress) as exc:
        raise AddressRefused(f"Email provider refused {recipient}.") from exc
    except AnymailAPIError as exc:
        raise _api_error(exc) from exc
    except (AnymailError, ImproperlyConfigured, ValueError) as exc:
        # Invalid address syntax, unsupported feature, missing ESP settings.
        raise ChannelError(f"Email cannot be sent: {exc}", permanent=True) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise AddressRefused(f"Mail server refused {recipient}.") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise ChannelError(f"Mail server unreachable: {exc}") from exc
    status = getattr(message, "anymail_status", None)
    message_id = status.message_id if status is not None else None
    return str(message_id) if message_id is not None else ""


#: The template a sample email shows.
SAMPLE_TEMPLATE = "overdue-polite"


class SampleSent(NamedTuple):
    message_id: str  # the ESP's, "" when there is none
    kept_in: str  # the local mailbox it was written to instead of being sent, else ""


def send_sample(tenant: Tenant, to: str) -> SampleSent:
    """Send ``to`` a sample reminder as the tenant's customers get them: its sender, reply-to,
    branding and email account, the ``overdue-polite`` template filled with sample data.
    Where reminders stay local (the embedded run), so does the sample: it is written to the
    local mailbox.

    Raises ``ChannelError`` as a reminder would, or when the tenant has no such template.
    """
    try:
        template = pick_template(tenant, SAMPLE_TEMPLATE, tenant.language)
    except Template.DoesNotExist:
        raise ChannelError(
            f"There is no {SAMPLE_TEMPLATE} template to show.", permanent=True
        ) from None
    context = {**sample_context(template.language), "tenant": tenant_fields(tenant)}
    rendered = render(template, context, ["subject", "body_html", "body_text"])
    local = stays_local("email")
    message = _compose(
        local_connection() if local else _connection(tenant.pk),
        _sender_of(tenant.pk, tenant.name),
        to=to,
        subject=f"[Test] {rendered.subject}",
        text=rendered.body_text,
        html=rendered.body_html,
        metadata={"tenant_id": str(tenant.pk), "sample": "1"},
        tag="sample",
    )
    message_id = _deliver(message, to)
    return SampleSent(message_id, str(local_mailbox()) if local else "")
