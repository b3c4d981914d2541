"""`make mutation` measures what it says: every rule module and test it names exists, no rule
function is hidden from mutmut by a decorator, the score leaves out only the equivalent
mutants listed, and docs/testing.md lists the same ones with the same reasons."""

import ast
import importlib.util
import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CONFIG = tomllib.loads((ROOT / ".ci" / "mutation.toml").read_text())
MODULES = [module["path"] for module in CONFIG["modules"]]


def _runner():
    spec = importlib.util.spec_from_file_location("mutation_runner", ROOT / ".ci" / "mutation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_rule_module_and_its_tests_exist():
    for module in CONFIG["modules"]:
        assert (ROOT / module["path"]).is_file(), module["path"]
        assert module["tests"], f"{module['path']} names no tests"
        for selection in module["tests"]:
            assert (ROOT / selection.split("::")[0]).exists(), selection


@pytest.mark.parametrize("path", MODULES)
def test_no_rule_function_is_decorated_so_mutmut_mutates_every_one(path):
    # mutmut leaves decorated functions alone; a transaction is opened with a with-block.
    tree = ast.parse((ROOT / path).read_text())
    decorated = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.decorator_list
    ]
    assert decorated == []


def test_each_equivalent_mutant_belongs_to_a_rule_module_and_says_why():
    modules = {path.removesuffix(".py").replace("/", ".") for path in MODULES}
    for equivalent in CONFIG.get("equivalent", []):
        name = equivalent["mutant"]
        assert re.fullmatch(r"[\w.]+\.x[_ǁ][\wǁ]+__mutmut_\d+", name), name
        assert name.rsplit(".", 1)[0] in modules, name
        assert len(equivalent["reason"]) > 20, name


def test_the_testing_doc_lists_exactly_the_equivalent_mutants():
    doc = (ROOT / "docs" / "testing.md").read_text()
    listed = dict(re.findall(r"^\| `([^`]+__mutmut_\d+)` \| (.+) \|$", doc, re.M))
    assert listed == {e["mutant"]: e["reason"] for e in CONFIG.get("equivalent", [])}


def test_the_score_counts_caught_mutants_and_leaves_out_the_equivalent_ones():
    runner = _runner()
    outcome = runner.Outcome(
        "reminders/outbox/schedule.py",
        statuses={
            "m.x_a__mutmut_1": "killed",
            "m.x_a__mutmut_2": "timeout",
            "m.x_a__mutmut_3": "survived",
            "m.x_a__mutmut_4": "no tests",
            "m.x_a__mutmut_5": "survived",
            "m.x_a__mutmut_6": "killed",
        },
        equivalent={"m.x_a__mutmut_5": "same result", "m.x_a__mutmut_6": "was thought so"},
    )
    assert (outcome.killed, len(outcome.counted), outcome.score) == (2, 4, 50.0)
    assert outcome.survivors == ["m.x_a__mutmut_3", "m.x_a__mutmut_4"]
    assert outcome.stale == ["m.x_a__mutmut_6"]


def test_each_module_runs_with_its_own_tests_on_sqlite_in_a_zone_off_utc():
    runner = _runner()
    module = CONFIG["modules"][0]
    table = tomllib.loads(runner.mutmut_config(module))["tool"]["mutmut"]
    assert table["only_mutate"] == [module["path"]]
    assert table["pytest_add_cli_args_test_selection"] == module["tests"]
    env = runner.environment()
    assert "DATABASE_URL" not in env and "KAPITTX_REQUIRE_SERVICES" not in env
    assert env["KAPITTX_TEST_TZ"] != "UTC"
