"""How much this suite costs against what it checks, like for like, from one run.

Prints paste-ready Markdown for `docs/speed.md`, headed by its own command, wall time and
the machine's load:

    .venv/bin/python scripts/suite_speed.py -o speed.json        # paired ratio and overhead
    .venv/bin/python scripts/suite_speed.py --parts budget       # where pytest -n auto's time goes
    .venv/bin/python scripts/suite_speed.py --libraries "jax-jit" tests/test_qnode.py

``paired``: PennyLane 0.45.1's own run-only check, ``tests/docs/test_supported_confs.py``
(kept with its ``conftest.py`` and ``pytest.ini`` in ``benchmarks/pennylane-0.45.1/``; its
fixtures need ``pytest-rng`` and ``flaky``, the ``bench`` extra), and the cells of this
suite that judge the same configurations (`like_for_like` maps one onto the other), each
run in one process without xdist, ``--rounds`` times, alternating which goes first. Per
configuration: the median process CPU seconds of PennyLane's tests of it (setup and
teardown included, from `timeline_plugin`) against its cell's, and their ratio; and each
side's whole process, wall and CPU.
``overhead``: a sample of every family's cells run in this process with timers around the
user's own calls and the oracle, tolerance and check stages (`overhead`).
``budget``: the reference run, ``pytest -n auto``, with `timeline_plugin`: each xdist
worker's wall time split into start-up, tests (by file) and idle tail.
``--libraries EXPR [PATH ...]`` instead runs the tests ``-k EXPR`` selects in one process
under cProfile and splits their time by the library each function belongs to (self time:
PennyLane, JAX/XLA, TensorFlow, torch, NumPy, this suite, pytest, imports).
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


def outcome_counts(summary: str) -> dict[str, int]:
    """The counts of pytest's last summary line, e.g. ``{"passed": 1096, "xfailed": 76}``."""
    line = next((ln for ln in reversed(summary.strip().splitlines()) if " in " in ln), "")
    counts: dict[str, int] = {}
    for number, word in _COUNT.findall(line):
        counts["errors" if word.startswith("error") else word] = int(number)
    return counts


def run_pytest(name: str, args: list[str], cwd: Path, env: dict[str, str], *, echo: bool = True) -> Run:
    """Run pytest with ``args`` in ``cwd``; its output streams through (``echo``), its
    summary counts."""
    command = [sys.executable, "-m", "pytest", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, text=True)
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        if echo:
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


def _scripts_env(**extra: str) -> dict[str, str]:
    """This environment with the scripts directory on ``PYTHONPATH`` (for the plugins)."""
    env = dict(os.environ, **extra)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "scripts"), *filter(None, [env.get("PYTHONPATH")])])
    return env


