"""The generic template offered on the import page: a CSV header per kind, in the generic
preset's own column names, with the formats the page explains (ISO dates, decimal point)."""

import csv
import io

from integrations.importers.presets import FIELDS, PRESETS


def template_columns(kind: str) -> list[str]:
    layout = PRESETS["generic"].layouts[kind]
    return [layout.columns[f.name][0] for f in FIELDS[kind] if f.name in layout.columns]


def template_csv(kind: str) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(template_columns(kind))
    return out.getvalue()
