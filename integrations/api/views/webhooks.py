"""``/webhook-endpoints/`` and ``/webhook-deliveries/``: the tenant's outgoing webhook
endpoints and their delivery logs, changed only through ``integrations.outgoing.subscriptions``
(the functions the webhook page calls)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from integrations.api import items
from integrations.api.errors import Conflict, FieldProblem, Invalid, QueryInvalid, Refused
from integrations.api.pagination import PAGE_PARAMETERS
from integrations.api.rendering import representer
from integrations.api.representations import (
    WebhookDeliveryOut,
    WebhookEndpointCreatedOut,
    WebhookEndpointOut,
)
from integrations.api.views.base import ResourceViewSet
from integrations.api.writes import type_checked
from integrations.outgoing import subscriptions
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from kapittx.tenancy import scoped

#: What an endpoint keeps for its life: a different receiver is a new endpoint, with its
#: own secret.
_FIXED = ("url",)
_STATUS = OpenApiParameter(
    "status",
    OpenApiTypes.STR,
    enum=DeliveryStatus.values,
    description="Only the deliveries in this state.",
)


def _refused(exc: ValidationError) -> Refused:
    """The refusal of a subscriptions function, each message pointing at its field."""
    if hasattr(exc, "error_dict"):
        found = [
            FieldProblem("refused", message, f"/{field}")
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        found = [FieldProblem("refused", message) for message in exc.messages]
    return Refused(found)


def _conflict(code: str, detail: str) -> Conflict:
    return Conflict([FieldProblem(code, detail)])


@extend_schema_view(
    list=extend_schema(summary="List webhook endpoints"),
    retrieve=extend_schema(summary="Get a webhook endpoint (its secret is never shown again)"),
    create=extend_schema(
        summary="Add a webhook endpoint; the answer holds its signing secret, once",
        request=items.WebhookEndpointItem,
        responses={201: WebhookEndpointCreatedOut},
    ),
    partial_update=extend_schema(
        summary="Change a webhook endpoint's events or description, or switch it on or off",
        description="Its address and secret stay: a body naming `url` is 400 (`immutable`); "
        "for a different receiver, add a new endpoint and remove this one.",
        request=items.WebhookEndpointChangeItem,
        responses={200: WebhookEndpointOut},
    ),
    destroy=extend_schema(
        summary="Remove a webhook endpoint and its delivery log", responses={204: None}
    ),
    test=extend_schema(
        summary="Send a webhook endpoint a test event (ping)",
        request=None,
        responses={201: WebhookDeliveryOut},
    ),
    deliveries=extend_schema(
        summary="List a webhook endpoint's deliveries, newest first",
        parameters=[_STATUS],
        responses={200: WebhookDeliveryOut(many=True)},
    ),
)
class WebhookEndpointViewSet(ResourceViewSet):
    model = WebhookSubscription
    serializer_class = WebhookEndpointOut
    ordering_fields = ("id",)

    @property
    def ordering(self) -> str:
        return "-id" if self.action == "deliveries" else "id"

    def known_query_parameters(self) -> frozenset[str]:
        if self.action == "deliveries":
            return frozenset({*PAGE_PARAMETERS, "status"})
        return super().known_query_parameters()

    def get_serializer_class(self):
        return WebhookDeliveryOut if self.action in {"test", "deliveries"} else WebhookEndpointOut

    def create(self, request) -> Response:
        [item] = type_checked(items.WEBHOOK_ENDPOINTS, [request.data], single=True)
        try:
            created = subscriptions.create_subscription(
                self.tenant,
                item["url"],
                item["event_types"],
                description=item.get("description", ""),
            )
        except ValidationError as exc:
            raise _refused(exc) from None
        shown = {**self.represent(created.subscription), "secret": created.secret}
        return Response(shown, status=status.HTTP_201_CREATED)

    def kept_for_retries(self, response):
        if self.action != "create" or response.status_code != status.HTTP_201_CREATED:
            return response
        # The secret is kept only encrypted: a retry learns the endpoint, not its secret.
        body = JSONRenderer().render({**response.data, "secret": None})
        return HttpResponse(body, status=response.status_code, content_type="application/json")

    def partial_update(self, request, pk=None) -> Response:
        subscription = self.get_object()
        if type(request.data) is dict:
            fixed = [name for name in _FIXED if name in request.data]
            if fixed:
                raise Invalid(
                    [
                        FieldProblem(
                            "immutable",
                            "Cannot be changed: for a different receiver, add a new endpoint "
                            "(it gets its own secret) and remove this one.",
                            f"/{name}",
                        )
                        for name in fixed
                    ]
                )
        [item] = type_checked(items.WEBHOOK_ENDPOINT_CHANGES, [request.data], single=True)
        # All of the request or none of it: a refused switch-on keeps the old events.
        with transaction.atomic():
            try:
                subscriptions.change_subscription(
                    subscription,
                    event_types=item.get("event_types"),
                    description=item.get("description"),
                )
                if item.get("enabled") is True:
                    subscriptions.enable_subscription(subscription)
            except ValidationError as exc:
                raise _refused(exc) from None
            if item.get("enabled") is False:
                reason = f"Switched off through the API (key {request.auth.name})."
                subscriptions.disable_subscription(subscription, reason)
        return Response(self.represent(self.get_object()))

    def destroy(self, request, pk=None) -> Response:
        subscriptions.delete_subscription(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def test(self, request, pk=None) -> Response:
        subscription = self.get_object()
        try:
            delivery = subscriptions.send_test_event(subscription)
        except ValidationError as exc:
            raise _conflict("endpoint_disabled", " ".join(exc.messages)) from None
        return Response(representer(WebhookDeliveryOut).one(delivery), status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None) -> Response:
        subscription = self.get_object()
        log = scoped(WebhookDelivery, self.tenant).filter(subscription=subscription)
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in DeliveryStatus.values:
                choices = ", ".join(DeliveryStatus.values)
                raise QueryInvalid({"status": [f"Must be one of: {choices}."]})
            log = log.filter(status=wanted)
        rows = self.paginate_queryset(log.defer("body", "response_body"))
        return self.get_paginated_response(representer(WebhookDeliveryOut).many(rows))


@extend_schema_view(
    list=extend_schema(summary="List the deliveries to every webhook endpoint"),
    retrieve=extend_schema(summary="Get a webhook delivery"),
    send_again=extend_schema(
        summary="Send a webhook delivery again: a fresh round of attempts, same event id",
        request=None,
        responses={200: WebhookDeliveryOut},
    ),
)
class WebhookDeliveryViewSet(ResourceViewSet):
    model = WebhookDelivery
    serializer_class = WebhookDeliveryOut
    ordering = "id"
    ordering_fields = ("id",)

    def related(self, queryset):
        return queryset.select_related("subscription").defer("body", "response_body")

    @action(detail=True, methods=["post"], url_path="send-again", url_name="send-again")
    def send_again(self, request, pk=None) -> Response:
        delivery = self.get_object()
        if not subscriptions.send_again(delivery):
            if not delivery.subscription.enabled:
                raise _conflict(
                    "endpoint_disabled", "Switch the endpoint on before sending to it again."
                )
            raise _conflict("in_flight", "It is being sent right now; look again in a moment.")
        return Response(self.represent(delivery))
