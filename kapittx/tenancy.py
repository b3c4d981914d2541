"""The one way views, API calls and tasks reach tenant data.

Pages live under ``/t/<slug>/``; :func:`tenant_view` resolves the slug to the caller's
membership, or answers 404 when the caller is not a member, so a tenant's existence is
never revealed to outsiders. Queries then go through :func:`scoped`.
"""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from kapittx.models import Membership, Tenant
from kapittx.signin.gate import enrolment_needed

M = TypeVar("M", bound=Model)

SESSION_KEY = "kapittx_tenant"


def membership_for(user, slug: str) -> Membership:
    """Return ``user``'s membership in tenant ``slug``, or raise 404."""
    if not user.is_authenticated:
        raise Http404("No such tenant.")
    try:
        return Membership.objects.select_related("tenant").get(user=user, tenant__slug=slug)
    except Membership.DoesNotExist:
        raise Http404("No such tenant.") from None


def scoped(model: type[M], tenant: Tenant | int) -> QuerySet[M]:
    """Return ``model``'s rows that belong to ``tenant`` (a Tenant or its id)."""
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    return model._default_manager.filter(tenant_id=tenant_id)


def tenant_for_task(tenant_id: int) -> Tenant:
    """Return the tenant a task was given; tasks never assume a global tenant."""
    return Tenant.objects.get(pk=tenant_id)


def tenant_view(perm: str | None = None) -> Callable:
    """Decorate a view taking ``tenant_slug``: log-in required, member or 404, a second
    factor where the tenant requires one, ``perm`` or 403.

    The view receives ``request.tenant`` and ``request.membership``.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, tenant_slug: str, *args, **kwargs) -> HttpResponse:
            membership = membership_for(request.user, tenant_slug)
            if enrolment := enrolment_needed(request, membership.tenant):
                return enrolment
            if perm and not membership.can(perm):
                raise PermissionDenied
            request.membership = membership
            request.tenant = membership.tenant
            if request.session.get(SESSION_KEY) != membership.tenant.slug:
                request.session[SESSION_KEY] = membership.tenant.slug
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def tenant_context(request: HttpRequest) -> dict:
    """Template context: the current tenant and the user's tenants for the switcher."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_tenant": getattr(request, "tenant", None),
        "current_membership": getattr(request, "membership", None),
        "my_memberships": Membership.objects.filter(user=user).select_related("tenant"),
    }
