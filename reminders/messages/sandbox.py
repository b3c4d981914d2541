"""The Jinja2 sandbox templates run in, and rendering one part of a template.

Templates are written by tenant members, so they run in Jinja2's immutable sandbox with
``StrictUndefined``: a misspelt variable is an error at save time, not a blank in a sent
message. HTML parts are autoescaped; text parts (subject, plain body, SMS, voice) are not.

Every render is bounded (``limits``): each hook the sandbox offers — calls, attributes,
items, operators, filters — and the few places the generated code is changed here — loops,
``~``, literals, slices, captured output — check the render's budget and the size of what
they build, and output stops once a part passes ``OUTPUT_MAX_CHARS``. Nothing is evaluated
at compile time, so compiling is bounded by the source's size alone.
"""

import re
from collections.abc import Iterable, Iterator
from decimal import DecimalException
from types import BuiltinMethodType, MethodType
from typing import Any

from django.core.exceptions import ValidationError
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, pass_eval_context
from jinja2 import Template as JinjaTemplate
from jinja2 import TemplateError as JinjaError
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.runtime import Context, LoopContext, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from reminders.messages import limits
from reminders.messages.bounded import calls, code, filters, formats
from reminders.messages.formatting import format_date, money, nl2br
from reminders.messages.sized_cache import SizedCache

HTML_PARTS = frozenset({"body_html"})
#: Bytes the compiled templates may hold in each process, estimated from their sources.
COMPILED_CACHE_BYTES = 32 * 1024 * 1024
# A compiled template takes about this many bytes per character of its source (measured).
_COMPILED_BYTES_PER_CHAR = 12


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


@pass_eval_context
def _finalize(eval_ctx: Any, value: Any) -> Any:
    """Check a value before it is printed (and turned into text)."""
    if not isinstance(value, str):
        limits.too_long("a printed value", limits.weight(value))
    return value


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with every operator, call, filter and item lookup checked
    against the render's budget, and the counted versions of what the generated code does
    itself (``bounded.code``)."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    code_generator_class = code.BoundedCode

    def __init__(self, *args, **kwargs) -> None:
        # Not optimized: the optimizer would run filters on constants while compiling.
        super().__init__(*args, optimized=False, finalize=_finalize, **kwargs)
        self._safe_attributes: dict[tuple[type, str], bool] = {}
        self.globals.update(range=filters.bounded_range, lipsum=filters.bounded_lipsum)

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

    def getitem(self, obj: Any, argument: Any) -> Any:
        limits.tick()
        return super().getitem(obj, argument)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        limits.tick()
        if isinstance(obj, LoopContext) and args:  # a recursive loop's next level
            args = (self.iterate(args[0]), *args[1:])
        else:
            args = calls.check_method(obj, args, kwargs)
        return limits.built(super().call(context, obj, *args, **kwargs))

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        limits.tick()
        calls.check_operator(operator, left, right)
        return limits.built(self.binop_table[operator](left, right))

    def wrap_str_format(self, value: Any) -> Any:
        if not isinstance(value, MethodType | BuiltinMethodType):
            return None
        owner, name = value.__self__, value.__name__
        if not isinstance(owner, str) or name not in {"format", "format_map"}:
            return None
        if isinstance(owner, Markup):
            formatter = formats.BoundedEscapeFormatter(self, escape=owner.escape)
        else:
            formatter = formats.BoundedFormatter(self)
        return formats.format_method(formatter, owner, name)

    def iterate(self, items: Iterable[Any]) -> Iterator[Any]:
        """Yield ``items``, each one a step of the budget."""
        for item in items:
            limits.step()
            yield item

    def joined(self, eval_ctx: Any, parts: tuple[Any, ...]) -> str:
        """Join the operands of ``~``, refusing a result past ``VALUE_MAX_CHARS``."""
        limits.too_long("the joined text", sum(map(limits.weight, parts)))
        return limits.built((markup_join if eval_ctx.autoescape else str_join)(parts))

    def literal(self, value: Any) -> Any:
        """Check a list, dict or tuple written in the template."""
        return limits.built(value)

    def sliced(self, obj: Any, start: Any, stop: Any, step: Any) -> Any:
        """Return ``obj[start:stop:step]``, counted as built."""
        limits.tick()
        return limits.built(obj[start:stop:step])

    def output_buffer(self) -> list[str]:
        """Return a new buffer for captured output."""
        return code.OutputBuffer()

    def concat(self, parts: Iterable[str]) -> str:  # type: ignore[override]
        """Join rendered pieces (a block called as ``self.name()``) up to the bound."""
        buffer = parts if isinstance(parts, code.OutputBuffer) else code.OutputBuffer()
        if buffer is not parts:
            for part in parts:
                buffer.append(part)
        return "".join(buffer)


