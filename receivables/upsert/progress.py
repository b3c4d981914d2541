"""How far a batch upsert is, told while its items are checked and again while they are
written, so a caller with a large batch (an import) can show a moving count."""

from collections.abc import Callable, Iterator, Sequence

#: Told the stage ("checking" or "writing"), the items done and the items in all.
Progress = Callable[[str, int, int], None]
CHECKING = "checking"
WRITING = "writing"
#: Items checked between two reports.
EVERY = 5000


def checked(items: Sequence, on_progress: Progress | None) -> Iterator[tuple[int, object]]:
    """Yield ``(index, item)`` over ``items``, telling ``on_progress`` every ``EVERY`` items."""
    total = len(items)
    for index, item in enumerate(items):
        if on_progress and index % EVERY == 0:
            on_progress(CHECKING, index, total)
        yield index, item


def written(on_progress: Progress | None, done: int, total: int) -> None:
    """Tell ``on_progress`` that ``done`` of ``total`` items are written."""
    if on_progress:
        on_progress(WRITING, done, total)
