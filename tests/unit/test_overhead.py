"""Unit tests for `scripts/overhead.py`: the stage timers and the overhead table."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from supportmatrix.matrix.families import FAMILIES, QNODE
from supportmatrix.matrix.load import load_matrix
from supportmatrix.qnode import runner

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import overhead  # noqa: E402


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_every_family_names_each_stage_and_every_reference_resolves(family) -> None:
    stages = overhead.STAGES[family.name]
    assert set(stages) == set(overhead.STAGE_NAMES)
    assert stages[overhead.USER], f"{family.name}: the user's calls must be timed"
    for references in stages.values():
        for reference in references:
            assert overhead.targets(reference)


def test_a_reference_that_names_nothing_is_loud() -> None:
    with pytest.raises(LookupError, match="names no function"):
        overhead.targets("supportmatrix.qnode.runner:renamed_away")
    with pytest.raises(LookupError, match="defines no function"):
        overhead.targets("supportmatrix.matrix.axes:*")


def test_a_star_names_the_functions_the_module_defines_not_those_it_imports() -> None:
    names = {name for _module, name in overhead.targets("supportmatrix.check.tolerance:*")}
    assert "forward_tolerance" in names and "check_probability" not in names


def test_nested_timed_calls_count_once_for_the_outermost() -> None:
    clock = overhead.Clock()
    with clock.timing("qnode", overhead.CHECKS):
        time.sleep(0.01)
        with clock.timing("qnode", overhead.USER):
            time.sleep(0.01)
    assert clock.seconds[("qnode", overhead.CHECKS)] >= 0.02
    assert ("qnode", overhead.USER) not in clock.seconds


def test_install_times_each_stage_and_uninstall_restores_the_functions() -> None:
    original = runner.reference
    clock = overhead.Clock()
    uninstall = overhead.install(clock, [QNODE])
    try:
        assert runner.reference is not original
        runner.run_resolved(load_matrix(ROOT / "matrix.yaml").family("qnode").cells[0], family_size=1)
    finally:
        uninstall()
    assert runner.reference is original
    assert clock.seconds[("qnode", overhead.ORACLE)] > 0 and clock.seconds[("qnode", overhead.USER)] > 0
    timed = sum(clock.seconds[("qnode", stage)] for stage in overhead.STAGE_NAMES)
    assert timed <= clock.seconds[("qnode", "runner")]


def test_shares_and_the_table() -> None:
    row = overhead.FamilyOverhead(
        "qnode",
        4,
        whole=2.0,
        runner=1.6,
        stages={"user calls": 1.0, "oracle": 0.2, "tolerance": 0.1, "checks": 0.1},
    )
    assert row.overhead == pytest.approx(1.0)
    assert row.share("pytest") == pytest.approx(0.2) and row.share("other suite code") == pytest.approx(0.1)
    table = overhead.markdown([row]).splitlines()
    assert table[0].startswith(
        "| family | cells | whole cell ms | user calls ms | overhead ms | user calls % |"
    )
    assert table[2] == "| qnode | 4 | 500 | 250 | 250 | 50.0 | 10.0 | 5.0 | 5.0 | 10.0 | 20.0 |"
    assert table[1].count("|") == table[0].count("|") == table[2].count("|")


def test_the_sample_draws_from_every_default_family_and_says_what_it_leaves_out() -> None:
    chosen, left_out = overhead.sample(load_matrix(ROOT / "matrix.yaml"), FAMILIES, 5)
    defaults = [f for f in FAMILIES if f.runs_by_default]
    assert sorted(chosen) == sorted(f.name for f in defaults)
    assert all(len(nodeids) == 5 for nodeids in chosen.values())
    assert chosen == overhead.sample(load_matrix(ROOT / "matrix.yaml"), FAMILIES, 5)[0]  # reproducible
    assert all(nodeid.startswith("tests/test_qnode.py::test_qnode_cell[") for nodeid in chosen["qnode"])
    # drawn, not strided: a sample of 24 holds both analytic and finite-shot cells
    many, _ = overhead.sample(load_matrix(ROOT / "matrix.yaml"), FAMILIES, 24)
    assert {"analytic]" in nodeid for nodeid in many["qnode"]} == {True, False}
    assert not any("keras" in nodeid for nodeid in chosen["hybrid"])
    assert "qjit: not in the default run" in left_out
