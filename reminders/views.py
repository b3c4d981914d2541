"""Dashboard pages for reminders: workflows, templates, segments, the outbox and the preview.

Everyone in the tenant may look (``VIEW_RECEIVABLES``); changing the set-up takes
``CONFIGURE_REMINDERS``. Rows are always fetched through ``scoped`` so another tenant's id
is a 404, never a peek.
"""

from itertools import groupby
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from collections_app.models import PromiseToPay
from kapittx.models import Tenant
from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view
from receivables.models import OPEN_STATUSES, Customer, Invoice
from receivables.portal import portal_url
from reminders import actions, engine, rendering, segments, windows
from reminders.channels import CHANNEL_CHOICES
from reminders.contacts import pick_contact
from reminders.forms import (
    OP_LABELS,
    NewTemplateForm,
    SegmentForm,
    StepFormSet,
    TemplateForm,
    VariantForm,
    WorkflowForm,
    add_errors,
    rule_formset,
)
from reminders.models import (
    PENDING_STATUSES,
    DeliveryEvent,
    Dispatch,
    DispatchInvoice,
    DispatchStatus,
    Segment,
    Step,
    Template,
    Workflow,
)

OUTBOX_PAGE_SIZE = 50
PREVIEW_DEFAULT_DAYS = 14
PREVIEW_MAX_DAYS = 60
#: Statuses whose ``reason`` (or error) the outbox shows beside them.
EXPLAINED_STATUSES = frozenset(
    {
        DispatchStatus.BLOCKED,
        DispatchStatus.SKIPPED,
        DispatchStatus.FAILED,
        DispatchStatus.CANCELLED,
        DispatchStatus.BOUNCED,
    }
)


def _can_configure(request: HttpRequest) -> bool:
    return request.membership.can(Perm.CONFIGURE_REMINDERS)


