"""The segment pages: the list with matching customers, one segment's rule rows, and the
live count of customers the rows match."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kapittx.models import Tenant
from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view
from reminders.forms.segments import OP_LABELS, SegmentForm, rule_formset
from reminders.models import Segment
from reminders.setup import segments
from reminders.views.common import can_configure, check_can_configure


def _rule_text(rule: dict) -> str:
    value = rule.get("value")
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    field = str(rule.get("field", "")).replace("_", " ")
    return f"{field} {OP_LABELS.get(rule.get('op'), rule.get('op'))} {value}"


def _match_count(tenant: Tenant, rules) -> int | None:
    try:
        segments.validate_rules(rules)
    except ValidationError:
        return None
    return segments.customers_matching(tenant, rules).count()


@tenant_view(Perm.VIEW_RECEIVABLES)
def segment_list(request: HttpRequest) -> HttpResponse:
    """List the segments by priority with their rules, workflow and matching customers."""
    tenant = request.tenant
    rows = [
        {
            "segment": segment,
            "rules": [_rule_text(rule) for rule in segment.rules if isinstance(rule, dict)],
            "matching": _match_count(tenant, segment.rules),
            "problems": segments.rule_problems(segment.rules),
        }
        # One count per segment: a tenant has a handful, and each is one indexed query.
        for segment in scoped(Segment, tenant).select_related("workflow")
    ]
    return render(
        request,
        "reminders/segment_list.html",
        {"rows": rows, "can_edit": can_configure(request)},
    )


@tenant_view(Perm.VIEW_RECEIVABLES)
def segment_edit(request: HttpRequest, segment_id: int) -> HttpResponse:
    """Show a segment; members who configure reminders edit its rules here."""
    segment = get_object_or_404(scoped(Segment, request.tenant), pk=segment_id)
    return _segment_page(request, segment)


@tenant_view(Perm.CONFIGURE_REMINDERS)
def segment_create(request: HttpRequest) -> HttpResponse:
    """Create a segment."""
    return _segment_page(request, Segment(tenant=request.tenant))


def _segment_page(request: HttpRequest, segment: Segment) -> HttpResponse:
    tenant = request.tenant
    rule_errors: list[str] = []
    if request.method == "POST":
        check_can_configure(request)
        form = SegmentForm(request.POST, instance=segment, tenant=tenant)
        rules = rule_formset(request.POST)
        parsed = None
        if rules.is_valid():
            try:
                parsed = rules.rules()
            except ValidationError as exc:
                rule_errors = exc.messages
        if form.is_valid() and parsed is not None:
            form.instance.rules = parsed
            created = segment.pk is None
            segments.save_segment(form.instance)
            done = "created" if created else "saved"
            messages.success(request, f"Segment “{segment.name}” {done}.")
            return redirect("segment_edit", tenant_slug=tenant.slug, segment_id=segment.pk)
        matching = _match_count(tenant, parsed) if parsed is not None else None
    else:
        form = SegmentForm(instance=segment, tenant=tenant)
        rules = rule_formset(rules=segment.rules)
        matching = _match_count(tenant, segment.rules)
    return render(
        request,
        "reminders/segment_edit.html",
        {
            "segment": segment,
            "form": form,
            "rules": rules,
            "rule_errors": rule_errors,
            "rule_texts": [_rule_text(r) for r in segment.rules if isinstance(r, dict)],
            "matching": matching,
            # Saved rules that cannot be evaluated: the segment is skipped until fixed.
            "problems": segments.rule_problems(segment.rules) if segment.pk else [],
            # Of those, the ones that follow this segment as saved (see its preview).
            "following": segments.segment_members(segment).count() if segment.pk else None,
            "can_edit": can_configure(request),
            "ops": {field: list(ops) for field, ops in segments.OPS.items()},
        },
    )


@tenant_view(Perm.VIEW_RECEIVABLES)
@require_POST
def segment_match_count(request: HttpRequest) -> JsonResponse:
    """Return how many customers the posted rule rows match, or why the rules are wrong."""
    rules = rule_formset(request.POST)
    if not rules.is_valid():
        return JsonResponse({"count": None, "errors": ["Check the rule rows."]})
    try:
        parsed = rules.rules()
    except ValidationError as exc:
        return JsonResponse({"count": None, "errors": exc.messages})
    return JsonResponse(
        {"count": segments.customers_matching(request.tenant, parsed).count(), "errors": []}
    )
