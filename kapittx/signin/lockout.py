"""The page a locked-out sign-in gets instead of the form (django-axes' lockout response)."""

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

#: Too Many Requests: the same status axes answers with by default.
LOCKED_OUT = 429


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """Say that sign-in is paused and when it may be tried again.

    Every attempt during the lockout counts as a failure and starts the wait again, so the
    wait always ends one cool-off after this attempt.
    """
    until = timezone.now() + get_cool_off(request)
    return render(request, "registration/locked_out.html", {"until": until}, status=LOCKED_OUT)