def _check_can_configure(request: HttpRequest) -> None:
    if not _can_configure(request):
        raise PermissionDenied


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _count_of(queryset, column: str) -> Coalesce:
    """Return a per-row count from ``queryset`` (filtered on ``column=OuterRef("pk")``)."""
    counted = (
        queryset.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- workflows -------------------------------------------------------------------------------


@tenant_view(Perm.VIEW_RECEIVABLES)
def workflow_list(request: HttpRequest) -> HttpResponse:
    """List the workflows with how many steps, pinned customers and segments each has."""
    tenant = request.tenant
    workflows = scoped(Workflow, tenant).annotate(
        step_count=_count_of(scoped(Step, tenant), "workflow"),
        pinned_count=_count_of(scoped(Customer, tenant), "workflow"),
        segment_count=_count_of(scoped(Segment, tenant), "workflow"),
    )
    return render(
        request,
        "reminders/workflow_list.html",
        {"workflows": workflows, "can_edit": _can_configure(request)},
    )


@tenant_view(Perm.VIEW_RECEIVABLES)
def workflow_detail(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """Show a workflow's options and steps; members who configure reminders edit them here."""
    workflow = get_object_or_404(scoped(Workflow, request.tenant), pk=workflow_id)
    return _workflow_page(request, workflow)


@tenant_view(Perm.CONFIGURE_REMINDERS)
def workflow_create(request: HttpRequest) -> HttpResponse:
    """Create a workflow with its first steps."""
    return _workflow_page(request, Workflow(tenant=request.tenant))


def _workflow_page(request: HttpRequest, workflow: Workflow) -> HttpResponse:
    tenant, can_edit = request.tenant, _can_configure(request)
    data = None
    if request.method == "POST":
        _check_can_configure(request)
        data = request.POST
    form = WorkflowForm(data, instance=workflow, tenant=tenant)
    steps = StepFormSet(data, instance=workflow, tenant=tenant, prefix="steps")
    if data is not None and form.is_valid() and steps.is_valid():
        created = workflow.pk is None
        actions.save_workflow(form.instance, steps)
        done = "created" if created else "saved"
        messages.success(request, f"Workflow “{workflow.name}” {done}.")
        return redirect("workflow_detail", tenant_slug=tenant.slug, workflow_id=workflow.pk)
    saved_steps = scoped(Step, tenant).filter(workflow=workflow) if workflow.pk else []
    return render(
        request,
        "reminders/workflow_detail.html",
        {
            "workflow": workflow,
            "form": form,
            "steps": steps,
            "saved_steps": saved_steps,
            "can_edit": can_edit,
            "pinned_count": scoped(Customer, tenant).filter(workflow=workflow).count()
            if workflow.pk
            else 0,
            "segments": scoped(Segment, tenant).filter(workflow=workflow) if workflow.pk else [],
        },
    )


@tenant_view(Perm.CONFIGURE_REMINDERS)
@require_POST
def workflow_set_default(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """Make the workflow the tenant's default (the old default stops being one)."""
    workflow = get_object_or_404(scoped(Workflow, request.tenant), pk=workflow_id)
    actions.set_default_workflow(workflow)
    messages.success(request, f"“{workflow.name}” is now the default workflow.")
    return redirect("workflow_list", tenant_slug=request.tenant.slug)


# --- templates -------------------------------------------------------------------------------


@tenant_view(Perm.VIEW_RECEIVABLES)
def template_list(request: HttpRequest) -> HttpResponse:
    """List the templates grouped by key, with the languages each key is written in."""
    tenant = request.tenant
    rows = scoped(Template, tenant).only("id", "key", "language", "name", "updated_at")
    used = dict(scoped(Step, tenant).order_by().values_list("template_key").annotate(n=Count("pk")))
    groups = [
        {
            "key": key,
            "variants": variants,
            "name": _in_language(variants, tenant.language).name,
            "steps": used.get(key, 0),
            "updated_at": max(t.updated_at for t in variants),
        }
        for key, variants in ((key, list(items)) for key, items in groupby(rows, lambda t: t.key))
    ]
    return render(
        request,
        "reminders/template_list.html",
        {"groups": groups, "can_edit": _can_configure(request), "new_form": NewTemplateForm()},
    )


def _in_language(variants: list[Template], language: str) -> Template:
    """Return the variant in ``language``, else English, else the first."""
    by_language = {t.language: t for t in variants}
    return by_language.get(language) or by_language.get("en") or variants[0]


@tenant_view(Perm.CONFIGURE_REMINDERS)
def template_create(request: HttpRequest) -> HttpResponse:
    """Start a new template key in one language, empty."""
    form = NewTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        template = Template(tenant=request.tenant, **form.cleaned_data)
        try:
            rendering.save_template(template)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(
                "template_edit", tenant_slug=request.tenant.slug, template_id=template.pk
            )
    return render(request, "reminders/template_new.html", {"form": form})


@tenant_view(Perm.VIEW_RECEIVABLES)
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    """Edit one template; it is saved only through ``rendering.save_template``."""
    tenant = request.tenant
    template = get_object_or_404(scoped(Template, tenant), pk=template_id)
    can_edit = _can_configure(request)
    if request.method == "POST":
        _check_can_configure(request)
        form = TemplateForm(request.POST, instance=template)
        if form.is_valid():
            try:
                rendering.save_template(form.instance)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"Template {template} saved.")
                return redirect("template_edit", tenant_slug=tenant.slug, template_id=template.pk)
    else:
        form = TemplateForm(instance=template, read_only=not can_edit)
    variants = scoped(Template, tenant).filter(key=template.key).only("id", "key", "language")
    return render(
        request,
        "reminders/template_edit.html",
        {
            "template": template,
            "form": form,
            "can_edit": can_edit,
            "variants": variants,
            "variant_form": VariantForm(),
            "customers": _customers_with_open_invoices(tenant),
        },
    )


def _customers_with_open_invoices(tenant: Tenant, limit: int = 200):
    owing = scoped(Invoice, tenant).filter(
        customer=OuterRef("pk"), status__in=OPEN_STATUSES, balance__gt=0
    )
    return scoped(Customer, tenant).filter(Exists(owing)).only("id", "name", "language")[:limit]


@tenant_view(Perm.CONFIGURE_REMINDERS)
@require_POST
def template_variant(request: HttpRequest, template_id: int) -> HttpResponse:
    """Copy a template into another language and open the copy."""
    tenant = request.tenant
    source = get_object_or_404(scoped(Template, tenant), pk=template_id)
    form = VariantForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the language of the new variant, e.g. de.")
    elif (
        scoped(Template, tenant)
        .filter(key=source.key, language__iexact=form.cleaned_data["language"])
        .exists()
    ):
        messages.error(request, f"{source.key} already has a {form.cleaned_data['language']} text.")
    else:
        try:
            copy = actions.copy_template(source, form.cleaned_data["language"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Copied to {copy}; translate it and save.")
            return redirect("template_edit", tenant_slug=tenant.slug, template_id=copy.pk)
    return redirect("template_edit", tenant_slug=tenant.slug, template_id=source.pk)


@tenant_view(Perm.VIEW_RECEIVABLES)
@require_POST
def template_preview(request: HttpRequest, template_id: int) -> JsonResponse:
    """Render the editor's unsaved parts for a real customer's open invoices; save nothing."""
    tenant = request.tenant
    template = get_object_or_404(scoped(Template, tenant), pk=template_id)
    customer = get_object_or_404(
        scoped(Customer, tenant).select_related("tenant"), pk=_int(request.POST.get("customer"))
    )
    draft = Template(
        tenant=tenant,
        key=template.key,
        language=template.language,
        name=template.name,
        **{part: request.POST.get(part, "") for part in rendering.PARTS},
    )
    invoices = list(
        scoped(Invoice, tenant)
        .filter(customer=customer, status__in=OPEN_STATUSES, balance__gt=0)
        .order_by("due_date", "number")
    )
    picked = pick_contact(customer, "email")
    about = {
        "customer": customer.name,
        "invoices": len(invoices),
        "recipient": picked[1] if picked else "",
    }
    try:
        # The sample check finds every failing part (and multi-currency traps); the real
        # render then shows exactly what this customer would get.
        rendering.validate_template(draft)
        message = rendering.render(draft, _preview_context(tenant, customer, invoices, picked))
    except ValidationError as exc:
        return JsonResponse({**about, "ok": False, "errors": exc.message_dict})
    return JsonResponse(
        {**about, "ok": True, **{part: getattr(message, part) for part in rendering.PARTS}}
    )


def _preview_context(tenant: Tenant, customer: Customer, invoices, picked) -> dict:
    # The same inputs the sender uses (reminders.sending), read-only.
    return rendering.build_context(
        tenant=tenant,
        customer=customer,
        invoices=invoices,
        contact=picked[0] if picked else None,
        today=windows.local_today(timezone.now(), customer.effective_time_zone()),
        portal_url=portal_url(customer),
        promise=scoped(PromiseToPay, tenant)
        .filter(
            customer=customer, status__in=[PromiseToPay.Status.OPEN, PromiseToPay.Status.BROKEN]
        )
        .order_by("-created_at")
        .first(),
    )


# --- segments --------------------------------------------------------------------------------


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
        }
        # One count per segment: a tenant has a handful, and each is one indexed query.
        for segment in scoped(Segment, tenant).select_related("workflow")
    ]
    return render(
        request,
        "reminders/segment_list.html",
        {"rows": rows, "can_edit": _can_configure(request)},
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
        _check_can_configure(request)
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
            actions.save_segment(form.instance)
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
            # Of those, the ones that follow this segment as saved (see its preview).
            "following": segments.segment_members(segment).count() if segment.pk else None,
            "can_edit": _can_configure(request),
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


# --- outbox ----------------------------------------------------------------------------------


@tenant_view(Perm.VIEW_RECEIVABLES)
def outbox(request: HttpRequest) -> HttpResponse:
    """List the tenant's reminders, newest first, filtered by status, channel and customer."""
    tenant = request.tenant
    dispatches = scoped(Dispatch, tenant).select_related("customer")
    status = request.GET.get("status", "")
    if status in DispatchStatus.values:
        dispatches = dispatches.filter(status=status)
    channel = request.GET.get("channel", "")
    if channel in dict(CHANNEL_CHOICES):
        dispatches = dispatches.filter(channel=channel)
    customer = None
    if customer_id := _int(request.GET.get("customer")):
        customer = get_object_or_404(scoped(Customer, tenant), pk=customer_id)
        dispatches = dispatches.filter(customer=customer)
    query = request.GET.get("q", "").strip()
    if query:
        dispatches = dispatches.filter(
            Q(customer__name__icontains=query) | Q(recipient__icontains=query)
        )
    page = Paginator(dispatches, OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "reminders/outbox.html",
        {
            "page": page,
            "status": status,
            "channel": channel,
            "customer": customer,
            "query": query,
            "statuses": DispatchStatus.choices,
            "channels": CHANNEL_CHOICES,
            "explained": EXPLAINED_STATUSES,
            "filter_query": params.urlencode(),
        },
    )


@tenant_view(Perm.VIEW_RECEIVABLES)
def dispatch_detail(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    """Show exactly what one reminder said, to whom, about which invoices, and what became of it."""
    tenant = request.tenant
    dispatch = get_object_or_404(
        scoped(Dispatch, tenant).select_related("customer", "workflow", "step", "contact"),
        pk=dispatch_id,
    )
    return render(
        request,
        "reminders/dispatch_detail.html",
        {
            "dispatch": dispatch,
            "lines": scoped(DispatchInvoice, tenant)
            .filter(dispatch=dispatch)
            .select_related("invoice"),
            "events": scoped(DeliveryEvent, tenant).filter(dispatch=dispatch),
            "explained": EXPLAINED_STATUSES,
            "can_act": request.membership.can(Perm.RUN_COLLECTIONS),
            "cancellable": dispatch.status in PENDING_STATUSES,
            "sendable_again": dispatch.status in actions.SENDABLE_AGAIN,
        },
    )


@tenant_view(Perm.RUN_COLLECTIONS)
@require_POST
def dispatch_cancel(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    """Stop a reminder that has not left yet."""
    dispatch = get_object_or_404(scoped(Dispatch, request.tenant), pk=dispatch_id)
    if actions.cancel_dispatch(dispatch, request.user):
        messages.success(request, "Reminder cancelled; it will not be sent.")
    else:
        messages.error(request, "Too late to cancel: this reminder is being sent or has left.")
    return redirect("dispatch_detail", tenant_slug=request.tenant.slug, dispatch_id=dispatch.pk)


@tenant_view(Perm.RUN_COLLECTIONS)
@require_POST
def dispatch_send_again(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    """Put a failed, blocked or cancelled reminder back in line."""
    dispatch = get_object_or_404(scoped(Dispatch, request.tenant), pk=dispatch_id)
    if actions.send_again(dispatch, request.user):
        messages.success(
            request, "Reminder back in line: it goes out at the next allowed moment, once the "
            "contact rules allow it.",
        )
    else:
        messages.error(request, "Only failed, blocked or cancelled reminders can be sent again.")
    return redirect("dispatch_detail", tenant_slug=request.tenant.slug, dispatch_id=dispatch.pk)


# --- preview ---------------------------------------------------------------------------------


def preview_days(value: str | None) -> int:
    """Return the preview horizon asked for, between 1 and ``PREVIEW_MAX_DAYS``."""
    days = _int(value)
    if days is None:
        return PREVIEW_DEFAULT_DAYS
    return max(1, min(days, PREVIEW_MAX_DAYS))


def upcoming_rows(
    tenant: Tenant, days: int, customers: engine.Customers | None = None
) -> list[dict]:
    """Return the reminders ``engine.preview`` expects over ``days`` (for ``customers`` only,
    when given), ready for a table."""
    upcoming = engine.preview(tenant, days, customers=customers)
    names = dict(
        scoped(Customer, tenant)
        .filter(pk__in={p.item.customer_id for p in upcoming})
        .values_list("pk", "name")
    )
    zone = ZoneInfo(tenant.time_zone)
    rows = []
    for p in upcoming:
        step = p.item.slot.step
        rows.append(
            {
                "on": p.on.astimezone(zone),
                "customer_id": p.item.customer_id,
                "customer": names.get(p.item.customer_id, ""),
                "channel": step.get_channel_display(),
                "template_key": step.template_key,
                "tone": step.get_tone_display(),
                "repeat": p.item.slot.repeat,
                # Balances in several currencies cannot be added up; say so instead.
                "amount": p.item.amount if len(p.item.currencies) == 1 else None,
                "currencies": ", ".join(p.item.currencies),
                "invoices": len(p.item.invoice_ids),
            }
        )
    return rows


@tenant_view(Perm.VIEW_RECEIVABLES)
def reminder_preview(request: HttpRequest) -> HttpResponse:
    """Show what will be sent over the next N days (``?days=``, at most 60), to the whole
    tenant or to the customers of one segment (``?segment=``)."""
    tenant = request.tenant
    days = preview_days(request.GET.get("days"))
    segment = None
    if request.GET.get("segment"):
        segment = get_object_or_404(scoped(Segment, tenant), pk=_int(request.GET["segment"]))
    return render(
        request,
        "reminders/preview.html",
        {
            "days": days,
            "max_days": PREVIEW_MAX_DAYS,
            "segments": scoped(Segment, tenant).order_by("priority", "pk"),
            "segment": segment,
            "rows": upcoming_rows(
                tenant, days, segments.segment_members(segment) if segment else None
            ),
        },
    )
