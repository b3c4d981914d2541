"""The template pages: the list by key, the editor with its live preview, new keys and
copies in other languages. Templates are saved only through ``messages.templates``."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kapittx.content_policy import shows_email_html
from kapittx.models import Tenant
from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view
from receivables.models import Customer, Invoice
from reminders.forms.common import add_errors
from reminders.forms.templates import NewTemplateForm, TemplateForm, VariantForm
from reminders.messages import limits
from reminders.messages.compose import compose, latest_promises
from reminders.messages.render import PARTS, validate_template
from reminders.messages.templates import copy_template, save_template
from reminders.models import Step, Template
from reminders.views.common import can_configure, check_can_configure, to_int


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
        {"groups": groups, "can_edit": can_configure(request), "new_form": NewTemplateForm()},
    )


def _in_language(variants: list[Template], language: str) -> Template:
    """Return the variant in ``language``, else English, else the first."""
    by_language = {t.language: t for t in variants}
    return by_language.get(language) or by_language.get("en") or variants[0]


@tenant_view(Perm.CONFIGURE_REMINDERS)
def template_create(request: HttpRequest) -> HttpResponse:
    """Start a new template key in one language, empty but for its name as the subject."""
    form = NewTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Every template needs a subject, and this form has no field for one.
        subject = form.cleaned_data["name"]
        template = Template(tenant=request.tenant, subject=subject, **form.cleaned_data)
        try:
            save_template(template)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(
                "template_edit", tenant_slug=request.tenant.slug, template_id=template.pk
            )
    return render(request, "reminders/template_new.html", {"form": form})


@tenant_view(Perm.VIEW_RECEIVABLES)
@shows_email_html
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    """Edit one template; it is saved only through ``messages.templates.save_template``."""
    tenant = request.tenant
    template = get_object_or_404(scoped(Template, tenant), pk=template_id)
    can_edit = can_configure(request)
    if request.method == "POST":
        check_can_configure(request)
        form = TemplateForm(request.POST, instance=template)
        if form.is_valid():
            try:
                save_template(form.instance)
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
    owing = scoped(Invoice, tenant).open().filter(customer=OuterRef("pk"))
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
            copy = copy_template(source, form.cleaned_data["language"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Copied to {copy}; translate it and save.")
            return redirect("template_edit", tenant_slug=tenant.slug, template_id=copy.pk)
    return redirect("template_edit", tenant_slug=tenant.slug, template_id=source.pk)


def _tone_of(template: Template) -> str:
    """Return the tone the steps using ``template`` speak in ("" when none uses it)."""
    return (
        scoped(Step, template.tenant_id)
        .filter(template_key=template.key)
        .order_by("-offset_days")
        .values_list("tone", flat=True)
        .first()
        or ""
    )


@tenant_view(Perm.VIEW_RECEIVABLES)
@require_POST
def template_preview(request: HttpRequest, template_id: int) -> JsonResponse:
    """Render the editor's unsaved parts for a real customer's open invoices, with a sample
    portal link; save nothing."""
    tenant = request.tenant
    template = get_object_or_404(scoped(Template, tenant), pk=template_id)
    customer_id = to_int(request.POST.get("customer"))
    if customer_id is None:
        return JsonResponse(
            {"ok": False, "errors": {"customer": ["Choose a customer to preview for."]}},
            status=400,
        )
    customer = get_object_or_404(scoped(Customer, tenant).select_related("tenant"), pk=customer_id)
    draft = Template(
        tenant=tenant,
        key=template.key,
        language=template.language,
        name=template.name,
        **{part: request.POST.get(part, "") for part in PARTS},
    )
    invoices = list(scoped(Invoice, tenant).open().filter(customer=customer))
    about = {"customer": customer.name, "invoices": len(invoices), "recipient": ""}
    try:
        # The sample check finds every failing part (and multi-currency traps); the real
        # composition then shows exactly what this customer would get by email. Both share
        # one render budget, so a preview takes about a second at most.
        with limits.budget():
            validate_template(draft)
            message = compose(
                customer=customer,
                channel="email",
                template=draft,
                invoices=invoices,
                promise=latest_promises(tenant.pk, [customer.pk]).get(customer.pk),
                now=timezone.now(),
                tone=_tone_of(template),
                all_parts=True,
                contact_required=False,
                # Whoever previews may not act for the customer: no working portal link.
                sample_link=True,
            )
    except ValidationError as exc:
        return JsonResponse({**about, "ok": False, "errors": exc.message_dict})
    return JsonResponse(
        {
            **about,
            "recipient": message.recipient,
            "ok": True,
            **{part: getattr(message.rendered, part) for part in PARTS},
        }
    )
