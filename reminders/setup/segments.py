"""Segment rules, evaluated in SQL, and which workflow each customer follows.

A rule is ``{"field": …, "op": …, "value": …}``; a segment matches a customer when all its
rules hold. A customer follows its pinned workflow, else the first matching segment's (lowest
priority number first), else the tenant's default workflow.

Numbers in rules are finite and within ``MOST_NUMBER`` (no NaN, no Infinity). A segment whose
stored rules break that (or are otherwise malformed) cannot be evaluated: it matches nobody,
is passed over when choosing workflows, and its page says why, so it can be fixed there.
"""

import logging
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from kapittx.models import Tenant
from kapittx.money import STORED_DECIMALS
from kapittx.tenancy import scoped
from receivables.models import Customer, Invoice
from reminders.models import PinnedWorkflow, Segment, Workflow
from reminders.outbox import positions

log = logging.getLogger(__name__)

NUMBER_FIELDS = {
    "outstanding": "outstanding",
    "average_days_late": "average_days_late",
    "share_paid_late": "share_paid_late",
}
CHOICE_FIELDS = {"country": "country", "currency": "currency", "language": "language"}
LIST_FIELDS = {"tags": "tags", "preferred_channel": "preferred_channels"}
#: The largest number a rule may compare with (amounts have 12 digits before the point).
MOST_NUMBER = Decimal(10) ** 12
OPS = {
    **{name: ("gte", "lte", "gt", "lt") for name in NUMBER_FIELDS},
    **{name: ("eq", "in") for name in CHOICE_FIELDS},
    **{name: ("has",) for name in LIST_FIELDS},
}


def rule_number(value: object) -> Decimal:
    """Return a rule's ``value`` as a finite number within ``MOST_NUMBER``, else raise
    ValueError."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError(f"{value!r} is not a number.")
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValueError(f"{value!r} is not a number.") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a number; give a finite one such as 1000.")
    if abs(number) >= MOST_NUMBER:
        raise ValueError(f"{value!r} is too large.")
    return number


def rule_problems(rules: object) -> list[str]:
    """Return why ``rules`` cannot be evaluated, rule by rule ([] when they can)."""
    try:
        validate_rules(rules)
    except ValidationError as exc:
        return exc.messages
    return []


def validate_rules(rules: object) -> None:
    """Raise ValidationError naming each malformed rule."""
    if not isinstance(rules, list):
        raise ValidationError({"rules": "Rules must be a list."})
    errors = []
    for index, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or set(rule) != {"field", "op", "value"}:
            errors.append(f"Rule {index}: needs exactly field, op and value.")
            continue
        field, op, value = rule["field"], rule["op"], rule["value"]
        if field not in OPS:
            errors.append(f"Rule {index}: unknown field {field!r}; use one of {sorted(OPS)}.")
        elif op not in OPS[field]:
            errors.append(f"Rule {index}: {field} takes {', '.join(OPS[field])}, not {op!r}.")
        elif field in NUMBER_FIELDS:
            try:
                rule_number(value)
            except ValueError as exc:
                errors.append(f"Rule {index}: {exc}")
        elif op == "in" and not isinstance(value, list):
            errors.append(f"Rule {index}: 'in' needs a list of values.")
        elif field in LIST_FIELDS and not isinstance(value, str):
            errors.append(f"Rule {index}: {field} has takes a text value, not {value!r}.")
    if errors:
        raise ValidationError({"rules": errors})


def _rule_q(rule: dict) -> Q:
    field, op, value = rule["field"], rule["op"], rule["value"]
    if field in NUMBER_FIELDS:
        return Q(**{f"{NUMBER_FIELDS[field]}__{op}": rule_number(value)})
    if field in CHOICE_FIELDS:
        column = CHOICE_FIELDS[field]
        return Q(**{f"{column}__in": value}) if op == "in" else Q(**{column: value})
    if not isinstance(value, str):
        # Only text elements count, so a rule saved before values were checked matches none.
        return Q(pk__in=[])
    return Q(**{f"{LIST_FIELDS[field]}__has_iexact": value})


def customers_matching(tenant: Tenant, rules: list[dict]) -> QuerySet[Customer]:
    """Return the tenant's customers that satisfy every rule (none when the rules cannot be
    evaluated)."""
    if rule_problems(rules):
        return scoped(Customer, tenant).none()
    outstanding = (
        scoped(Invoice, tenant)
        .open()
        .filter(customer=OuterRef("pk"))
        .values("customer")
        .annotate(total=Sum("balance"))
        .values("total")
    )
    customers = scoped(Customer, tenant)
    if any(rule["field"] == "outstanding" for rule in rules):
        money = DecimalField(max_digits=18, decimal_places=STORED_DECIMALS)
        customers = customers.annotate(
            outstanding=Coalesce(Subquery(outstanding, output_field=money), Value(Decimal(0)))
        )
    query = Q()
    for rule in rules:
        query &= _rule_q(rule)
    return customers.filter(query)


def segment_members(segment: Segment) -> QuerySet[Customer]:
    """Return the customers who follow ``segment``'s workflow: matched by it, not pinned to a
    workflow, and matched by no segment that comes before it."""
    tenant = segment.tenant
    members = customers_matching(tenant, segment.rules).exclude(
        pk__in=scoped(PinnedWorkflow, tenant).values("customer_id")
    )
    earlier = scoped(Segment, tenant).filter(
        Q(priority__lt=segment.priority) | Q(priority=segment.priority, pk__lt=segment.pk)
    )
    for other in earlier:
        if not rule_problems(other.rules):
            members = members.exclude(pk__in=customers_matching(tenant, other.rules).values("pk"))
    return members


def assigned_workflows(tenant: Tenant, customer_ids: Iterable[int]) -> dict[int, int]:
    """Return ``{customer_id: workflow_id}`` for those of the given customers pinned to a
    workflow or matched by a segment; the others follow the default workflow."""
    wanted = set(customer_ids)
    result: dict[int, int] = dict(
        scoped(PinnedWorkflow, tenant)
        .filter(customer_id__among=wanted)
        .order_by()
        .values_list("customer_id", "workflow_id")
    )
    for segment in scoped(Segment, tenant).order_by("priority", "pk"):
        open_ids = wanted - result.keys()
        if not open_ids:
            break
        if problems := rule_problems(segment.rules):
            log.info("segment %s of tenant %s skipped: %s", segment.pk, tenant.pk, problems)
            continue
        matched = customers_matching(tenant, segment.rules).filter(pk__among=open_ids)
        result.update(dict.fromkeys(matched.values_list("pk", flat=True), segment.workflow_id))
    return result


def workflows_for(tenant: Tenant, customer_ids: Iterable[int]) -> dict[int, int | None]:
    """Return ``{customer_id: workflow_id}`` for the given customers (None: no workflow)."""
    default = scoped(Workflow, tenant).filter(is_default=True).values_list("pk", flat=True).first()
    result: dict[int, int | None] = dict.fromkeys(customer_ids, default)
    result.update(assigned_workflows(tenant, result))
    return result


@transaction.atomic
def save_segment(segment: Segment) -> Segment:
    """Save ``segment`` (rules already checked with ``validate_rules``); the next sweep places
    the tenant's open invoices again."""
    segment.save()
    positions.look_again_for_tenant(segment.tenant)
    return segment
