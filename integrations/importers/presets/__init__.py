"""Presets: where each accounting system writes each field in its exports, and the choice of
a preset (and of its columns) from a file's header."""

from integrations.importers.headers import key
from integrations.importers.presets.fields import (
    FIELDS,
    KINDS,
    Field,
    Layout,
    Preset,
    field_named,
)
from integrations.importers.presets.freshbooks import FRESHBOOKS
from integrations.importers.presets.generic import GENERIC
from integrations.importers.presets.quickbooks import QUICKBOOKS
from integrations.importers.presets.sage import SAGE
from integrations.importers.presets.xero import XERO
from integrations.importers.presets.zoho import ZOHO

__all__ = ["FIELDS", "KINDS", "PRESETS", "Field", "Layout", "Preset", "field_named"]

#: Every preset, the generic one last (it wins only when no system's layout fits better).
PRESETS: dict[str, Preset] = {
    p.name: p for p in (XERO, QUICKBOOKS, ZOHO, SAGE, FRESHBOOKS, GENERIC)
}


def presets_for(kind: str) -> list[Preset]:
    return [preset for preset in PRESETS.values() if kind in preset.layouts]


def known_keys() -> frozenset[str]:
    """Every header key a preset reads: what tells a header row from a report title."""
    return frozenset(
        key(name)
        for preset in PRESETS.values()
        for layout in preset.layouts.values()
        for names in layout.columns.values()
        for name in names
    )


def columns_for(kind: str, layout: Layout, headers: list[str]) -> dict[str, list[str]]:
    """Return, for each field of ``layout``, the columns of ``headers`` it reads (all of them
    for a field that takes several, else the first name the system uses)."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(key(header), header)
    mapping = {}
    for name, candidates in layout.columns.items():
        found = list(dict.fromkeys(by_key[key(c)] for c in candidates if key(c) in by_key))
        if found:
            mapping[name] = found if field_named(kind, name).many else found[:1]
    return mapping


def missing_fields(layout: Layout, mapping: dict[str, list[str]]) -> list[str]:
    """Return the required field groups (``"a|b"``) that ``mapping`` leaves without a column."""
    return [
        group
        for group in layout.required
        if not any(mapping.get(name) for name in group.split("|"))
    ]


def detect(kind: str, headers: list[str]) -> Preset:
    """Return the preset whose layout fits ``headers`` best: every required field found
    first, then the most fields found; the generic preset when nothing fits better."""
    candidates = presets_for(kind)

    def fit(index_preset: tuple[int, Preset]) -> tuple[bool, int, int]:
        index, preset = index_preset
        layout = preset.layouts[kind]
        mapping = columns_for(kind, layout, headers)
        return (not missing_fields(layout, mapping), len(mapping), -index)

    return max(enumerate(candidates), key=fit)[1]
