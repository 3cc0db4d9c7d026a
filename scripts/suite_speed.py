"""The suite's speed against PennyLane's own run-only check, from one paired run.

Runs, one after the other on the same machine, PennyLane 0.45.1's
``tests/docs/test_supported_confs.py`` (kept with its ``conftest.py`` and ``pytest.ini`` in
``benchmarks/pennylane-0.45.1/``; its fixtures need ``pytest-rng`` and ``flaky``, the
``bench`` extra) and the README's test command, ``pytest -n auto``, and prints each one's
tests, wall time, CPU time and tests per second, and the ratio of the two rates:

    .venv/bin/python scripts/suite_speed.py                    # both, then the ratio
    .venv/bin/python scripts/suite_speed.py --profile          # and where the suite's time went
    .venv/bin/python scripts/suite_speed.py --libraries "jax-jit" tests/test_qnode.py

Tests are every test pytest reports a result for (passed, failed, skipped, xfailed,
xpassed, errors). Wall time is the child's, from start to exit; CPU time is its
processes' user + system time (``RUSAGE_CHILDREN``), which with the wall time shows how
busy the cores were. ``--profile`` loads ``scripts/timeline_plugin.py`` into the suite's
run and splits each xdist worker's wall time into start-up (interpreter start to its
first test: imports and collection), tests (by file), and the idle tail after its last
test. ``--libraries EXPR [PATH ...]`` instead runs the tests ``-k EXPR`` selects in one
process under cProfile and splits their time by the library each function belongs to
(self time: PennyLane, JAX/XLA, TensorFlow, torch, NumPy, this suite, pytest, imports).
Nothing here is a test: the suite never times itself.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "benchmarks" / "pennylane-0.45.1" / "tests"
REFERENCE_TEST = "docs/test_supported_confs.py"
_COUNT = re.compile(r"(\d+) (passed|failed|skipped|xfailed|xpassed|errors?|deselected)\b")


@dataclass
class Run:
    """One pytest command, run once."""

    name: str
    command: list[str]
    exit_code: int
    tests: int
    outcomes: dict[str, int]
    wall_seconds: float
    cpu_seconds: float

    @property
    def tests_per_second(self) -> float:
        return self.tests / self.wall_seconds


def outcome_counts(summary: str) -> dict[str, int]:
    """The counts of pytest's last summary line, e.g. ``{"passed": 1096, "xfailed": 76}``."""
    line = next((ln for ln in reversed(summary.strip().splitlines()) if " in " in ln), "")
    counts: dict[str, int] = {}
    for number, word in _COUNT.findall(line):
        counts["errors" if word.startswith("error") else word] = int(number)
    return counts


def run_pytest(name: str, args: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """Run pytest with ``args`` in ``cwd``; its output streams through, its summary counts."""
    command = [sys.executable, "-m", "pytest", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, text=True)
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(line)
        lines.append(line)
    exit_code = process.wait()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    outcomes = outcome_counts("".join(lines))
    tests = sum(n for kind, n in outcomes.items() if kind != "deselected")
    return Run(name, command, exit_code, tests, outcomes, wall, cpu)


def profile(directory: Path) -> dict[str, Any]:
    """Each xdist worker's wall time split into start-up, tests by file, and idle tail."""
    records = [json.loads(p.read_text()) for p in sorted(directory.glob("gw*.json"))]
    if not records:
        return {}
    end = max(r["ended"] for r in records)
    workers = {}
    by_file: dict[str, float] = defaultdict(float)
    for r in records:
        tests = r["tests"]
        first = min((t[1] for t in tests), default=r["ended"])
        last = max((t[2] for t in tests), default=r["ended"])
        for nodeid, t0, t1 in tests:
            by_file[nodeid.split("::")[0]] += t1 - t0
        workers[r["process"]] = {
            "start_up_seconds": first - r["started"],
            "collection_ended_after_seconds": (r["collected"] or first) - r["started"],
            "test_seconds": sum(t[2] - t[1] for t in tests),
            "between_tests_seconds": (last - first) - sum(t[2] - t[1] for t in tests),
            "idle_tail_seconds": end - last,
            "tests": len(tests),
        }
    total = sum(by_file.values())
    return {
        "workers": workers,
        "test_seconds_by_file": dict(sorted(by_file.items(), key=lambda kv: -kv[1])),
        "test_seconds_total": total,
    }


#: Where a profiled function's file lies -> the library it is counted under, first match.
_LIBRARIES = (
    ("site-packages/pennylane_lightning", "PennyLane (lightning)"),
    ("site-packages/pennylane", "PennyLane"),
    ("site-packages/autoray", "PennyLane"),
    ("site-packages/autograd", "autograd"),
    ("site-packages/jax", "JAX/XLA"),
    ("site-packages/jaxlib", "JAX/XLA"),
    ("site-packages/tensorflow", "TensorFlow"),
    ("site-packages/keras", "TensorFlow"),
    ("site-packages/torch", "torch"),
    ("site-packages/numpy", "NumPy/SciPy"),
    ("site-packages/scipy", "NumPy/SciPy"),
    ("supportmatrix/", "supportmatrix (runner, oracle, checks)"),
    ("site-packages/_pytest", "pytest"),
    ("site-packages/pluggy", "pytest"),
    ("<frozen importlib", "imports"),
    ("<frozen zipimport", "imports"),
)


def library_of(filename: str, function: str) -> str:
    """The library a profiled function counts under; builtins by their caller-less name."""
    if filename == "~":  # a builtin: compile/marshal are imports' own work
        return (
            "imports"
            if function in ("<built-in method builtins.compile>", "<built-in method marshal.loads>")
            else "builtins"
        )
    return next((name for marker, name in _LIBRARIES if marker in filename), "other Python")


def library_split(expr: str, paths: list[str]) -> dict[str, float]:
    """Self time by library of the tests ``-k expr`` selects, run in one process."""
    import pstats

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "profile")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cProfile",
                "-o",
                str(out),
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:xdist",
                "-p",
                "no:cacheprovider",
                "-k",
                expr,
                *paths,
            ],
            cwd=ROOT,
            check=False,
        )
        stats = pstats.Stats(str(out)).stats  # type: ignore[attr-defined]  # typeshed omits it
    return split_by_library(stats)


