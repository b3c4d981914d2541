"""The Jinja2 sandbox templates run in, and rendering one part of a template.

Templates are written by tenant members, so they run in Jinja2's immutable sandbox with
``StrictUndefined``: a misspelt variable is an error at save time, not a blank in a sent
message. HTML parts are autoescaped; text parts (subject, plain body, SMS, voice) are not.
"""

import re
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2 import Template as JinjaTemplate
from jinja2.ext import Extension
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from reminders.messages.formatting import format_date, money, nl2br

HTML_PARTS = frozenset({"body_html"})
# Guards against a template that builds a huge string or number to exhaust a worker.
MAX_REPEAT = 10_000
MAX_EXPONENT = 100


class TemplateError(ValidationError):
    """A template part does not compile or render; ``message_dict`` says which and why."""


class _Strict(StrictUndefined):
    """StrictUndefined whose messages name the template variable, e.g. ``customer``."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        label = getattr(type(self._undefined_obj), "label", None)
        if self._undefined_hint is None and isinstance(label, str):
            return f"{label} has no field {self._undefined_name!r}"
        return super()._undefined_message


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._safe_attributes: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # The sandbox's verdict depends only on the object's type and the attribute's name,
        # and templates read the same few fields over and over.
        key = (type(obj), attr)
        safe = self._safe_attributes.get(key)
        if safe is None:
            if len(self._safe_attributes) > 10000:  # names built inside a template
                self._safe_attributes.clear()
            safe = self._safe_attributes[key] = super().is_safe_attribute(obj, attr, value)
        return safe

    def call_binop(self, context: Context, op: str, left: Any, right: Any) -> Any:
        if op == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent {right} is too large")
        if op == "*":
            for value, times in ((left, right), (right, left)):
                repeats = isinstance(value, str | list | tuple) and isinstance(times, int)
                if repeats and len(value) * times > MAX_REPEAT:
                    raise SecurityError("the repeated text would be too long")
        return super().call_binop(context, op, left, right)


class TagLines(Extension):
    """Let a line that holds only a ``{% tag %}`` or ``{# comment #}`` leave no trace.

    Jinja's ``trim_blocks`` also eats the line break after a tag that *ends* a line of text
    (``…{% endif %}⏎``), which silently joins paragraphs; this only touches lines that hold
    nothing else. The break moves inside the tag rather than away, so error line numbers
    still match what the author sees.
    """

    _STANDALONE = re.compile(
        r"^[ \t]*(\{%[-+]?|\{#)((?:(?![%#]\}).)*?)(-?%\}|#\})[ \t]*\n", re.MULTILINE
    )

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return self._STANDALONE.sub(r"\1\2\n\3", source)


def _environment(autoescape: bool) -> _Sandbox:
    env = _Sandbox(undefined=_Strict, autoescape=autoescape, extensions=[TagLines])
    env.filters.update(money=money, date=format_date, nl2br=nl2br)
    return env


_ENVIRONMENTS = {True: _environment(autoescape=True), False: _environment(autoescape=False)}


@lru_cache(maxsize=1024)
def _compile(source: str, html: bool) -> JinjaTemplate:
    # Keyed by the source itself, so an edited template is never served stale.
    return _ENVIRONMENTS[html].from_string(source)


def render_part(part: str, source: str, context: dict[str, Any]) -> str:
    """Render one part or raise TemplateError naming the part and the reason."""
    try:
        return _compile(source, part in HTML_PARTS).render(context)
    except TemplateSyntaxError as exc:
        kind = "Syntax error" if type(exc) is TemplateSyntaxError else "Error"
        reason = f"{kind} on line {exc.lineno}: {exc.message}"
    except SecurityError as exc:
        reason = _with_line(f"Not allowed: {str(exc).rstrip('.')}", exc)
    except UndefinedError as exc:
        reason = _with_line(f"Unknown variable: {exc}", exc)
    except (ArithmeticError, TypeError, ValueError, LookupError) as exc:
        reason = _with_line(f"Cannot render: {exc}", exc)
    raise TemplateError({part: [reason]})


def _with_line(reason: str, exc: BaseException) -> str:
    # Jinja rewrites tracebacks so template frames carry the template's own line numbers.
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return f"{reason} (line {line})" if line else reason
