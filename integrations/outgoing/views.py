"""The webhook pages (owners and admins): endpoints, adding one (its secret shown once),
changing its events and description, switching it on or off, removing it, a test event,
and each endpoint's delivery log with "send again"."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from integrations.outgoing import subscriptions
from integrations.outgoing.catalogue import EVENT_TYPES
from integrations.outgoing.forms import EndpointChangeForm, EndpointForm
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view

#: Who may see and change endpoints: their addresses and payloads are the tenant's data.
PERM = Perm.MANAGE_MEMBERS
LOG_PAGE_SIZE = 50


def _endpoint(request: HttpRequest, webhook_id: int) -> WebhookSubscription:
    return get_object_or_404(scoped(WebhookSubscription, request.tenant), pk=webhook_id)


def _to_detail(request: HttpRequest, subscription: WebhookSubscription) -> HttpResponse:
    return redirect("webhook_detail", tenant_slug=request.tenant.slug, webhook_id=subscription.pk)


@tenant_view(PERM)
def webhook_list(request: HttpRequest) -> HttpResponse:
    """List the tenant's endpoints; add one."""
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = subscriptions.create_subscription(
                request.tenant,
                data["url"],
                data["event_types"],
                description=data["description"],
                created_by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Shown on this answer only: the secret is kept encrypted and never shown again.
            return render(
                request,
                "integrations/webhooks_created.html",
                {"subscription": created.subscription, "secret": created.secret},
            )
    endpoints = scoped(WebhookSubscription, request.tenant).annotate(
        pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
    )
    return render(
        request,
        "integrations/webhooks.html",
        {"endpoints": endpoints, "form": form, "events": EVENT_TYPES},
        status=400 if form.errors else 200,
    )


def _detail_page(
    request: HttpRequest, subscription: WebhookSubscription, form: EndpointChangeForm
) -> HttpResponse:
    deliveries = scoped(WebhookDelivery, request.tenant).filter(subscription=subscription)
    status = request.GET.get("status", "")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries.defer("body"), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "integrations/webhooks_detail.html",
        {
            "subscription": subscription,
            "page": page,
            "status": status,
            "statuses": DeliveryStatus.choices,
            "events": {event: EVENT_TYPES.get(event, "") for event in subscription.event_types},
            "change_form": form,
        },
        status=400 if form.errors else 200,
    )


@tenant_view(PERM)
def webhook_detail(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Show an endpoint, the form that changes its events, and its delivery log, newest
    first."""
    subscription = _endpoint(request, webhook_id)
    form = EndpointChangeForm(
        initial={"description": subscription.description, "event_types": subscription.event_types}
    )
    return _detail_page(request, subscription, form)


@tenant_view(PERM)
@require_POST
def webhook_change(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Change the endpoint's events and description; its address and secret stay."""
    subscription = _endpoint(request, webhook_id)
    form = EndpointChangeForm(request.POST)
    if form.is_valid():
        try:
            changed = subscriptions.change_subscription(
                subscription,
                event_types=form.cleaned_data["event_types"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if changed:
                messages.success(request, "Saved: events from now on are sent by the new list.")
            else:
                messages.info(request, "Nothing changed: it had these events and description.")
            return _to_detail(request, subscription)
    return _detail_page(request, subscription, form)


@tenant_view(PERM)
@require_POST
def webhook_enable(request: HttpRequest, webhook_id: int) -> HttpResponse:
    subscription = _endpoint(request, webhook_id)
    try:
        if subscriptions.enable_subscription(subscription):
            messages.success(request, "Endpoint switched on: new events are sent to it.")
    except ValidationError as exc:
        messages.error(request, f"Not switched on: {' '.join(exc.messages)}")
    return _to_detail(request, subscription)


@tenant_view(PERM)
@require_POST
def webhook_disable(request: HttpRequest, webhook_id: int) -> HttpResponse:
    subscription = _endpoint(request, webhook_id)
    reason = f"Switched off by {request.user.email}."
    if subscriptions.disable_subscription(subscription, reason):
        messages.success(request, "Endpoint switched off: nothing more is sent to it.")
    return _to_detail(request, subscription)


@tenant_view(PERM)
@require_POST
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    subscription = _endpoint(request, webhook_id)
    if request.POST.get("confirm") != "delete":
        messages.error(request, "Not removed: tick the box to remove it and its delivery log.")
        return _to_detail(request, subscription)
    subscriptions.delete_subscription(subscription)
    messages.success(request, f"Endpoint {subscription.url} removed, with its delivery log.")
    return redirect("webhook_list", tenant_slug=request.tenant.slug)


@tenant_view(PERM)
@require_POST
def webhook_test(request: HttpRequest, webhook_id: int) -> HttpResponse:
    subscription = _endpoint(request, webhook_id)
    try:
        subscriptions.send_test_event(subscription)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Test event queued: it shows in the log below once sent.")
    return _to_detail(request, subscription)


@tenant_view(PERM)
def webhook_delivery(request: HttpRequest, webhook_delivery_id: int) -> HttpResponse:
    """Show one delivery: the body as sent, the last answer, the attempts."""
    delivery = get_object_or_404(
        scoped(WebhookDelivery, request.tenant).select_related("subscription"),
        pk=webhook_delivery_id,
    )
    try:
        shown = json.dumps(json.loads(delivery.body), indent=2, ensure_ascii=False)
    except ValueError:
        shown = delivery.body
    return render(
        request, "integrations/webhooks_delivery.html", {"delivery": delivery, "body": shown}
    )


@tenant_view(PERM)
@require_POST
def webhook_send_again(request: HttpRequest, webhook_delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(
        scoped(WebhookDelivery, request.tenant).select_related("subscription"),
        pk=webhook_delivery_id,
    )
    if subscriptions.send_again(delivery):
        messages.success(request, "Sent again: a fresh round of attempts starts now.")
    elif not delivery.subscription.enabled:
        messages.error(request, "Switch the endpoint on before sending to it again.")
    else:
        messages.error(request, "It is being sent right now; look again in a moment.")
    return redirect(
        "webhook_delivery", tenant_slug=request.tenant.slug, webhook_delivery_id=delivery.pk
    )
