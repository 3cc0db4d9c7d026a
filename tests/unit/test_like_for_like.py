"""Unit tests for `scripts/like_for_like.py`: PennyLane's support tests onto this suite's cells."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import QNodeCell

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import like_for_like as lfl  # noqa: E402

CELLS = [
    "default.qubit-None-device-state-analytic",
    "default.qubit-torch-adjoint-expval-analytic",
    "default.qubit-torch-adjoint-expval-shots10000",
    "default.qubit-jax-parameter-shift-state-analytic",
]


def test(function: str, **params: object) -> lfl.Test:
    return lfl.Test(f"docs/t.py::{function}[{len(params)}]", function, params)


test.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


@pytest.mark.parametrize(
    ("pennylane", "cell"),
    [
        (
            test("test_all_device", interface=None, return_type="StateCost", shots=None, wire_specs=[2]),
            "default.qubit-None-device-state-analytic",
        ),
        (
            test("test_all_adjoint_exp", interface="torch", return_type="Expectation", shots=100),
            "default.qubit-torch-adjoint-expval-shots10000",
        ),
        (
            test("test_all_paramshift_state", interface="jax", return_type="StateVector", shots=None),
            "default.qubit-jax-parameter-shift-state-analytic",
        ),
        (
            test("test_autograd_state_backprop", wire_specs=[3]),
            "default.qubit-autograd-backprop-state-analytic",
        ),
        (
            test("test_all_sample_finite_shots", interface="jax", diff_method="spsa"),
            "default.qubit-jax-spsa-sample-shots10000",
        ),
        (
            test("test_none_all", diff_method="hadamard", return_type="MutualInfo", shots=None),
            "default.qubit-None-hadamard-mutual_info-analytic",
        ),
    ],
)
def test_a_tests_parameters_and_name_give_its_cell(pennylane: lfl.Test, cell: str) -> None:
    assert lfl.configuration(pennylane, finite_shots=10000).id == cell


def test_an_axis_left_open_or_an_unknown_return_type_is_named() -> None:
    with pytest.raises(KeyError, match="test_new sets no diff_method"):
        lfl.configuration(
            test("test_new", interface="jax", return_type="Expectation", shots=None), finite_shots=1
        )
    with pytest.raises(KeyError, match="return type 'Counts' has no measurement"):
        lfl.configuration(
            test("test_all_adjoint_exp", interface="jax", return_type="Counts", shots=None), finite_shots=1
        )


def test_pair_groups_tests_by_cell_in_the_matrix_order_and_lists_the_rest() -> None:
    tests = [
        test("test_all_adjoint_exp", interface="torch", return_type="Expectation", shots=100, wire_specs=[3]),
        test("test_all_device", interface=None, return_type="StateVector", shots=None, wire_specs=[2]),
        test("test_all_adjoint_exp", interface="torch", return_type="Expectation", shots=100, wire_specs=[2]),
        test("test_all_adjoint_exp", interface="tf", return_type="Expectation", shots=None),
        test("test_new", interface="jax"),
    ]
    pairs, unmapped = lfl.pair(tests, CELLS, finite_shots=10000)
    assert [(conf.id, nodeids) for conf, nodeids in pairs.items()] == [
        ("default.qubit-None-device-state-analytic", [tests[1].nodeid]),
        ("default.qubit-torch-adjoint-expval-shots10000", [tests[0].nodeid, tests[2].nodeid]),
    ]
    assert unmapped == [
        lfl.Unmapped(tests[3].nodeid, "the matrix has no cell default.qubit-tf-adjoint-expval-analytic"),
        lfl.Unmapped(tests[4].nodeid, "test_new sets no diff_method, return_type, shots"),
    ]


def test_rows_add_up_each_group_and_the_markdown_totals_them() -> None:
    a = QNodeCell("default.qubit", "torch", "adjoint", "expval", None)
    b = QNodeCell("default.qubit", "torch", "adjoint", "probs", None)
    c = QNodeCell("default.qubit", "jax", "backprop", "expval", None)
    pairs = {a: ["p1", "p2"], b: ["p3"], c: ["p4"]}
    pennylane = {"p1": 0.1, "p2": 0.1, "p3": 0.2, "p4": 0.5}
    suite = {a.id: 0.2, b.id: 0.6, c.id: 0.5}
    rows = lfl.rows(pairs, pennylane, suite)
    assert [(r.label, r.configurations, r.tests) for r in rows] == [
        ("torch adjoint", 2, 3),
        ("jax backprop", 1, 1),
    ]
    assert rows[0].pennylane_seconds == pytest.approx(0.4) and rows[0].ratio == pytest.approx(2.0)
    assert [r.label for r in lfl.rows(pairs, pennylane, suite, by="measurement")] == ["expval", "probs"]
    table = lfl.markdown(rows, "interface, diff method").splitlines()
    assert table[0].startswith("| interface, diff method | configurations |")
    assert table[2] == "| torch adjoint | 2 | 3 | 0.40 | 0.80 | 200 / 400 | 2.00 |"
    assert table[-1] == "| **all** | 3 | 4 | 0.90 | 1.30 | 300 / 433 | 1.44 |"
    with pytest.raises(KeyError):  # a paired figure needs both sides' times
        lfl.rows(pairs, {"p1": 0.1}, suite)


def test_medians_and_the_timeline_give_each_tests_cpu_seconds(tmp_path: Path) -> None:
    record = {"tests": [["t.py::test_qnode_cell[default.qubit-None-best-state-analytic]", 1.0, 2.5, 0.5]]}
    (tmp_path / "controller.json").write_text(json.dumps(record))
    seconds = lfl.test_seconds(tmp_path)
    assert seconds == {"t.py::test_qnode_cell[default.qubit-None-best-state-analytic]": 0.5}
    assert lfl.cell_of(next(iter(seconds))) == "default.qubit-None-best-state-analytic"
    assert lfl.medians([{"a": 1.0, "b": 4.0}, {"a": 3.0}, {"a": 2.0}]) == {"a": 2.0, "b": 4.0}


def test_every_test_of_pennylanes_file_maps_to_a_cell_of_the_real_matrix(tmp_path: Path) -> None:
    found = tmp_path / "tests.json"
    env = dict(os.environ, SUPPORTMATRIX_PARAMS_FILE=str(found), PYTHONPATH=str(ROOT / "scripts"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "params_plugin",
            "docs/test_supported_confs.py",
        ],
        cwd=ROOT / "benchmarks" / "pennylane-0.45.1" / "tests",
        env=env,
        capture_output=True,
        check=True,
    )
    tests = lfl.read_tests(found)
    cells = [rc.cell for rc in load_matrix(ROOT / "matrix.yaml").family("qnode").cells]
    pairs, unmapped = lfl.pair(tests, [c.id for c in cells], finite_shots=10000)
    assert len(tests) == 1172 and unmapped == []
    assert sum(len(nodeids) for nodeids in pairs.values()) == 1172
    # PennyLane's file runs None and three of the suite's interfaces, on default.qubit.
    assert {conf.interface for conf in pairs} == {"None", "autograd", "jax", "torch"}
