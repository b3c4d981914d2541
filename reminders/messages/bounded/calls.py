"""Method calls and operators in templates, refused before they build too much."""

import math
from datetime import date
from typing import Any

from markupsafe import soft_str

from reminders.messages.bounded.formats import check_percent
from reminders.messages.limits import (
    NUMBER_MAX_BITS,
    NUMBER_MAX_DIGITS,
    LimitExceeded,
    bounded_list,
    check_width,
    too_long,
    weight,
)


def check_method(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Refuse a method call that would build too much; return its arguments, an iterable
    one made a bounded list."""
    owner, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if isinstance(owner, str | bytes):
        if name in {"center", "ljust", "rjust", "zfill"} and args:
            if isinstance(args[0], int):
                check_width(args[0] - len(owner), "a padding")
        elif name == "expandtabs":
            size = args[0] if args else kwargs.get("tabsize", 8)
            check_width(size, "a tab size")
            tabs = owner.count(b"\t" if isinstance(owner, bytes) else "\t")
            too_long("the expanded text", len(owner) + tabs * max(0, size))
        elif name == "replace" and len(args) >= 2:
            check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else None)
        elif name == "join" and args:
            items = bounded_list(args[0])
            too_long("the joined text", weight(items) + len(owner) * len(items))
            args = (items, *args[1:])
        elif name == "translate" and args:
            too_long("the translated text", len(owner) * _longest_replacement(args[0]))
    elif isinstance(owner, int) and name == "to_bytes":
        too_long("the bytes", args[0] if args else kwargs.get("length", 1))
    elif isinstance(owner, date) and name == "strftime" and args:
        check_width(len(soft_str(args[0])), "a date format length")
    return args


def _longest_replacement(table: Any) -> int:
    if isinstance(table, bytes):
        return 1
    values = table.values() if isinstance(table, dict) else table
    if not isinstance(values, list | tuple | type({}.values())):
        raise LimitExceeded("translate() with this table")
    return max((weight(value) for value in values), default=1)


def check_replace(text: str, old: str, new: str, count: int | None = None) -> None:
    """Refuse a replacement whose result could pass ``VALUE_MAX_CHARS``."""
    found = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        found = min(found, count)
    too_long("the replaced text", len(text) + found * max(0, len(new) - len(old)))


def check_operator(operator: str, left: Any, right: Any) -> None:
    """Refuse an operation that would build a huge number, string or list in one step."""
    if operator == "**" and isinstance(left, int) and isinstance(right, int):
        if abs(left) > 1 and right > 0 and right * math.log2(abs(left)) > NUMBER_MAX_BITS:
            raise LimitExceeded(f"a number of more than {NUMBER_MAX_DIGITS:,} digits")
    elif operator == "*":
        for value, times in ((left, right), (right, left)):
            if isinstance(times, int) and not isinstance(times, bool):
                if isinstance(value, int):
                    if value.bit_length() + times.bit_length() > NUMBER_MAX_BITS:
                        raise LimitExceeded(f"a number of more than {NUMBER_MAX_DIGITS:,} digits")
                elif isinstance(value, str | list | tuple | bytes):
                    too_long("the repeated value", weight(value) * max(times, 0))
    elif operator == "+" and isinstance(left, str | list | tuple | bytes):
        too_long("the joined value", weight(left) + weight(right))
    elif operator == "%" and isinstance(left, str):
        check_percent(left, right)
