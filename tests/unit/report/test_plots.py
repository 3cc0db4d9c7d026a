"""The plots: the committed outcome counts are current and byte-stable; the histogram
reads every recorded ratio and refuses a results file that records none."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.versions import pinned_versions
from supportmatrix.report import plots
from tests.unit.report import report_results as rr

ROOT = Path(__file__).resolve().parents[3]


def test_the_committed_outcome_counts_are_up_to_date() -> None:
    matrix = load_matrix(ROOT / "matrix.yaml", versions=pinned_versions(ROOT / "constraints.txt"))
    expected = plots.declared_outcome_counts_svg(matrix)
    assert plots.declared_outcome_counts_svg(matrix) == expected  # same matrix, same bytes
    assert "<dc:date>" not in expected  # no timestamp to make it differ
    committed = (ROOT / "docs" / "outcome-counts.svg").read_text(encoding="utf-8")
    assert committed == expected, (
        "docs/outcome-counts.svg is stale; regenerate it with\n"
        "    python scripts/plots.py outcomes --versions constraints.txt -o docs/outcome-counts.svg"
    )


def test_outcome_counts_are_the_declared_outcomes_per_device_and_interface(tmp_path: Path) -> None:
    matrix = rr.load(rr.write_matrix(tmp_path))
    counts = plots.outcome_counts(plots.declared_outcomes(matrix))
    assert sum(sum(c.values()) for c in counts.values()) == rr.QNODE_CELLS
    # torch on default.qubit: adjoint probs errors (both shots); everything else supported
    assert counts[("default.qubit", "torch")] == {"supported": 10, "errors": 2}
    # autograd on lightning.qubit: backprop errors (4), adjoint expval at 100 shots incorrect
    assert counts[("lightning.qubit", "autograd")] == {"supported": 7, "errors": 4, "incorrect": 1}
    svg = plots.declared_outcome_counts_svg(matrix)
    labels = re.findall(r"<!-- (.*?) -->", svg)  # matplotlib names each text it draws
    for label in (
        "default.qubit",
        "lightning.qubit",
        "torch",
        "autograd",
        "supported",
        "errors",
        "incorrect",
        "cells",
    ):
        assert label in labels, label
    assert "no-gradient" not in labels  # no bar segment, no legend entry


def test_the_histogram_counts_every_recorded_ratio(tmp_path: Path) -> None:
    matrix = rr.load(rr.write_matrix(tmp_path))
    document = rr.document(matrix, rr.drifted_run)
    ratios = plots.check_ratios(document)
    checks = [
        c
        for r in document["cells"] + document["hybrid_cells"]
        if r["observed"]
        for c in r["observed"]["checks"]
    ]
    assert len(ratios) == len(checks) > 0
    assert sorted(ratios) == sorted(
        (c["error_to_tolerance"], "passed" if c["passed"] else "failed") for c in checks
    )
    assert [v for r, v in ratios if r == pytest.approx(40.0)] == ["failed"]  # the wrong gradient
    svg = plots.results_ratio_histogram_svg(document, source="new.json")
    labels = re.findall(r"<!-- (.*?) -->", svg)
    passed, failed = (sum(v == k for _, v in ratios) for k in ("passed", "failed"))
    assert f"passed ({passed})" in labels and f"failed ({failed})" in labels
    assert "tolerance (ratio 1)" in labels
    assert any("new.json" in label and f"{len(ratios)} value checks" in label for label in labels)


def test_a_results_file_without_ratios_has_no_histogram(tmp_path: Path) -> None:
    matrix = rr.load(rr.write_matrix(tmp_path))
    document = rr.document(matrix)
    for record in document["cells"] + document["hybrid_cells"]:
        for check in (record["observed"] or {}).get("checks", ()):
            del check["error_to_tolerance"]  # as written before the ratio was recorded
    assert plots.check_ratios(document) == []
    with pytest.raises(ValueError, match="no value check records its error / tolerance"):
        plots.results_ratio_histogram_svg(document, source="old.json")


def test_the_script_fails_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "plots.py"),
            "ratios",
            "--from",
            str(tmp_path / "missing.json"),
            "-o",
            str(tmp_path / "x.svg"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "missing.json" in result.stderr, result.stderr


def test_spsa_checks_that_pass_structurally_are_drawn_apart() -> None:
    assert (
        plots.verdict(True, "spsa: (J.d) d for a sign vector d, finite-difference error")
        == "passed-structural"
    )
    assert plots.verdict(False, "spsa: (J.d) d for a sign vector d") == "failed"
    assert plots.verdict(True, "Hoeffding bound at 10000 shots") == "passed"
    svg = plots.ratio_histogram_svg([(5.0, "passed-structural"), (0.5, "passed"), (0.0, "passed")], title="t")
    labels = re.findall(r"<!-- (.*?) -->", svg)
    assert "passed, spsa's structural criterion (1)" in labels and "passed (1)" in labels
    assert "error exactly 0, not drawn (1)" in labels and "failed (0)" not in labels
