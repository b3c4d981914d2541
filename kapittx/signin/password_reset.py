"""Password reset by email: Django's views, with requests throttled and the link built from
the public address rather than the request's Host header."""

from hashlib import sha256

from axes.utils import reset as reset_lockout
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render

from kapittx.signin.throttle import client_address, within_limit

HOUR = 3600


class ResetRequestView(auth_views.PasswordResetView):
    """Ask for a reset link by email; the answer is the same whether the address is known.

    Requests are counted per client address (over the limit: a page saying so) and per
    email address (over the limit: the usual answer, and no more mail to that inbox).
    """

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    @property
    def extra_email_context(self) -> dict:
        # Read per request, by PasswordResetView.form_valid.
        return {"public_url": settings.KAPITTX_PUBLIC_URL}

    def form_valid(self, form) -> HttpResponse:
        address = client_address(self.request) or "unknown"
        if not within_limit(
            f"kapittx:reset:address:{address}", settings.KAPITTX_RESET_REQUESTS_PER_ADDRESS, HOUR
        ):
            return render(self.request, "registration/password_reset_paused.html", status=429)
        email = form.cleaned_data["email"].strip().lower()
        digest = sha256(email.encode()).hexdigest()
        if not within_limit(
            f"kapittx:reset:email:{digest}", settings.KAPITTX_RESET_REQUESTS_PER_EMAIL, HOUR
        ):
            return redirect(self.get_success_url())
        return super().form_valid(form)


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from the emailed link; it also ends a lockout of that account."""

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        reset_lockout(username=form.user.email.lower())
        return response
