#!/usr/bin/env python3
"""Mutation testing of the rule modules: how many deliberately broken copies the tests catch.

For each module in .ci/mutation.toml, mutmut makes mutants (small changes: a comparison
flipped, a constant changed, an argument dropped) and runs the module's tests against each on
SQLite. A mutant the tests fail on is killed; one they pass is a rule that could break
unnoticed. Prints each module's score (killed share, equivalent mutants not counted) and its
survivors, then, as the last line, one JSON object mapping each module's path to its score.
Exits 1 when a module is under the bar or mutmut could not run.

Usage: .venv/bin/python .ci/mutation.py [--max-children N] [MODULE_PATH ...]

Each module runs in its own folder under var/mutation/ (made afresh every time, so no verdict
is carried over from an older version of the code or its tests); mutmut's log is kept there.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".ci" / "mutation.toml"
WORK = ROOT / "var" / "mutation"
#: What the mutants are made from and the tests import: every package of the project (so the
#: tests import the mutated copy and nothing from the working tree), the page templates and
#: the tests (mutmut copies tests/ itself).
SOURCES = ["kapittx", "receivables", "reminders", "collections_app", "integrations"]
ALSO_COPY = ["templates"]
#: On SQLite, without the services and the browser; the schema made from the models rather
#: than by replaying every migration (seconds per mutant instead of a quarter minute);
#: Hypothesis drawing the same examples for every mutant, so a verdict does not depend on luck.
PYTEST_ARGS = [
    "-p",
    "no:cacheprovider",
    "--nomigrations",
    "--hypothesis-seed=0",
    "-m",
    "not browser and not services",
]
PROCESS_ZONE = "Pacific/Auckland"
#: mutmut's verdicts that count as caught: the tests failed, hung or crashed.
CAUGHT = {"killed", "timeout", "segfault"}
RESULT_LINE = re.compile(r"^\s+(?P<name>\S+__mutmut_\d+): (?P<status>.+)$")


@dataclass
class Outcome:
    path: str
    statuses: dict[str, str] = field(default_factory=dict)  # mutant name → mutmut's verdict
    equivalent: dict[str, str] = field(default_factory=dict)  # listed name → reason
    error: str = ""

    @property
    def counted(self) -> dict[str, str]:
        return {n: s for n, s in self.statuses.items() if n not in self.equivalent}

    @property
    def killed(self) -> int:
        return sum(status in CAUGHT for status in self.counted.values())

    @property
    def score(self) -> float:
        counted = self.counted
        return round(100 * self.killed / len(counted), 1) if counted else 0.0

    @property
    def survivors(self) -> list[str]:
        return sorted(n for n, s in self.counted.items() if s not in CAUGHT)

    @property
    def stale(self) -> list[str]:
        """Equivalent mutants listed that mutmut no longer makes, or that the tests kill."""
        return sorted(n for n in self.equivalent if self.statuses.get(n, "killed") in CAUGHT)


def dotted(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def mutmut_config(module: dict) -> str:
    """Return the [tool.mutmut] table for one module's run."""
    settings = {
        "source_paths": SOURCES,
        "only_mutate": [module["path"]],
        "also_copy": ALSO_COPY,
        "pytest_add_cli_args": PYTEST_ARGS,
        "pytest_add_cli_args_test_selection": module["tests"],
        "use_git_change_detection": False,
    }
    lines = ["", "[tool.mutmut]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


def prepare(module: dict) -> Path:
    """Make the module's folder afresh: the project linked in, a pyproject.toml with its
    mutmut settings."""
    folder = WORK / dotted(module["path"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in [*SOURCES, *ALSO_COPY, "tests"]:
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    project = (ROOT / "pyproject.toml").read_text()
    if "mutmut" in tomllib.loads(project).get("tool", {}):
        raise SystemExit("pyproject.toml has a [tool.mutmut] table; .ci/mutation.toml says it all")
    (folder / "pyproject.toml").write_text(project + mutmut_config(module))
    return folder


def environment() -> dict[str, str]:
    """Return the environment of a run: SQLite, no services, the process in a zone far from
    UTC (so a conversion that is wrong only off UTC fails, see tests/conftest.py)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.pop("KAPITTX_REQUIRE_SERVICES", None)
    env["KAPITTX_TEST_TZ"] = PROCESS_ZONE
    env["KAPITTX_VAR_DIR"] = str(WORK / "var")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_module(module: dict, equivalent: dict[str, str], mutmut: Path, children: int) -> Outcome:
    outcome = Outcome(
        module["path"],
        equivalent={n: r for n, r in equivalent.items() if n.startswith(dotted(module["path"]))},
    )
    missing = [t for t in module["tests"] if not (ROOT / t.split("::")[0]).exists()]
    if missing:
        outcome.error = f"tests not found: {', '.join(missing)}"
        return outcome
    folder = prepare(module)
    env = environment()
    with open(folder / "mutmut.log", "w") as log:
        run = subprocess.run(
            [str(mutmut), "run", "--max-children", str(children)],
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if run.returncode != 0:
        outcome.error = f"mutmut run failed ({run.returncode}); see {folder / 'mutmut.log'}"
        return outcome
    results = subprocess.run(
        [str(mutmut), "results", "--all", "true"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in results.stdout.splitlines():
        if match := RESULT_LINE.match(line):
            outcome.statuses[match["name"]] = match["status"]
    if results.returncode != 0 or not outcome.statuses:
        outcome.error = f"no results from mutmut; see {folder / 'mutmut.log'}"
    return outcome


def report(outcome: Outcome, bar: float) -> None:
    if outcome.error:
        print(f"{outcome.path}: {outcome.error}", flush=True)
        return
    counted = len(outcome.counted)
    verdict = "" if outcome.score >= bar else f"  (under the bar of {bar:g} %)"
    print(
        f"{outcome.path}: {outcome.score:g} % killed ({outcome.killed} of {counted}; "
        f"{len(outcome.statuses) - counted} equivalent not counted){verdict}",
        flush=True,
    )
    for name in outcome.survivors:
        print(f"    survived: {name} ({outcome.statuses[name]})")
    for name in outcome.stale:
        state = outcome.statuses.get(name, "no longer made")
        print(f"    listed as equivalent but {state}: {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="module paths (default: every rule module)")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    config = tomllib.loads(CONFIG.read_text())
    modules = config["modules"]
    if args.modules:
        unknown = set(args.modules) - {m["path"] for m in modules}
        if unknown:
            parser.error(f"not a rule module in {CONFIG.name}: {', '.join(sorted(unknown))}")
        modules = [m for m in modules if m["path"] in args.modules]
    equivalent = {e["mutant"]: e["reason"] for e in config.get("equivalent", [])}
    mutmut = Path(sys.executable).with_name("mutmut")
    outcomes = []
    for module in modules:
        print(f"== {module['path']}", flush=True)
        outcome = run_module(module, equivalent, mutmut, args.max_children)
        report(outcome, config["bar"])
        outcomes.append(outcome)
    failed = any(o.error or o.score < config["bar"] for o in outcomes)
    print(json.dumps({o.path: None if o.error else o.score for o in outcomes}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
