"""Where a signed-in user must show a second factor before going on.

A user with an authenticator app signs in with the password and is then held at the code
page until a code verifies the session (django-otp's ``is_verified``), whichever login page
they came through (the app's or the admin's) and whatever they ask for next (pages,
fragments, the API). A tenant that requires two-factor sign-in sends its members without
an app to set one up (:func:`enrolment_needed`, called by ``kapittx.tenancy.tenant_view``).
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from kapittx.models import Tenant
from kapittx.signin.devices import has_two_factor

#: Pages open to a session that still owes its code: the way to give it, to leave, and
#: pages that do not depend on who is signed in.
OPEN_VIEWS = frozenset(
    {
        "login",
        "login_code",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "portal",
    }
)


def is_verified(user) -> bool:
    """Return whether this session's user gave a second factor (django-otp's middleware)."""
    return bool(getattr(user, "is_verified", lambda: False)())


class SecondFactorMiddleware:
    """Send a signed-in user who owes a code to the code page before any other view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or request.resolver_match.view_name in OPEN_VIEWS:
            return None
        if is_verified(user) or not has_two_factor(user):
            return None
        return redirect_to_login(request.get_full_path(), reverse("login_code"))


def enrolment_needed(request: HttpRequest, tenant: Tenant) -> HttpResponse | None:
    """Send a member of a tenant that requires two-factor sign-in, and who has not given a
    second factor, to set one up; None when they may go on."""
    if not tenant.require_two_factor or is_verified(request.user):
        return None
    messages.info(request, f"{tenant.name} requires two-factor sign-in: set it up to continue.")
    return redirect_to_login(request.get_full_path(), reverse("account_security"))
