"""Jinja's filters and globals as templates get them: growth bounded before it happens,
every result checked after."""

from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import wraps
from typing import Any

from jinja2 import Environment, pass_environment, pass_eval_context
from jinja2 import filters as jinja_filters
from jinja2.filters import make_attrgetter
from jinja2.nodes import EvalContext
from jinja2.utils import generate_lorem_ipsum
from markupsafe import soft_str

from reminders.messages.bounded.calls import check_replace
from reminders.messages.bounded.formats import check_percent
from reminders.messages.limits import (
    LIPSUM_MAX_PARAGRAPHS,
    LIPSUM_MAX_WORDS,
    RANGE_MAX,
    SLOW_FILTER_MAX_CHARS,
    LimitExceeded,
    bounded_list,
    built,
    check_width,
    too_long,
    weight,
)


def bounded_range(*args: int) -> range:
    """``range`` with at most ``RANGE_MAX`` numbers."""
    numbers = range(*args)
    if len(numbers) > RANGE_MAX:
        raise LimitExceeded(f"range() of more than {RANGE_MAX:,} numbers")
    return numbers


def bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    """``lipsum`` with at most ``LIPSUM_MAX_PARAGRAPHS`` paragraphs of ``LIPSUM_MAX_WORDS``."""
    if n > LIPSUM_MAX_PARAGRAPHS or max > LIPSUM_MAX_WORDS:
        raise LimitExceeded(
            f"lipsum() of more than {LIPSUM_MAX_PARAGRAPHS} paragraphs "
            f"or {LIPSUM_MAX_WORDS:,} words a paragraph"
        )
    return generate_lorem_ipsum(n, html, min, max)


def _center(value: Any, width: int = 80) -> str:
    text = soft_str(value)
    check_width(width - len(text), "a padding")
    return text.center(width)


def _indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    text = _slow_input(s, "indent")
    check_width(width, "an indent")
    indent = width if isinstance(width, str) else " " * width
    too_long("the indented text", len(text) + (text.count("\n") + 1) * len(indent))
    return jinja_filters.do_indent(text, width, first, blank)


@pass_environment
def _wordwrap(
    environment: Environment,
    s: str,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str | None = None,
    break_on_hyphens: bool = True,
) -> str:
    text = _slow_input(s, "wordwrap")
    if width < 1:
        raise ValueError("wordwrap needs a width of at least 1")
    check_width(width, "a wrap width")
    lines = 2 * len(text) // width + text.count("\n") + 1
    too_long("the wrapped text", len(text) + lines * len(wrapstring or "\n"))
    return jinja_filters.do_wordwrap(
        environment, text, width, break_long_words, wrapstring, break_on_hyphens
    )


@pass_environment
def _truncate(
    env: Environment,
    s: str,
    length: int = 255,
    killwords: bool = False,
    end: str = "...",
    leeway: int | None = None,
) -> str:
    check_width(end, "a truncation mark")
    return jinja_filters.do_truncate(env, s, length, killwords, end, leeway)


def _format(value: str, *args: Any, **kwargs: Any) -> str:
    check_percent(soft_str(value), kwargs or args)
    return jinja_filters.do_format(value, *args, **kwargs)


@pass_eval_context
def _join(
    eval_ctx: EvalContext, value: Any, d: str = "", attribute: str | int | None = None
) -> str:
    if attribute is not None:
        value = map(make_attrgetter(eval_ctx.environment, attribute), value)
    items = bounded_list(value)
    too_long("the joined text", weight(items) + len(soft_str(d)) * len(items))
    return jinja_filters.sync_do_join(eval_ctx, items, d)


@pass_eval_context
def _replace(eval_ctx: EvalContext, s: str, old: str, new: str, count: int | None = None) -> str:
    check_replace(soft_str(s), soft_str(old), soft_str(new), count)
    return jinja_filters.do_replace(eval_ctx, s, old, new, count)


def _batch(value: Any, linecount: int, fill_with: Any = None) -> Iterator[list[Any]]:
    _check_count(linecount, "batch")
    return jinja_filters.do_batch(value, linecount, fill_with)


def _slice(value: Any, slices: int, fill_with: Any = None) -> Iterator[list[Any]]:
    _check_count(slices, "slice")
    return jinja_filters.sync_do_slice(bounded_list(value), slices, fill_with)


@pass_environment
def _sum(
    environment: Environment, iterable: Any, attribute: str | int | None = None, start: Any = 0
) -> Any:
    # Adding up lists or strings copies them again at every step.
    if not isinstance(start, int | float | Decimal):
        raise LimitExceeded("sum() adds numbers only")
    return jinja_filters.sync_do_sum(environment, iterable, attribute, start)


@pass_eval_context
def _tojson(eval_ctx: EvalContext, value: Any, indent: int | None = None) -> Any:
    if indent is not None:
        raise LimitExceeded("tojson with an indent")
    return jinja_filters.do_tojson(eval_ctx, value)


def _title(s: str) -> str:
    return jinja_filters.do_title(_slow_input(s, "title"))


def _striptags(value: Any) -> str:
    return jinja_filters.do_striptags(_slow_input(value, "striptags"))


@pass_eval_context
def _urlize(
    eval_ctx: EvalContext,
    value: str,
    trim_url_limit: int | None = None,
    nofollow: bool = False,
    target: str | None = None,
    rel: str | None = None,
    extra_schemes: Any = None,
) -> str:
    check_width(target or "", "a link target")
    check_width(rel or "", "a link rel")
    text = _slow_input(value, "urlize")
    return jinja_filters.do_urlize(
        eval_ctx, text, trim_url_limit, nofollow, target, rel, extra_schemes
    )


def _slow_input(value: Any, name: str) -> str:
    text = soft_str(value)
    too_long(f"the input of {name}", len(text), SLOW_FILTER_MAX_CHARS)
    return text


def _check_count(count: Any, name: str) -> None:
    if isinstance(count, int) and count > RANGE_MAX:
        raise LimitExceeded(f"{name} into more than {RANGE_MAX:,}")


#: Filters replaced by bounded versions (same names and arguments as Jinja's own).
FILTERS: dict[str, Callable[..., Any]] = {
    "center": _center,
    "indent": _indent,
    "wordwrap": _wordwrap,
    "truncate": _truncate,
    "format": _format,
    "join": _join,
    "replace": _replace,
    "batch": _batch,
    "slice": _slice,
    "sum": _sum,
    "tojson": _tojson,
    "title": _title,
    "striptags": _striptags,
    "urlize": _urlize,
}
#: Filters templates do without: debugging output that grows with nesting.
REMOVED_FILTERS = frozenset({"pprint"})
#: Filters whose result is a count, a date's text, or one of the values they were given:
#: nothing new to bound, and among the most used, so they are left unwrapped.
SMALL_RESULTS = frozenset(
    {"length", "count", "wordcount", "first", "last", "random", "min", "max", "default", "d"}
    | {"attr", "date"}
)


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter so it counts against the budget and what it returns is bounded."""

    @wraps(func)  # keeps Jinja's pass_context / pass_eval_context marks
    def run(*args: Any, **kwargs: Any) -> Any:
        return built(func(*args, **kwargs))

    return run