class TokenLimit(Extension):
    """Refuse a part with more than ``SOURCE_MAX_TOKENS`` tokens before it is compiled."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        for count, token in enumerate(stream, 1):
            if count > limits.SOURCE_MAX_TOKENS:
                raise limits.LimitExceeded(
                    f"the part has more than {limits.SOURCE_MAX_TOKENS:,} tokens "
                    "(names, numbers, operators, runs of text)"
                )
            yield token


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
    env = _Sandbox(undefined=_Strict, autoescape=autoescape, extensions=[TagLines, TokenLimit])
    env.filters.update(money=money, date=format_date, nl2br=nl2br, **filters.FILTERS)
    env.filters = {
        name: function if name in filters.SMALL_RESULTS else filters.guarded(function)
        for name, function in env.filters.items()
        if name not in filters.REMOVED_FILTERS
    }
    return env


_ENVIRONMENTS = {True: _environment(autoescape=True), False: _environment(autoescape=False)}
# Keyed by the source itself, so an edited template is never served stale.
_compiled: SizedCache[tuple[str, bool], JinjaTemplate] = SizedCache(
    COMPILED_CACHE_BYTES, lambda key, _: 4096 + len(key[0]) * _COMPILED_BYTES_PER_CHAR
)


def _compile(source: str, html: bool) -> JinjaTemplate:
    return _compiled.get_or_make((source, html), lambda: _ENVIRONMENTS[html].from_string(source))


def render_part(part: str, source: str, context: dict[str, Any]) -> str:
    """Render one part or raise TemplateError naming the part and the reason.

    The render runs under the budget of the message (or check) it belongs to, or its own.
    """
    with limits.budget():
        try:
            limits.tick()
            limits.check_source(source)
            return _stream(_compile(source, part in HTML_PARTS), context)
        except TemplateSyntaxError as exc:
            kind = "Syntax error" if type(exc) is TemplateSyntaxError else "Error"
            reason = f"{kind} on line {exc.lineno}: {exc.message}"
        except limits.LimitExceeded as exc:
            reason = _with_line(f"Over a limit: {exc}", exc)
        except SecurityError as exc:
            reason = _with_line(f"Not allowed: {str(exc).rstrip('.')}", exc)
        except UndefinedError as exc:
            reason = _with_line(f"Unknown variable: {exc}", exc)
        except RecursionError as exc:
            reason = _with_line("Over a limit: the template nests or calls itself too deeply", exc)
        except MemoryError as exc:
            reason = _with_line("Over a limit: the template needs too much memory", exc)
        except DecimalException as exc:
            reason = _with_line(f"Cannot render: {type(exc).__name__} in a calculation", exc)
        except SyntaxError:
            # Python's own compiler refuses code nested too deeply (loops in loops ...).
            reason = "Over a limit: the template nests too deeply"
        except (
            ArithmeticError,
            TypeError,
            ValueError,
            LookupError,
            AttributeError,
            RuntimeError,
            AssertionError,  # some of Jinja's filters check their arguments so
        ) as exc:
            reason = _with_line(f"Cannot render: {exc}", exc)
        except JinjaError as exc:
            reason = _with_line(f"Cannot render: {exc}", exc)
    raise TemplateError({part: [reason]})


def _stream(template: JinjaTemplate, context: dict[str, Any]) -> str:
    """Render ``template``, stopping as soon as the output passes ``OUTPUT_MAX_CHARS``."""
    pieces, chars = [], 0
    try:
        for piece in template.root_render_func(template.new_context(context)):
            chars += len(piece)
            if chars > limits.OUTPUT_MAX_CHARS:
                limits.too_long("the rendered part", chars, limits.OUTPUT_MAX_CHARS)
            pieces.append(piece)
    except Exception:
        # As Template.render does: template frames get the template's own line numbers.
        template.environment.handle_exception()
    return "".join(pieces)


def _with_line(reason: str, exc: BaseException) -> str:
    # Jinja rewrites tracebacks so template frames carry the template's own line numbers.
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return f"{reason} (line {line})" if line else reason
