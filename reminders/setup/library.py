"""The ready template library and the default workflow every new tenant starts with.

The texts live in ``reminders/setup/library/<language>/<key>.txt`` (a data folder, not a
package: ``import reminders.setup.library`` is this module). Each file holds the parts of one
template under ``=== <field>`` headings. ``_shared.txt`` holds pieces used by every template of the
language — the HTML layout, greeting, invoice table, portal button and signature — which
``[[name]]`` placeholders pull in (``name.html`` in HTML parts, ``name.text`` in the others,
else plain ``name``). They are expanded when the library is loaded, so the template a tenant
gets is self-contained and can be edited freely. A part a file leaves out stays empty
(``call-customer`` is a task for a member, so it has no email body or SMS).
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.db import transaction

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from reminders.messages.templates import PARTS, save_template
from reminders.models import ReminderSettings, Step, Template, Tone, Workflow

LIBRARY_DIR = Path(__file__).with_name("library")
KEYS = (
    "courtesy-before-due",
    "due-today",
    "overdue-polite",
    "overdue-firm",
    "final-notice",
    "statement",
    "thank-you",
    "promise-due",
    "broken-promise",
    "call-customer",
)

DEFAULT_WORKFLOW_NAME = "Standard"
#: (days from the due date, channel, template key, tone) of the default workflow.
DEFAULT_STEPS = (
    (-3, "email", "courtesy-before-due", Tone.COURTESY),
    (0, "email", "due-today", Tone.COURTESY),
    (3, "email", "overdue-polite", Tone.REMINDER),
    (10, "email", "overdue-firm", Tone.FIRM),
    (10, "sms", "overdue-firm", Tone.FIRM),
    (20, "email", "final-notice", Tone.FINAL),
    # A member calls the customer: the task's title, notes and call script.
    (25, "task", "call-customer", Tone.FINAL),
)
# The last step (the call) comes back every two weeks, three times, before it stops.
DEFAULT_REPEAT_EVERY_DAYS = 14
DEFAULT_REPEAT_MAX_TIMES = 3

_HEADING = re.compile(r"^=== ([\w.-]+)[ \t]*$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\[\[([\w-]+)\]\]")


@dataclass(frozen=True)
class LibraryTemplate:
    """One ready template in one language, placeholders already expanded."""

    key: str
    language: str
    name: str
    subject: str
    body_html: str
    body_text: str
    short_text: str
    voice_script: str


def _sections(path: Path) -> dict[str, str]:
    """Return the ``=== name`` sections of ``path``, without surrounding blank lines."""
    text = path.read_text(encoding="utf-8")
    pieces = _HEADING.split(text)
    if pieces[0].strip():
        raise ValueError(f"{path}: text before the first '=== name' heading.")
    return {name: body.strip("\n") for name, body in zip(pieces[1::2], pieces[2::2], strict=True)}


def _expand(text: str, shared: dict[str, str], kind: str, path: Path) -> str:
    def piece(match: re.Match) -> str:
        name = match.group(1)
        for candidate in (f"{name}.{kind}", name):
            if candidate in shared:
                return _expand(shared[candidate], shared, kind, path)
        raise ValueError(f"{path}: no shared piece [[{name}]] for {kind} parts.")

    return _PLACEHOLDER.sub(piece, text)


def _load(path: Path, shared: dict[str, str]) -> LibraryTemplate:
    sections = _sections(path)
    unknown = set(sections) - {"name", *PARTS}
    if unknown:
        raise ValueError(f"{path}: unknown sections {sorted(unknown)}.")
    parts = {}
    for part in PARTS:
        source = sections.get(part, "")
        kind = "text"
        if part == "body_html" and source:
            source, kind = shared["layout.html"].replace("[[content]]", source), "html"
        parts[part] = _expand(source, shared, kind, path)
        if "[[" in parts[part]:
            raise ValueError(f"{path}: a malformed [[placeholder]] in {part}.")
    return LibraryTemplate(key=path.stem, language=path.parent.name, name=sections["name"], **parts)


@lru_cache(maxsize=1)
def library() -> tuple[LibraryTemplate, ...]:
    """Return every ready template, in every language the library has."""
    templates = []
    for folder in sorted(p for p in LIBRARY_DIR.iterdir() if p.is_dir()):
        shared = _sections(folder / "_shared.txt")
        for path in sorted(folder.glob("*.txt")):
            if not path.name.startswith("_"):
                templates.append(_load(path, shared))
    return tuple(templates)


def languages() -> list[str]:
    """Return the languages the library is written in."""
    return sorted({t.language for t in library()})


@transaction.atomic
def equip_tenant(tenant: Tenant) -> None:
    """Give a new tenant the ready templates, send settings and the default workflow."""
    install_library(tenant)
    install_default_workflow(tenant)


@transaction.atomic
def install_library(tenant: Tenant) -> int:
    """Give ``tenant`` every ready template it lacks; return how many were created.

    A template the tenant already has (edited or not) is left alone, so this is safe to
    run again after the library grows.
    """
    have = set(scoped(Template, tenant).values_list("key", "language"))
    created = 0
    for ready in library():
        if (ready.key, ready.language) in have:
            continue
        save_template(
            Template(
                tenant=tenant,
                key=ready.key,
                language=ready.language,
                name=ready.name,
                **{part: getattr(ready, part) for part in PARTS},
            )
        )
        created += 1
    return created


@transaction.atomic
def install_default_workflow(tenant: Tenant) -> Workflow | None:
    """Give ``tenant`` send settings and the "Standard" workflow if it has no workflow yet.

    Return the workflow created, or None when the tenant already had one.
    """
    ReminderSettings.objects.get_or_create(
        tenant=tenant,
        defaults={"send_weekdays": [1, 2, 3, 4, 5], "sender_name": tenant.name[:100]},
    )
    if scoped(Workflow, tenant).exists():
        return None
    workflow = Workflow.objects.create(
        tenant=tenant,
        name=DEFAULT_WORKFLOW_NAME,
        is_default=True,
        repeat_every_days=DEFAULT_REPEAT_EVERY_DAYS,
        repeat_max_times=DEFAULT_REPEAT_MAX_TIMES,
    )
    Step.objects.bulk_create(
        Step(
            tenant=tenant,
            workflow=workflow,
            offset_days=offset,
            channel=channel,
            template_key=key,
            tone=tone,
        )
        for offset, channel, key, tone in DEFAULT_STEPS
    )
    return workflow
