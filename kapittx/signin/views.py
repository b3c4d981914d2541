"""The pages of two-factor sign-in: the code after the password, a user's own set-up, and
an owner's rule for the tenant."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from kapittx.models import Membership
from kapittx.roles import Perm, Role
from kapittx.signin import devices
from kapittx.signin.forms import CodeForm, TenantSecurityForm
from kapittx.signin.gate import is_verified
from kapittx.tenancy import tenant_view


def _next_url(request: HttpRequest) -> str:
    """Return where to go afterwards: ``next`` when it stays on this site, else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _wrong_code(form: CodeForm, check: devices.CodeCheck) -> None:
    if check.retry_at:
        form.add_error(
            "code", f"Too many wrong codes: try again after {check.retry_at:%H:%M:%S} UTC."
        )
    else:
        form.add_error("code", "That code is not right. Check the app and try again.")


def _verified_with(request: HttpRequest, device) -> None:
    # A session that gained a factor gets a new key, as at sign-in.
    otp_login(request, device)
    request.session.cycle_key()


@login_required
@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the app (or a backup code) after the password."""
    next_url = _next_url(request)
    if is_verified(request.user) or not devices.has_two_factor(request.user):
        return redirect(next_url)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        check = devices.check_code(request.user, form.cleaned_data["code"])
        if check.device is not None:
            _verified_with(request, check.device)
            return redirect(next_url)
        _wrong_code(form, check)
    return render(request, "registration/code.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "POST"])
def account_security(request: HttpRequest) -> HttpResponse:
    """Set up, renew or turn off one's own two-factor sign-in."""
    user, action = request.user, request.POST.get("action")
    form = CodeForm(request.POST if action in {"confirm", "off"} else None)
    if action == "start" and not devices.has_two_factor(user):
        devices.start_enrolment(user)
        return redirect(request.get_full_path())
    if action == "confirm" and form.is_valid() and (pending := devices.pending_enrolment(user)):
        check, codes = devices.confirm_enrolment(pending, form.cleaned_data["code"])
        if check.device is not None:
            _verified_with(request, check.device)
            return _show_backup_codes(request, codes)
        _wrong_code(form, check)
    if action == "codes" and devices.has_two_factor(user):
        return _show_backup_codes(request, devices.replace_backup_codes(user))
    if action == "off" and form.is_valid():
        check = devices.check_code(user, form.cleaned_data["code"])
        if check.device is not None:
            devices.turn_off(user)
            messages.success(request, "Two-factor sign-in is off: the password alone signs in.")
            return redirect(request.path)
        _wrong_code(form, check)
    app = devices.app_device(user)
    pending = None if app else devices.pending_enrolment(user)
    context = {
        "form": form,
        "action": action,
        "app": app,
        "pending": pending,
        "qr_code": devices.qr_code_svg(pending) if pending else "",
        "secret": devices.secret_text(pending) if pending else "",
        "codes_left": devices.backup_codes_left(user) if app else 0,
        "next": _next_url(request) if "next" in request.GET or "next" in request.POST else "",
        "owned": Membership.objects.filter(user=user, role=Role.OWNER).select_related("tenant"),
    }
    return render(request, "kapittx/account_security.html", context)


def _show_backup_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    """Show the backup codes, this once: they are not shown again."""
    response = render(
        request, "kapittx/backup_codes.html", {"codes": codes, "next": _next_url(request)}
    )
    response["Cache-Control"] = "no-store"
    return response


@tenant_view(Perm.MANAGE_TENANT)
@require_http_methods(["GET", "POST"])
def tenant_security(request: HttpRequest) -> HttpResponse:
    """Let the owner require two-factor sign-in of every member of the tenant."""
    # An unticked box posts nothing: an empty POST is still a POST.
    data = request.POST if request.method == "POST" else None
    form = TenantSecurityForm(data, instance=request.tenant, verified=is_verified(request.user))
    if request.method == "POST" and form.is_valid():
        form.save(commit=False).save(update_fields=["require_two_factor"])
        state = "now required" if form.instance.require_two_factor else "no longer required"
        messages.success(request, f"Two-factor sign-in is {state} for {request.tenant.name}.")
        return redirect(request.path)
    return render(request, "kapittx/tenant_security.html", {"form": form})
