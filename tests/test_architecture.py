"""The shape of the tree: one-way layers, modules of a readable size, and one code path that
writes a reminder's status."""

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("kapittx", "receivables", "collections_app", "reminders", "integrations")
#: A product module longer than this says why in its docstring ("long because …").
MAX_MODULE_LINES = 400
MAX_TEST_MODULE_LINES = 600


def product_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def dotted(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["type"] == "layers"]
    return [re.split(r"\s*[:|]\s*", layer.strip()) for layer in contract["layers"]]


def test_import_linter_keeps_every_contract():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is part of the dev extra"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_kapittx_module_is_either_shell_or_platform():
    shell, *_, platform = layers()
    top = {name.split(".")[1] for name in [*shell, *platform]}
    assert not {name for name in shell} & set(platform)
    for path in (ROOT / "kapittx").iterdir():
        name = path.stem if path.suffix == ".py" else path.name
        if name.startswith("_") or name == "static" or not (path.suffix == ".py" or path.is_dir()):
            continue
        if path.is_dir() and not any(path.rglob("*.py")):
            continue
        assert name in top, f"kapittx.{name} is in neither the shell nor the platform layer"


@pytest.mark.parametrize("path", product_modules(), ids=dotted)
def test_product_modules_stay_readable(path):
    lines = len(path.read_text().splitlines())
    if lines <= MAX_MODULE_LINES:
        return
    docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
    assert "long because" in docstring.lower(), (
        f"{dotted(path)} has {lines} lines; split it, or say in its docstring why it is "
        "long because …"
    )


def test_test_modules_stay_readable():
    long = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / "tests").rglob("test_*.py")
        if (n := len(path.read_text().splitlines())) > MAX_TEST_MODULE_LINES
    }
    assert not long, f"test modules over {MAX_TEST_MODULE_LINES} lines: {long}"


#: The one module that writes a reminder's status.
STATES = ROOT / "reminders" / "outbox" / "states.py"
WRITES = {"update", "bulk_update", "create", "get_or_create", "update_or_create"}


def _status_writes(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if method in WRITES and any(k.arg == "status" for k in node.keywords):
                found.append(f"line {node.lineno}: .{method}(status=…)")
            named_dispatch = any(isinstance(a, ast.Name) and a.id == "Dispatch" for a in node.args)
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if (
                    isinstance(arg, ast.List | ast.Tuple)
                    and any(isinstance(e, ast.Constant) and e.value == "status" for e in arg.elts)
                    and (named_dispatch or any(k.arg == "update_fields" for k in node.keywords))
                ):
                    found.append(f"line {node.lineno}: a column list with status")
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    found.append(f"line {node.lineno}: .status = …")
        sql = node.value if isinstance(node, ast.Constant) else None
        if isinstance(sql, str) and re.search(r"\bSET\b[^;]*\bstatus\s*=", sql, re.IGNORECASE):
            found.append(f"line {node.lineno}: SQL that sets status")
    return found


def test_a_dispatch_status_is_written_only_by_the_transition_helper():
    offenders = {}
    for path in product_modules():
        source = path.read_text()
        if path == STATES or not re.search(r"\bDispatch\b", source):
            continue
        if writes := _status_writes(ast.parse(source)):
            offenders[dotted(path)] = writes
    assert not offenders, f"status written outside reminders.outbox.states: {offenders}"


def test_the_status_check_finds_each_kind_of_write():
    samples = [
        "Dispatch.objects.filter(pk=1).update(status='sent')",
        "dispatch.status = 'sent'",
        "dispatch.save(update_fields=['status'])",
        "update_rows(Dispatch, ['status', 'sent_at'], rows)",
        "cursor.execute('UPDATE reminders_dispatch SET status = %s WHERE id = %s')",
        "Dispatch.objects.create(key='k', status='planned')",
    ]
    for sample in samples:
        assert _status_writes(ast.parse(sample)), sample
    assert not _status_writes(ast.parse("Dispatch.objects.filter(status='sent').count()"))


def test_row_locks_are_taken_only_through_the_lock_helper():
    """Locks in one order need one place that takes them (``kapittx.locks``)."""
    helper = ROOT / "kapittx" / "locks.py"
    offenders = [
        dotted(path)
        for path in product_modules()
        if path != helper and "select_for_update" in path.read_text()
    ]
    assert not offenders, f"select_for_update outside kapittx.locks: {offenders}"


#: Apps from the bottom layer up; a foreign key may point only at its own app or one below.
MODEL_LAYERS = ("kapittx", "receivables", "collections_app", "reminders", "integrations")


def _upward_relations() -> list[str]:
    from django.apps import apps

    upward = []
    for model in apps.get_models():
        app = model._meta.app_label
        if app not in MODEL_LAYERS:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not (field.is_relation and field.concrete and field.related_model):
                continue
            target = field.related_model._meta.app_label
            if target in MODEL_LAYERS and MODEL_LAYERS.index(target) > MODEL_LAYERS.index(app):
                upward.append(f"{model.__name__}.{field.name} -> {target}")
    return upward


def test_foreign_keys_point_down_the_layers():
    assert not _upward_relations(), "foreign keys pointing up a layer"