def paired(rounds: int, progress: bool) -> dict[str, Any]:
    """PennyLane's support tests and the cells of the same configurations, ``rounds`` times
    each, alternating which runs first; the paired table's rows and what maps to no cell."""
    import like_for_like as lfl
    from tqdm import tqdm

    from supportmatrix.matrix.families import QNODE
    from supportmatrix.matrix.load import load_matrix

    with tempfile.TemporaryDirectory() as tmp:
        found = Path(tmp, "tests.json")
        subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "params_plugin", REFERENCE_TEST],
            cwd=REFERENCE,
            env=_scripts_env(SUPPORTMATRIX_PARAMS_FILE=str(found)),
            stdout=subprocess.DEVNULL,
            check=True,
        )
        tests = lfl.read_tests(found)
    cells = [rc.cell for rc in load_matrix(ROOT / "matrix.yaml").family(QNODE.name).cells]
    finite = sorted({c.shots for c in cells if c.shots is not None})
    pairs, unmapped = lfl.pair(tests, [c.id for c in cells], finite_shots=finite[0])
    nodeids = [f"{QNODE.test_file}::test_{QNODE.name}_cell[{conf.id}]" for conf in pairs]
    one_process = [
        "-q",
        "-p",
        "no:xdist",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-p",
        "timeline_plugin",
    ]
    sides = {
        "pennylane": (REFERENCE, [*one_process, REFERENCE_TEST]),
        "suite": (ROOT, [*one_process, *nodeids]),
    }
    seconds: dict[str, list[dict[str, float]]] = {"pennylane": [], "suite": []}
    runs: list[Run] = []
    bar = tqdm(total=2 * rounds, desc="paired runs", disable=not progress, file=sys.stderr)
    for index in range(rounds):
        for side in ("pennylane", "suite") if index % 2 == 0 else ("suite", "pennylane"):
            cwd, args = sides[side]
            with tempfile.TemporaryDirectory() as timeline:
                env = _scripts_env(SUPPORTMATRIX_TIMELINE_DIR=timeline)
                runs.append(run_pytest(f"{side}, round {index + 1}", args, cwd, env, echo=False))
                times = lfl.test_seconds(Path(timeline))
            seconds[side].append(
                times if side == "pennylane" else {lfl.cell_of(n): t for n, t in times.items()}
            )
            bar.update()
    bar.close()
    pennylane, suite = lfl.medians(seconds["pennylane"]), lfl.medians(seconds["suite"])
    return {
        "tests": len(tests),
        "finite_shots": finite,
        "unmapped": [asdict(u) for u in unmapped],
        "runs": [asdict(r) for r in runs],
        "table": lfl.markdown(lfl.rows(pairs, pennylane, suite), "interface, diff method"),
        "by_measurement": lfl.markdown(lfl.rows(pairs, pennylane, suite, by="measurement"), "measurement"),
        "configurations": [
            {
                **asdict(conf),
                "pennylane_tests": pairs[conf],
                "pennylane_seconds": sum(pennylane[n] for n in pairs[conf]),
                "suite_seconds": suite[conf.id],
            }
            for conf in pairs
        ],
    }


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--parts",
        default="paired,overhead",
        help="comma-separated: paired, overhead, budget (default paired,overhead)",
    )
    parser.add_argument("--rounds", type=int, default=2, help="paired: runs of each side (default 2)")
    parser.add_argument(
        "--per-family", type=int, default=12, help="overhead: cells sampled per family (default 12)"
    )
    parser.add_argument(
        "--libraries",
        metavar="EXPR",
        help="profile the tests -k EXPR selects in one process and split their time by library, instead",
    )
    parser.add_argument("paths", nargs="*", help="with --libraries: test paths (default: all)")
    parser.add_argument("--workers", default="auto", help="budget: pytest -n (default auto)")
    parser.add_argument(
        "--store-durations",
        action="store_true",
        help="budget: also refresh .test_durations from this run (pytest-split's "
        "--store-durations --clean-durations), so the shards' balance comes from the same run",
    )
    parser.add_argument("--no-progress", action="store_true", help="no tqdm progress bar on stderr")
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
    parts = args.parts.split(",")
    unknown = sorted(set(parts) - {"paired", "overhead", "budget"})
    if unknown or args.rounds < 1 or args.per_family < 1:
        what = f"unknown part {unknown[0]!r}" if unknown else "--rounds and --per-family must be at least 1"
        print(f"suite_speed: {what}; parts: paired, overhead, budget", file=sys.stderr)
        return 2
    if "paired" in parts:
        if not (REFERENCE / REFERENCE_TEST).exists():
            print(f"suite_speed: {REFERENCE / REFERENCE_TEST} is missing", file=sys.stderr)
            return 2
        missing = [m for m in ("pytest_rng", "flaky") if not _importable(m)]
        if missing:
            print(
                f"suite_speed: PennyLane's test needs {', '.join(missing)}: "
                f"pip install -c constraints.txt -e '.[bench]'",
                file=sys.stderr,
            )
            return 2

    sys.path.insert(0, str(ROOT / "scripts"))
    start, load_before = time.perf_counter(), _load()
    figures: dict[str, Any] = {"command": " ".join(["scripts/suite_speed.py", *(argv or sys.argv[1:])])}
    if "paired" in parts:
        figures["paired"] = paired(args.rounds, not args.no_progress)
    if "overhead" in parts:
        import overhead

        rows, left_out, code = overhead.measure(ROOT, args.per_family)
        figures["overhead"] = {
            "table": overhead.markdown(rows),
            "left_out": left_out,
            "exit_code": code,
            "rows": [asdict(r) for r in rows],
        }
    if "budget" in parts:
        with tempfile.TemporaryDirectory() as timeline:
            env = _scripts_env(SUPPORTMATRIX_TIMELINE_DIR=timeline)
            durations = (
                ["--store-durations", "--clean-durations", "--durations-path", str(ROOT / ".test_durations")]
                if args.store_durations
                else []
            )
            pytest_args = ["-n", args.workers, "-q", "-p", "timeline_plugin", *durations]
            run = run_pytest("pytest -n auto", pytest_args, ROOT, env)
            figures["budget"] = {"run": asdict(run), "profile": profile(Path(timeline))}
    figures["wall_seconds"] = time.perf_counter() - start
    figures["load"] = {"before": load_before, "after": _load()}
    print(report(figures))
    if args.output:
        args.output.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


