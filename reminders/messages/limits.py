"""The bounds every template render stays within, and the budget that enforces them.

Templates are written by tenant members and run in web processes (preview, save) and in the
shared send workers, so a render must never take a process's time or memory. Python cannot
stop a thread from outside, so the sandbox checks the budget itself, cooperatively, from
the hooks a template passes through — each call, item lookup, operator, filter, loop step
and value built — so a pathological template stops within about ``RENDER_SECONDS``.
(Reading a field is not checked: it cannot repeat without a loop step or a call, and a
part's straight-line code is bounded by ``SOURCE_MAX_TOKENS``.)

Sizes are counted in characters of the text a value would print as (its *weight*), which
bounds its memory too.
"""

from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from decimal import Decimal
from time import monotonic
from typing import Any

from jinja2.sandbox import SecurityError
from jinja2.utils import Cycler, Joiner, Namespace

#: Characters a template part may have, checked when it is saved, previewed and rendered.
SOURCE_MAX_CHARS = 65_536
#: Tokens (names, numbers, operators, runs of text) a template part may have: compiling
#: takes time in proportion to them and cannot be stopped half-way.
SOURCE_MAX_TOKENS = 10_000
#: Wall-clock seconds one message (or one save check) may spend rendering, all parts together.
RENDER_SECONDS = 1.0
#: Loop steps one message (or one save check) may take, all loops together.
MAX_ITERATIONS = 100_000
#: Characters one rendered part may have.
OUTPUT_MAX_CHARS = 1_000_000
#: Characters any one value a template builds may have (a string, a list as it prints).
VALUE_MAX_CHARS = 1_000_000
#: Characters one message (or one save check) may build in all; a bound on its memory.
BUILD_MAX_CHARS = 20_000_000
#: Largest padding, width or precision in a format, ``center``, ``indent``, ``wordwrap``...
WIDTH_MAX = 1_000
#: Most numbers ``range()`` may give; also the most batches or slices a filter may make.
RANGE_MAX = 10_000
#: Most digits a number may have (before or after the point).
NUMBER_MAX_DIGITS = 1_000
NUMBER_MAX_BITS = 3_322  # 1,000 decimal digits
#: Longest input of the filters that work through their input a word, tag or line at a time.
SLOW_FILTER_MAX_CHARS = 100_000
#: ``lipsum()``: most paragraphs, and most words a paragraph may have.
LIPSUM_MAX_PARAGRAPHS = 100
LIPSUM_MAX_WORDS = 1_000


class LimitExceeded(SecurityError):
    """A template went over one of the bounds above; the message says which."""


class Budget:
    """What one message (or one save check) may still spend."""

    __slots__ = ("deadline", "iterations", "built")

    def __init__(self) -> None:
        self.deadline = monotonic() + RENDER_SECONDS
        self.iterations = 0
        self.built = 0

    def expired(self) -> bool:
        return monotonic() > self.deadline

    def tick(self) -> None:
        if monotonic() > self.deadline:
            raise LimitExceeded(f"rendering took longer than {RENDER_SECONDS:g} s")

    def step(self) -> None:
        self.iterations += 1
        if self.iterations > MAX_ITERATIONS:
            raise LimitExceeded(f"loops ran more than {MAX_ITERATIONS:,} times")
        self.tick()

    def build(self, chars: int) -> None:
        self.built += chars
        if self.built > BUILD_MAX_CHARS:
            raise LimitExceeded(f"the template built more than {BUILD_MAX_CHARS:,} characters")
        self.tick()


_current: ContextVar[Budget | None] = ContextVar("template_budget", default=None)


class _Scope:
    """The block a budget is open for (see ``budget``)."""

    __slots__ = ("_token",)

    def __enter__(self) -> Budget:
        running = _current.get()
        if running is not None:
            self._token = None
            return running
        running = Budget()
        self._token = _current.set(running)
        return running

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _current.reset(self._token)


def budget() -> _Scope:
    """Run a ``with`` block under one render budget; inside another, share that one."""
    return _Scope()


# The hooks below run hundreds of times a message: kept to a lookup and a comparison.


def tick() -> None:
    """Stop the render if its time is up."""
    running = _current.get()
    if running is not None and monotonic() > running.deadline:
        running.tick()


def step() -> None:
    """Count one loop step, and stop the render if there were too many or its time is up."""
    running = _current.get()
    if running is not None:
        running.step()


def spend(chars: int) -> None:
    """Count ``chars`` characters built against the render's budget."""
    running = _current.get()
    if running is not None:
        running.build(chars)


def check_source(source: str) -> None:
    """Refuse a template part longer than ``SOURCE_MAX_CHARS``."""
    if len(source) > SOURCE_MAX_CHARS:
        raise LimitExceeded(
            f"the part has {len(source):,} characters; at most {SOURCE_MAX_CHARS:,} are allowed"
        )


