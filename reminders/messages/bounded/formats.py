"""``%``-formatting and ``str.format`` in templates, with bounded widths and results."""

import re
from collections.abc import Callable
from string import Formatter
from typing import Any

from jinja2.sandbox import SandboxedFormatter
from markupsafe import EscapeFormatter

from reminders.messages.limits import WIDTH_MAX, LimitExceeded, check_width, tick, too_long, weight

# After "%" and an optional "(key)": flags, width, precision, length modifier.
_PERCENT_SPEC = re.compile(r"[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?")
_PARENS = re.compile(r"[()]")
# The standard format-spec mini-language: [[fill]align][sign][z][#][0][width][,_][.precision][type]
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[+\- ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[a-zA-Z%]?", re.DOTALL)


def check_percent(template: str, values: Any) -> None:
    """Refuse ``template % values`` when a width or precision is over ``WIDTH_MAX`` or taken
    from the values (``*``), or when the result could pass ``VALUE_MAX_CHARS``."""
    estimate = len(template) + weight(values)
    at = template.find("%")
    while at != -1:
        spec_at = at + 1
        if template.startswith("(", spec_at):
            spec_at = _after_key(template, spec_at)
            if spec_at == -1:
                break  # an unclosed key: formatting fails on its own
        spec = _PERCENT_SPEC.match(template, spec_at)
        for number in spec.groups():
            if number == "*":
                raise LimitExceeded("a '*' width in %-formatting")
            if number:
                check_width(_small_int(number), "a %-format width or precision")
                estimate += int(number)
        at = template.find("%", spec.end() + 1)  # past the conversion type
    too_long("the formatted text", estimate)


def _after_key(template: str, opening: int) -> int:
    """Return the index after the ``)`` closing the key opened at ``opening``, or -1."""
    depth = 0
    for paren in _PARENS.finditer(template, opening):
        depth += 1 if paren.group() == "(" else -1
        if depth == 0:
            return paren.end()
    return -1


def _small_int(digits: str) -> int:
    # Long digit strings are refused before int() has to read them.
    return int(digits) if len(digits) <= 6 else WIDTH_MAX + 1


class BoundedFormatter(SandboxedFormatter):
    """``str.format`` in the sandbox, with bounded format specs and result."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._written = 0

    def format_field(self, value: Any, format_spec: str) -> Any:
        check_width(len(format_spec), "a format spec length")
        standard = _FORMAT_SPEC.fullmatch(format_spec)
        if standard:
            for number in standard.groups():
                if number:
                    check_width(_small_int(number), "a format width or precision")
        tick()
        text = super().format_field(value, format_spec)
        self._written += len(text)
        too_long("the formatted text", self._written)
        return text


class BoundedEscapeFormatter(BoundedFormatter, EscapeFormatter):
    """``Markup.format`` in the sandbox, escaping as markupsafe does."""


def format_method(formatter: Formatter, template: str, method: str) -> Callable[..., str]:
    """Return ``template.format`` or ``template.format_map`` done by ``formatter``."""
    kind = type(template)

    def run(*args: Any, **kwargs: Any) -> str:
        if method == "format_map":
            if kwargs or len(args) != 1:
                raise TypeError("format_map() takes exactly one mapping")
            args, kwargs = (), args[0]
        too_long("the formatted text", len(template))
        return kind(formatter.vformat(template, args, kwargs))

    return run
