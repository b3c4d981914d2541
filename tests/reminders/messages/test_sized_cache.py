"""Caches keyed by template sources are bounded by bytes, not entries: a stream of distinct
large previews cannot grow a process's memory."""

import gc
import tracemalloc

from reminders.messages.context import sample_context
from reminders.messages.render import validate_template
from reminders.messages.sandbox import render_part
from reminders.messages.sized_cache import SizedCache
from reminders.models import Template


def by_length(key: str, value: str) -> int:
    return len(key) + len(value)


def test_the_least_recently_used_entries_make_room_for_a_new_one():
    cache = SizedCache(max_bytes=10, size_of=by_length)
    cache.put("a", "123")  # 4 bytes
    cache.put("b", "123")  # 8
    assert cache.get_or_make("a", lambda: "made again") == "123"  # "a" is now the newest
    cache.put("c", "12345")  # 6 more: "b" goes, "a" stays
    assert ("a" in cache, "b" in cache, "c" in cache) == (True, False, True)
    assert cache.bytes == 10 and len(cache) == 2


def test_an_entry_larger_than_the_whole_cache_is_not_kept():
    cache = SizedCache(max_bytes=10, size_of=by_length)
    cache.put("a", "1")
    assert cache.get_or_make("big", lambda: "x" * 20) == "x" * 20
    assert "big" not in cache and "a" in cache and cache.bytes == 2


def test_a_value_is_made_once_while_it_is_kept():
    cache = SizedCache(max_bytes=100, size_of=by_length)
    made = []
    for _ in range(3):
        cache.get_or_make("key", lambda: made.append(1) or "value")
    assert made == [1]
    cache.put("key", "other")
    assert cache.get_or_make("key", lambda: "never") == "other" and cache.bytes == 8


def test_many_distinct_large_templates_leave_memory_bounded():
    context = sample_context("en")
    filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 1000  # 57 KB
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(200):
            # What a stream of previews does: check each draft, then render it.
            source = f"Draft {n} for {{{{ customer.name }}}}\n{filler}"
            validate_template(Template(language="en", subject="Hello", body_text=source))
            render_part("body_text", source, context)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # 200 drafts of 57 KB: about 30 MB if every one were kept. The caches hold 36 MB of
    # estimated bytes, and the estimate is generous for text.
    assert kept < 16 * 1024 * 1024, f"{kept / 2**20:.1f} MB kept"
