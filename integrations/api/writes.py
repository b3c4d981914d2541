"""Run checked items through the upsert functions; report every bad item at once.

A request's problems are its items' type problems (``ItemParser``) and the upsert's rule
refusals together: when some items are malformed, the well-formed ones are still run
through the upsert as a dry run, so the client learns of every problem in one answer and
nothing is written.
"""

from collections.abc import Callable, Sequence

from integrations.api.errors import FieldProblem, Invalid, Refused, dotted, pointer
from integrations.api.items import MAX_BULK_ITEMS
from integrations.api.parsing import ItemParser, TypeProblem
from kapittx.models import Tenant
from receivables.upsert import Refused as RefusedItems
from receivables.upsert import Written

Upsert = Callable[..., Written]


def _type_problem(problem: TypeProblem, prefix: tuple, single: bool) -> tuple[int, FieldProblem]:
    index, *rest = problem.path
    at = pointer(*prefix, *rest) if single else pointer(*prefix, index, *rest)
    return index, FieldProblem(problem.code, problem.detail, at)


def write(
    upsert: Upsert,
    tenant: Tenant,
    parser: ItemParser,
    raw_items: Sequence,
    *,
    single: bool = False,
    prefix: tuple = ("items",),
    fill: dict | None = None,
) -> Written:
    """Check ``raw_items`` with ``parser``, add ``fill`` to each, and upsert them all or
    none; raise ``Invalid`` (400) or ``Refused`` (422) with every problem otherwise.

    ``single`` is for a request whose body is one item: pointers then leave out the index.
    """
    typed, type_problems = parser.parse_many(list(raw_items))
    problems = [_type_problem(problem, prefix, single) for problem in type_problems]
    good = [(index, item) for index, item in enumerate(typed) if item is not None]
    for _, item in good:
        item.update(fill or {})
    written = None
    if good:
        try:
            written = upsert(tenant, [item for _, item in good], dry_run=bool(problems))
        except RefusedItems as refusal:
            for error in refusal.errors:
                index = good[error.index][0]
                field = dotted(error.field)
                parts = (*prefix, *field) if single else (*prefix, index, *field)
                problems.append((index, FieldProblem(error.code, error.reason, pointer(*parts))))
    if problems:
        problems.sort(key=lambda pair: pair[0])
        listed = [problem for _, problem in problems]
        raise (Invalid if type_problems else Refused)(listed)
    return written


def type_checked(parser: ItemParser, raw_items: Sequence, *, single: bool = False) -> list:
    """Return ``raw_items`` typed by ``parser``, or raise ``Invalid`` with every problem."""
    typed, type_problems = parser.parse_many(list(raw_items))
    if type_problems:
        raise Invalid([_type_problem(p, (), single)[1] for p in type_problems])
    return typed


def bulk_items(data) -> list:
    """Return the ``items`` of a bulk request body, or raise ``Invalid``."""
    if type(data) is not dict:
        raise Invalid([FieldProblem("invalid", 'Send a JSON object: {"items": [...]}.')])
    problems = [
        FieldProblem("unknown_field", "Unknown field.", pointer(name))
        for name in data
        if name != "items"
    ]
    items = data.get("items")
    if "items" not in data:
        problems.append(FieldProblem("required", "This field is required.", "/items"))
    elif type(items) is not list:
        problems.append(FieldProblem("not_a_list", "Must be a list of items.", "/items"))
    elif not items:
        problems.append(FieldProblem("min_length", "Send at least one item.", "/items"))
    elif len(items) > MAX_BULK_ITEMS:
        problems.append(
            FieldProblem(
                "max_length",
                f"At most {MAX_BULK_ITEMS} items per request; send the rest in another.",
                "/items",
            )
        )
    if problems:
        raise Invalid(problems)
    return items


def written_summary(written: Written) -> dict:
    """The body of a bulk answer: counts, each item's id in item order, and notes."""
    return {
        "created": written.created,
        "updated": written.updated,
        "unchanged": written.unchanged,
        "ids": written.ids,
        "notes": [
            {
                "code": note.code,
                "detail": note.reason,
                "pointer": pointer("items", note.index, *dotted(note.field)),
            }
            for note in written.notes
        ],
    }
