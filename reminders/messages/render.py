"""Choosing a template for a customer, checking one against sample data, and rendering it."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from reminders.messages import limits
from reminders.messages.context import FALLBACK_LANGUAGE, sample_context
from reminders.messages.sandbox import HTML_PARTS, TemplateError, render_part
from reminders.messages.sized_cache import SizedCache
from reminders.models import Template
from reminders.outbox.batch_memo import memo

#: The parts of a template, in the order they are checked; all but ``body_html`` are text.
PARTS = ("subject", "body_html", "body_text", "short_text", "voice_script")

_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


@dataclass(frozen=True)
class Rendered:
    """One template rendered for one customer."""

    subject: str = ""
    body_html: str = ""
    body_text: str = ""
    short_text: str = ""
    voice_script: str = ""


def validate_template(template: Template) -> None:
    """Render every non-empty part against sample data; raise TemplateError if any fails.

    Two samples are used — one currency and several — so a template that only works when
    ``total_due`` is set is caught before it meets a customer billed in two currencies.
    All parts are checked within one render budget (``limits``).
    """
    errors = {}
    with limits.budget() as running:
        for part in PARTS:
            source = getattr(template, part)
            if source and (reason := _check_part(part, source, template.language)):
                errors[part] = [reason]
                if running.expired():
                    break  # the other parts would only repeat that time ran out
    if errors:
        raise TemplateError(errors)


#: Bytes the sources known to pass the check may take in each process.
CHECKED_CACHE_BYTES = 4 * 1024 * 1024
# Every new tenant saves the same library texts; the samples only change with the date,
# which no template's validity depends on. Only passes are kept: a failure may be the
# budget's, shared with the other parts.
_passed: SizedCache[tuple[str, str, str], bool] = SizedCache(
    CHECKED_CACHE_BYTES, lambda key, _: 200 + sum(map(len, key))
)


def _check_part(part: str, source: str, language: str) -> str | None:
    """Return why ``source`` fails against the sample contexts, or None if it renders."""
    if (part, source, language) in _passed:
        return None
    for currencies in (("EUR",), ("EUR", "USD")):
        try:
            render_part(part, source, sample_context(language, currencies=currencies))
        except TemplateError as exc:
            return exc.message_dict[part][0]
    _passed.put((part, source, language), True)
    return None


def language_candidates(language: str, tenant_language: str) -> list[str]:
    """Return the languages to try, best first: exact, its base, the tenant's, then English."""
    wanted = []
    for code in (language, tenant_language, FALLBACK_LANGUAGE):
        code = _normal(code)
        for candidate in (code, code.split("-")[0]):
            if candidate and candidate not in wanted:
                wanted.append(candidate)
    return wanted


def _normal(language: str) -> str:
    return (language or "").strip().replace("_", "-").lower()


def pick_template(tenant: Tenant, key: str, language: str) -> Template:
    """Return ``tenant``'s template ``key`` in the best language for ``language``."""
    available = memo(
        ("templates", tenant.pk, key),
        lambda: {_normal(t.language): t for t in scoped(Template, tenant).filter(key=key)},
    )
    for candidate in language_candidates(language, tenant.language):
        if candidate in available:
            return available[candidate]
    raise Template.DoesNotExist(
        f"Tenant {tenant.slug!r} has no template {key!r} in {language or 'any language'!r}, "
        f"its base language, the tenant's language or English."
    )


def render(template: Template, context: dict[str, Any], parts: Iterable[str] = PARTS) -> Rendered:
    """Render ``parts`` (default: every part) of ``template``; raise TemplateError if one fails.

    The parts share one render budget (``limits``), or the caller's when it opened one.

    Numbers and dates follow the customer's language (``locale``) when the template is
    written in it or its base — ``de-CH`` in a ``de`` template — else the template's own,
    so a fallback English text never carries German number formats.
    """
    locale = context.get("locale") or template.language
    if _normal(locale).split("-")[0] != _normal(template.language).split("-")[0]:
        locale = template.language
    context = {**context, "locale": locale}
    wanted, parts = set(parts), {}
    with limits.budget():  # one budget for the whole message
        for part in PARTS:
            source = getattr(template, part) if part in wanted else ""
            text = render_part(part, source, context).strip() if source else ""
            # An empty optional block (no portal link, say) must not leave a gap of blank
            # lines.
            parts[part] = text if part in HTML_PARTS else _BLANK_LINES.sub("\n\n", text)
    # A subject is one header line; a stray newline would break the message.
    parts["subject"] = " ".join(parts["subject"].split())
    return Rendered(**parts)
