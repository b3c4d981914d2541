"""``/reports/aging/``: what is owed, by how long overdue, per currency and per customer."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from integrations.api.errors import QueryInvalid
from integrations.api.views.base import TenantView
from kapittx.localtime import local_today
from kapittx.money import rounded
from receivables.reports import BUCKET_KEYS, BUCKETS, aging, aging_by_customer


def _buckets(**kwargs) -> dict:
    return {key: serializers.CharField(**kwargs) for key in BUCKET_KEYS}


AgingTotals = type(
    "AgingTotals",
    (serializers.Serializer,),
    {"currency": serializers.CharField(), **_buckets(), "total": serializers.CharField()},
)
AgingCustomer = type(
    "AgingCustomer",
    (serializers.Serializer,),
    {
        "customer": serializers.IntegerField(),
        "customer_name": serializers.CharField(),
        "currency": serializers.CharField(),
        **_buckets(),
        "total": serializers.CharField(),
    },
)


class AgingBucket(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    min_days_overdue = serializers.IntegerField(allow_null=True)
    max_days_overdue = serializers.IntegerField(allow_null=True)


class AgingReport(serializers.Serializer):
    as_of = serializers.DateField()
    buckets = AgingBucket(many=True)
    totals = AgingTotals(many=True)
    customers = AgingCustomer(many=True)


def _amounts(row: dict, currency: str) -> dict:
    amounts = {key: str(rounded(row[key], currency)) for key in BUCKET_KEYS}
    amounts["total"] = str(rounded(sum(row[key] for key in BUCKET_KEYS), currency))
    return amounts


class AgingView(TenantView):
    parameters = frozenset({"as_of"})

    @extend_schema(
        summary="The aging report",
        description="Open balances by days overdue on as_of (default today in the tenant's "
        "time zone), per currency and per customer and currency; nothing is converted.",
        parameters=[
            OpenApiParameter(
                "as_of", OpenApiTypes.DATE, OpenApiParameter.QUERY, description="YYYY-MM-DD"
            )
        ],
        responses={200: AgingReport},
    )
    def get(self, request) -> Response:
        tenant = self.tenant
        as_of = self._as_of(request, tenant.time_zone)
        totals = [
            {"currency": currency, **_amounts(row, currency)}
            for currency, row in sorted(aging(tenant, as_of).items())
        ]
        customers = [
            {
                "customer": row["customer_id"],
                "customer_name": row["customer_name"],
                "currency": row["currency"],
                **_amounts(row, row["currency"]),
            }
            for row in aging_by_customer(tenant, as_of)
        ]
        buckets = [
            {"key": key, "label": label, "min_days_overdue": low, "max_days_overdue": high}
            for key, label, low, high in BUCKETS
        ]
        return Response(
            {"as_of": as_of, "buckets": buckets, "totals": totals, "customers": customers}
        )

    @staticmethod
    def _as_of(request, zone: str):
        raw = request.query_params.get("as_of")
        if raw is None:
            return local_today(timezone.now(), zone)
        field = serializers.DateField(input_formats=["iso-8601"])
        try:
            as_of = field.to_internal_value(raw)
        except serializers.ValidationError:
            as_of = None
        if as_of is None or not 1900 <= as_of.year <= 9000:
            raise QueryInvalid({"as_of": ["Use an ISO 8601 date: YYYY-MM-DD."]})
        return as_of