def split_by_library(stats: dict) -> dict[str, float]:
    """Self time per library from `pstats.Stats.stats`. A builtin's time (C calls such as
    TensorFlow's op execution or isinstance) goes to the libraries of its callers, in
    proportion to the time each caller spent in it."""
    split: dict[str, float] = defaultdict(float)
    for (filename, _line, function), (_cc, _nc, tottime, _ct, callers) in stats.items():
        library = library_of(filename, function)
        if library != "builtins" or not callers:
            split[library] += tottime
            continue
        # callers: {caller key: (cc, nc, tottime, cumtime) of this function under that caller}
        spent = sum(c[3] for c in callers.values()) or 1.0
        for (caller_file, _l, caller_function), c in callers.items():
            split[library_of(caller_file, caller_function)] += tottime * c[3] / spent
    return dict(sorted(split.items(), key=lambda kv: -kv[1]))


def _print_profile(split: dict[str, Any]) -> None:
    print("\nwhere each worker's wall time went (s):")
    print(f"{'worker':8} {'start-up':>9} {'tests':>8} {'between':>8} {'idle tail':>9} {'count':>6}")
    for name, w in split["workers"].items():
        print(
            f"{name:8} {w['start_up_seconds']:9.1f} {w['test_seconds']:8.1f} "
            f"{w['between_tests_seconds']:8.1f} {w['idle_tail_seconds']:9.1f} {w['tests']:6d}"
        )
    total = split["test_seconds_total"]
    print(f"\ntest time by file (of {total:.1f} s):")
    for path, seconds in list(split["test_seconds_by_file"].items())[:12]:
        print(f"  {seconds:7.1f} s {100 * seconds / total:5.1f} %  {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--profile", action="store_true", help="split the suite's wall time per worker (timeline_plugin)"
    )
    parser.add_argument(
        "--libraries",
        metavar="EXPR",
        help="profile the tests -k EXPR selects "
        "in one process and split their time by library, instead of the paired run",
    )
    parser.add_argument("paths", nargs="*", help="with --libraries: test paths (default: all)")
    parser.add_argument("--workers", default="auto", help="pytest -n for both runs (default auto)")
    parser.add_argument("-o", "--output", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.libraries:
        split = library_split(args.libraries, args.paths)
        total = sum(split.values())
        print(f"\nself time by library (of {total:.1f} s):")
        for name, seconds in split.items():
            print(f"  {seconds:7.1f} s {100 * seconds / total:5.1f} %  {name}")
        return 0
    if args.paths:
        parser.error("test paths go with --libraries")
    if not (REFERENCE / REFERENCE_TEST).exists():
        print(f"suite_speed: {REFERENCE / REFERENCE_TEST} is missing", file=sys.stderr)
        return 2
    missing = [m for m in ("pytest_rng", "flaky", "xdist") if not _importable(m)]
    if missing:
        print(
            f"suite_speed: PennyLane's test needs {', '.join(missing)}: "
            f"pip install -c constraints.txt -e '.[bench]'",
            file=sys.stderr,
        )
        return 2

    env = dict(os.environ)
    reference = run_pytest(
        "PennyLane 0.45.1 tests/docs/test_supported_confs.py",
        ["-n", args.workers, "-q", "-p", "no:cacheprovider", REFERENCE_TEST],
        REFERENCE,
        env,
    )
    with tempfile.TemporaryDirectory() as timeline:
        suite_args = ["-n", args.workers, "-q"]
        suite_env = dict(env)
        if args.profile:
            suite_env["PYTHONPATH"] = os.pathsep.join(
                [str(ROOT / "scripts"), *filter(None, [env.get("PYTHONPATH")])]
            )
            suite_env["SUPPORTMATRIX_TIMELINE_DIR"] = timeline
            suite_args += ["-p", "timeline_plugin"]
        suite = run_pytest("supportmatrix: pytest -n auto", suite_args, ROOT, suite_env)
        split = profile(Path(timeline)) if args.profile else {}

    print()
    print(f"{'run':55} {'tests':>6} {'wall s':>8} {'CPU s':>8} {'tests/s':>8}")
    for r in (reference, suite):
        print(
            f"{r.name:55} {r.tests:6d} {r.wall_seconds:8.1f} {r.cpu_seconds:8.1f} {r.tests_per_second:8.1f}"
        )
    ratio = suite.tests_per_second / reference.tests_per_second
    print(f"ratio (suite / PennyLane): {ratio:.2f}")
    if split:
        _print_profile(split)
    if args.output:
        args.output.write_text(
            json.dumps(
                {
                    "runs": [asdict(reference), asdict(suite)],
                    "ratio": ratio,
                    "profile": split,
                    "cpu_count": os.cpu_count(),
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0 if reference.exit_code == 0 and suite.exit_code == 0 else 1


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    sys.exit(main())