def too_long(what: str, chars: int, limit: int = VALUE_MAX_CHARS) -> None:
    """Refuse ``what`` if ``chars`` is over ``limit``."""
    if chars > limit:
        raise LimitExceeded(f"{what} would be longer than {limit:,} characters")


def check_width(width: Any, what: str = "a width") -> None:
    """Refuse a padding, width or precision over ``WIDTH_MAX``."""
    if isinstance(width, str):
        width = len(width)
    if isinstance(width, int) and width > WIDTH_MAX:
        raise LimitExceeded(f"{what} of more than {WIDTH_MAX:,}")


def built(value: Any) -> Any:
    """Return ``value``, a result the template just made, once it is within bounds.

    An iterator is returned wrapped, so whatever consumes it stays bounded too.
    """
    if isinstance(value, str):
        size = len(value)
    elif isinstance(value, Iterator):
        return bounded_iter(value)
    else:
        size = weight(value)
    if size > VALUE_MAX_CHARS:
        too_long("a value", size)
    running = _current.get()
    if running is not None:
        running.built += size
        if running.built > BUILD_MAX_CHARS or monotonic() > running.deadline:
            running.build(0)
    return value


def bounded_iter(items: Iterable[Any]) -> Iterator[Any]:
    """Yield ``items`` while their weight together stays within ``VALUE_MAX_CHARS``."""
    total = 0
    for item in items:
        total += weight(item) + _ITEM_CHARS
        too_long("a sequence", total)
        tick()
        yield item


def bounded_list(items: Iterable[Any]) -> list[Any]:
    """Return ``items`` as a list, refusing them once their weight is over the bound."""
    if isinstance(items, list | tuple | range):
        weight(items)  # raises when too heavy
        return list(items)
    return list(bounded_iter(items))


# Each item of a sequence counts for a few characters more than it prints as: a separator,
# and the memory a reference takes. It also caps sequences at about 100,000 items.
_ITEM_CHARS = 8
_TEXTS = frozenset({str})


def weight(value: Any, limit: int = VALUE_MAX_CHARS) -> int:
    """Return about how many characters ``value`` prints as; raise LimitExceeded as soon as
    that passes ``limit`` or a number has more than ``NUMBER_MAX_DIGITS`` digits."""
    size = _flat_weight(value)
    if size is None:
        size = _held_weight(value, limit)
    if size > limit:
        raise LimitExceeded(f"a value would be longer than {limit:,} characters")
    return size


def _flat_weight(item: Any) -> int | None:
    """Return the weight of a value that holds no others, or None for one that does."""
    if isinstance(item, str | bytes | bytearray):
        return len(item)
    if isinstance(item, bool) or item is None:
        return 5
    if isinstance(item, int):
        bits = item.bit_length()
        if bits > NUMBER_MAX_BITS:
            raise LimitExceeded(f"a number of more than {NUMBER_MAX_DIGITS:,} digits")
        return bits * 3 // 10 + 1
    if isinstance(item, Decimal):
        return _decimal_digits(item)
    if isinstance(item, list | tuple | set | frozenset | Mapping) or _contents(item) is not None:
        return None
    return 24  # a float, a date, a field snapshot, a function


def _held_weight(value: Any, limit: int) -> int:
    total, pending, seen = 0, [value], set()
    while pending and total <= limit:
        item = pending.pop()
        size = _flat_weight(item)
        if size is not None:
            total += size
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + _ITEM_CHARS * len(item)
            if total <= limit:
                if set(map(type, item)) <= _TEXTS:  # the common case, summed in C
                    total += sum(map(len, item))
                else:
                    pending.extend(item)
        elif isinstance(item, Mapping):
            total += 2 + 2 * _ITEM_CHARS * len(item)
            if total <= limit:
                pending.extend(item.keys())
                pending.extend(item.values())
        elif id(item) not in seen:  # a namespace may hold itself: each counts once
            seen.add(id(item))
            pending.append(_contents(item))
    return total


def _decimal_digits(value: Decimal) -> int:
    if not value.is_finite():
        return 9
    exponent = value.adjusted()
    if abs(exponent) > NUMBER_MAX_DIGITS:
        raise LimitExceeded(f"a number of more than {NUMBER_MAX_DIGITS:,} digits")
    return abs(exponent) + 30


_DICT_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))


def _contents(value: Any) -> Any:
    """Return what a holder of other values prints, or None for anything else."""
    if isinstance(value, Namespace):
        return object.__getattribute__(value, "_Namespace__attrs")
    if isinstance(value, Cycler):
        return value.items
    if isinstance(value, Joiner):
        return value.sep
    if type(value) in _DICT_VIEWS:
        return value.mapping
    return None
