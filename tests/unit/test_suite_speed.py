"""Unit tests for `scripts/suite_speed.py` and its `scripts/timeline_plugin.py`."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest_plugins = ("pytester",)


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


suite_speed = _script("suite_speed")


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ("...\n1096 passed, 76 xfailed, 92 warnings in 61.47s (0:01:01)\n", {"passed": 1096, "xfailed": 76}),
        ("6513 passed, 2880 deselected in 249.12s (0:04:09)", {"passed": 6513, "deselected": 2880}),
        (
            "3 failed, 10 passed, 2 skipped, 1 error in 3.00s",
            {"failed": 3, "passed": 10, "skipped": 2, "errors": 1},
        ),
        ("no summary at all", {}),
    ],
)
def test_outcome_counts_read_pytests_last_summary_line(summary: str, expected: dict) -> None:
    assert suite_speed.outcome_counts(summary) == expected


def test_profile_splits_each_workers_wall_time(tmp_path: Path) -> None:
    for worker, tests, ended in (
        ("gw0", [["a.py::x", 12.0, 20.0], ["b.py::y", 20.5, 30.0]], 31.0),
        ("gw1", [["a.py::z", 11.0, 25.0]], 31.0),
    ):
        (tmp_path / f"{worker}.json").write_text(
            json.dumps(
                {
                    "process": worker,
                    "started": 2.0,
                    "plugin_loaded": 3.0,
                    "collected": 10.0,
                    "ended": ended,
                    "tests": tests,
                }
            )
        )
    (tmp_path / "controller.json").write_text("{}")  # not a worker: ignored
    split = suite_speed.profile(tmp_path)
    gw0, gw1 = split["workers"]["gw0"], split["workers"]["gw1"]
    assert gw0 == {
        "start_up_seconds": 10.0,
        "collection_ended_after_seconds": 8.0,
        "test_seconds": 17.5,
        "between_tests_seconds": 0.5,
        "idle_tail_seconds": 1.0,
        "tests": 2,
    }
    assert gw1["idle_tail_seconds"] == 6.0 and gw1["start_up_seconds"] == 9.0
    assert split["test_seconds_by_file"] == {"a.py": 22.0, "b.py": 9.5}
    assert split["test_seconds_total"] == 31.5


def test_a_missing_reference_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:
    monkeypatch.setattr(suite_speed, "REFERENCE", tmp_path)
    assert suite_speed.main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "test_supported_confs.py is missing" in err


#: SHA-256 of the three files benchmarks/pennylane-0.45.1/README.md says were copied unchanged
#: from PennyLane's tag v0.45.1 (commit 5f61ce25df3cc28a1ac785d20e47d70761202ed2); the same
#: files the pennylane-0.45.1 wheel installs under site-packages/tests/.
RELEASED_SHA256 = {
    "docs/test_supported_confs.py": "71e915d7712dfa2253325caafe786444c1da728272207b8fb99476c4c0c68a3d",
    "conftest.py": "6912b9a4e2cc923d33e516e445e4522142735c759818d2bec92fed85a7f80ce5",
    "pytest.ini": "450eb2ddbc3c1d2a5be95cdf98268f99f85c313094c062662acd2a5665df5c27",
}


@pytest.mark.parametrize("name", sorted(RELEASED_SHA256))
def test_the_reference_is_pennylanes_file_as_released(name: str) -> None:
    digest = hashlib.sha256((suite_speed.REFERENCE / name).read_bytes()).hexdigest()
    assert digest == RELEASED_SHA256[name], (
        f"benchmarks/pennylane-0.45.1/tests/{name} has sha256 {digest}, but PennyLane "
        f"0.45.1's has {RELEASED_SHA256[name]}: restore it from the tag v0.45.1"
    )


def test_the_reference_is_the_file_suite_speed_runs() -> None:
    assert suite_speed.REFERENCE_TEST in RELEASED_SHA256


def test_the_timeline_plugin_records_each_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "scripts"))
    monkeypatch.setenv("SUPPORTMATRIX_TIMELINE_DIR", str(pytester.path))
    pytester.makepyfile(test_two="def test_a(): pass\ndef test_b(): pass\n")
    result = pytester.runpytest_subprocess("-p", "timeline_plugin", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    record = json.loads((pytester.path / "controller.json").read_text())
    assert [t[0] for t in record["tests"]] == ["test_two.py::test_a", "test_two.py::test_b"]
    assert record["started"] <= record["collected"] <= record["tests"][0][1] <= record["ended"]
    assert all(cpu >= 0 for _nodeid, _start, _end, cpu in record["tests"])
    # Under xdist each worker writes its own tests and the controller none.
    result = pytester.runpytest_subprocess("-p", "timeline_plugin", "-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=2)
    assert json.loads((pytester.path / "controller.json").read_text())["tests"] == []
    # xdist may hand both tests to one worker (a loaded machine starts the other late), and
    # a worker that ran none writes nothing: the workers' files hold the tests between them.
    workers = [json.loads(path.read_text()) for path in sorted(pytester.path.glob("gw*.json"))]
    assert workers
    assert sorted(t[0] for w in workers for t in w["tests"]) == ["test_two.py::test_a", "test_two.py::test_b"]


@pytest.mark.parametrize(
    ("filename", "function", "library"),
    [
        ("/v/lib/python3.11/site-packages/pennylane/workflow/qnode.py", "__call__", "PennyLane"),
        (
            "/v/lib/python3.11/site-packages/pennylane_lightning/lightning_qubit/x.py",
            "f",
            "PennyLane (lightning)",
        ),
        ("/v/lib/python3.11/site-packages/jax/_src/compiler.py", "backend_compile_and_load", "JAX/XLA"),
        ("/work/main/supportmatrix/check/oracle.py", "reference", "supportmatrix (runner, oracle, checks)"),
        ("<frozen importlib._bootstrap>", "_find_and_load", "imports"),
        ("~", "<built-in method marshal.loads>", "imports"),
        ("~", "<built-in method builtins.isinstance>", "builtins"),
        ("/usr/lib/python3.11/re/_parser.py", "get", "other Python"),
    ],
)
def test_library_of_counts_each_function_under_its_library(
    filename: str, function: str, library: str
) -> None:
    assert suite_speed.library_of(filename, function) == library


def test_a_builtins_time_goes_to_its_callers_libraries() -> None:
    jax_fn = ("/s/site-packages/jax/_src/core.py", 1, "bind")
    tf_fn = ("/s/site-packages/tensorflow/python/ops.py", 2, "execute")
    builtin = ("~", 0, "<built-in method builtins.isinstance>")
    stats = {
        jax_fn: (1, 1, 2.0, 5.0, {}),
        tf_fn: (1, 1, 1.0, 4.0, {}),
        # 6 s of self time, spent 1:2 under the jax and the tf caller
        builtin: (9, 9, 6.0, 6.0, {jax_fn: (3, 3, 2.0, 2.0), tf_fn: (6, 6, 4.0, 4.0)}),
    }
    assert suite_speed.split_by_library(stats) == {"TensorFlow": 5.0, "JAX/XLA": 4.0}


def test_an_unknown_part_is_one_line_and_exit_2(capsys) -> None:
    assert suite_speed.main(["--parts", "paired,speedup"]) == 2
    err = capsys.readouterr().err
    assert err == "suite_speed: unknown part 'speedup'; parts: paired, overhead, budget\n"
    assert suite_speed.main(["--rounds", "0"]) == 2


def test_the_report_heads_its_figures_with_its_command_wall_time_and_load() -> None:
    figures = {
        "command": "scripts/suite_speed.py --rounds 3",
        "wall_seconds": 612.4,
        "load": {"before": "load average 0.20 (1 min)", "after": "load average 1.90 (1 min)"},
        "paired": {
            "tests": 1172,
            "unmapped": [{"nodeid": "docs/t.py::test_x", "reason": "test_x sets no shots"}],
            "runs": [
                {"name": f"{side}, round {i}", "wall_seconds": wall, "cpu_seconds": wall / 2}
                for i, (side, wall) in enumerate([("pennylane", 40.0), ("suite", 60.0), ("suite", 50.0)] * 2)
            ],
            "table": "| paired |",
            "by_measurement": "| by measurement |",
        },
        "overhead": {"table": "| overhead |", "left_out": ["qjit: not in the default run"]},
    }
    assert suite_speed.report(figures).splitlines() == [
        "`scripts/suite_speed.py --rounds 3` took 612 s wall; load average 0.20 (1 min) at its "
        "start, load average 1.90 (1 min) at its end.",
        "",
        "**Like for like.** PennyLane's 1172 tests, each mapped to the cell that judges its "
        "configuration (1 map to none), median process CPU seconds over 3 rounds per side:",
        "",
        "| paired |",
        "",
        "| by measurement |",
        "",
        "Whole processes, interpreter start to exit (imports and collection included; this suite "
        "imports each framework in its first cell, PennyLane's file at collection): PennyLane 40.0 s "
        "wall, 20.0 s CPU; supportmatrix 55.0 s wall, 27.5 s CPU; ratio 1.38 wall, 1.38 CPU.",
        "- docs/t.py::test_x: test_x sets no shots",
        "",
        "**Overhead**, per cell, from a sample of every family's cells in one process:",
        "",
        "| overhead |",
        "- qjit: not in the default run",
    ]