def report(figures: dict[str, Any]) -> str:
    """The figures as Markdown to paste into `docs/speed.md`."""
    lines = [
        f"`{figures['command']}` took {figures['wall_seconds']:.0f} s wall; "
        f"{figures['load']['before']} at its start, {figures['load']['after']} at its end.",
    ]
    if "paired" in figures:
        p = figures["paired"]
        lines += [
            "",
            f"**Like for like.** PennyLane's {p['tests']} tests, each mapped to the cell that judges "
            f"its configuration ({len(p['unmapped'])} map to none), median process CPU seconds over "
            f"{len(p['runs']) // 2} rounds per side:",
            "",
            p["table"],
            "",
            p["by_measurement"],
            "",
            _whole_runs(p["runs"]),
        ]
        lines += [f"- {u['nodeid']}: {u['reason']}" for u in p["unmapped"]]
    if "overhead" in figures:
        o = figures["overhead"]
        lines += [
            "",
            "**Overhead**, per cell, from a sample of every family's cells in one process:",
            "",
            o["table"],
        ]
        lines += [f"- {why}" for why in o["left_out"]]
    if "budget" in figures:
        b = figures["budget"]
        run = b["run"]
        lines += [
            "",
            f"**Reference run**: {run['outcomes']} in {run['wall_seconds']:.1f} s wall, {run['cpu_seconds']:.1f} s CPU.",
        ]
        lines += [
            f"- {name}: start-up {w['start_up_seconds']:.1f} s, tests {w['test_seconds']:.1f} s, "
            f"idle tail {w['idle_tail_seconds']:.1f} s, {w['tests']} tests"
            for name, w in b["profile"].get("workers", {}).items()
        ]
        total = b["profile"].get("test_seconds_total", 0.0) or 1.0
        lines += [
            f"- {seconds:.1f} s ({100 * seconds / total:.1f} %) {path}"
            for path, seconds in list(b["profile"].get("test_seconds_by_file", {}).items())[:15]
        ]
    return "\n".join(lines)


def _whole_runs(runs: list[dict[str, Any]]) -> str:
    """Each side's whole process, start-up and imports included, as medians over rounds."""
    from statistics import median

    wall, cpu = (
        {side: median(r[key] for r in runs if r["name"].startswith(side)) for side in ("pennylane", "suite")}
        for key in ("wall_seconds", "cpu_seconds")
    )
    return (
        f"Whole processes, interpreter start to exit (imports and collection included; this "
        f"suite imports each framework in its first cell, PennyLane's file at collection): "
        f"PennyLane {wall['pennylane']:.1f} s wall, {cpu['pennylane']:.1f} s CPU; supportmatrix "
        f"{wall['suite']:.1f} s wall, {cpu['suite']:.1f} s CPU; ratio {wall['suite'] / wall['pennylane']:.2f} "
        f"wall, {cpu['suite'] / cpu['pennylane']:.2f} CPU."
    )


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    sys.exit(main())
