"""`supportmatrix init`'s declaration: the first file, the rules grouped by cause, the text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from supportmatrix.check.classify import Observed, ObservedError, ObservedWarning, ValueCheck, mismatches
from supportmatrix.check.run import CellRun
from supportmatrix.matrix.devices import Device
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Outcome, Stage
from supportmatrix.release.codec import CellRecord
from supportmatrix.release.declaration_text import REWORD, render
from supportmatrix.release.device_probe import InitError
from supportmatrix.release.init_device import check_only, declaration, skeleton
from supportmatrix.release.update import verify_observations

DEVICE = Device("my.device", kwargs={"method": "fast"}, seed_keyword=None, package="my-plugin")
ONLY = {
    "interface": ["torch", "jax"],
    "diff_method": ["backprop", "adjoint"],
    "measurement": ["probs", "expval"],
    "feature": ["rot", "shot-vector"],
    "shots": [None, 10000],
}
VERSIONS = {"pennylane": "0.45.1"}


def _write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "my.device.yaml"
    path.write_text(
        render(doc, device=DEVICE, packages=VERSIONS, command="supportmatrix init"), encoding="utf-8"
    )
    return path


def test_the_first_declaration_declares_every_cell_supported(tmp_path: Path) -> None:
    matrix = load_matrix(_write(tmp_path, skeleton(DEVICE, ONLY)), versions=VERSIONS)
    assert matrix.devices == {"my.device": DEVICE}
    cells = matrix.resolved()
    assert len(cells) == 2 * 2 * 2 * 2 + 2 * 2 * 2 * 2 - 4  # shot-vector's analytic cells are n/a
    assert {rc.expectation.outcome for rc in cells} == {Outcome.SUPPORTED}
    assert len(matrix.family("features").not_applicable) == 4


def _record(rc, observed: Observed, warnings: tuple = ()) -> CellRecord:
    check = ValueCheck("Jacobian", np.array([0.5]), np.array([0.5]), np.array([1e-8]), True, "b")
    run = CellRun(
        rc.cell,
        observed,
        warnings,
        0.01,
        () if observed.error else (check,),
        resolved_method=rc.cell.diff_method,
    )
    return CellRecord.of_run(rc, run, mismatches(rc.expectation, run.observed, run.warnings))


def _observed(cell) -> tuple[Observed, tuple]:
    """What a made-up device does: adjoint refuses probs, backprop is wrong for jax, and
    every finite-shot cell warns."""
    warned = (
        (ObservedWarning("UserWarning", "shots were rounded (to 10000)", "pennylane/x.py", 1, True),)
        if cell.shots
        else ()
    )
    if cell.diff_method == "adjoint" and getattr(cell, "measurement", "probs") == "probs":
        error = ObservedError(
            Stage.FORWARD,
            "DeviceError",
            "pennylane",
            "Adjoint (probs) is not supported on my.device.\nmore text",
        )
        return Observed(Outcome.ERRORS, error=error), warned
    if cell.diff_method == "backprop" and cell.interface == "jax":
        return Observed(Outcome.INCORRECT), warned
    return Observed(Outcome.SUPPORTED), warned


def test_the_declaration_groups_rules_by_cause_and_satisfies_every_record(tmp_path: Path) -> None:
    first = load_matrix(_write(tmp_path, skeleton(DEVICE, ONLY)), versions=VERSIONS)
    records = [_record(rc, *_observed(rc.cell)) for rc in first.resolved()]
    doc, causes, rules = declaration(DEVICE, records, ONLY)
    path = _write(tmp_path, doc)
    text = path.read_text(encoding="utf-8")
    verify_observations(text, path, records, VERSIONS)  # raises on any disagreement

    assert causes == 2  # the refusal and the wrong gradient, whichever family they are in
    notes = load_matrix(path, versions=VERSIONS).notes
    worded = {key: note for key, note in notes.items() if note.startswith(REWORD)}
    assert len(worded) == 2
    assert any(
        "DeviceError at the forward stage: Adjoint (probs) is not supported on my.device." in note
        for note in worded.values()
    )
    assert any("disagrees with the independent reference" in note for note in worded.values())
    for key in worded:
        assert f"# --- {key} ---" in text
    assert "# --- warnings ---" in text and "shots were rounded" in text
    assert "measured with pennylane 0.45.1" in text.splitlines()[1]
    # QNode: supported, the refusal, the wrong gradient, the warning; features: the same, the
    # refusal and the wrong gradient in two boxes each (shot-vector has no analytic cells)
    assert rules == 4 + 6
    assert "match: 'Adjoint \\(probs\\) is not supported on my\\.device\\.'" in text


@pytest.mark.parametrize(
    ("only", "fragment"),
    [
        ({"colour": ["red"]}, "--only colour: not an axis"),
        ({"device": ["x"]}, "--only device: not an axis"),
        ({"interface": ["torch", "tf2"]}, "unknown value 'tf2'"),
        ({"shots": [123]}, "unknown value 123"),
    ],
)
def test_only_refuses_what_init_cannot_declare(only: dict, fragment: str) -> None:
    with pytest.raises(InitError, match=fragment):
        check_only(only)


def test_a_training_target_brings_the_families_that_train(tmp_path: Path) -> None:
    from supportmatrix.matrix.model import TrainingSpec
    from supportmatrix.release.init_device import init_families

    target = TrainingSpec(min_accuracy=0.8, max_epochs=3)
    assert "hybrid" not in {f.name for f in init_families()}
    assert "hybrid" in {f.name for f in init_families(target)}
    only = {**ONLY, "layer": ["torch-layer"], "diff_method": ["backprop", "adjoint"]}
    matrix = load_matrix(_write(tmp_path, skeleton(DEVICE, only, target)), versions=VERSIONS)
    hybrid = matrix.family("hybrid").cells
    assert [rc.cell.id for rc in hybrid] == [
        "torch-layer-my.device-backprop",
        "torch-layer-my.device-adjoint",
    ]
    assert {rc.training for rc in hybrid} == {target}


def test_like_borrows_notes_only_for_the_same_exception(tmp_path: Path) -> None:
    """A cell failing as matrix.yaml's twin does keeps its note; failing otherwise, it gets
    one worded from what was seen."""
    from supportmatrix.release.like_matrix import read_like

    like_path = tmp_path / "like.yaml"
    like_path.write_text(
        """\
schema_version: 3
axes:
  device: [default.qubit]
  interface: [torch, jax]
  diff_method: [backprop, adjoint]
  measurement: [probs, expval]
  shots: [None, 10000]
notes:
  adjoint-probs: Adjoint cannot do probs here, as a person wrote it.
errors:
  adjoint-probs: {class: DeviceError, stage: forward, match: 'Adjoint \\(probs\\) is not supported'}
rules:
  - expect: supported
  - where: {diff_method: adjoint, measurement: probs, interface: torch}
    expect: {outcome: errors, note: adjoint-probs, error: adjoint-probs}
  - where: {diff_method: adjoint, measurement: probs, interface: jax}
    expect: {outcome: errors, note: adjoint-probs, error: adjoint-probs}
""",
        encoding="utf-8",
    )
    like = read_like(like_path)
    only = {k: v for k, v in ONLY.items() if k != "feature"}
    only["feature"] = ["rot"]
    first = load_matrix(_write(tmp_path, skeleton(DEVICE, only)), versions=VERSIONS)
    records = [_record(rc, *_observed(rc.cell)) for rc in first.resolved()]
    doc, _, _ = declaration(DEVICE, records, only, like)
    text = _write(tmp_path, doc).read_text(encoding="utf-8")
    notes = load_matrix(tmp_path / "my.device.yaml", versions=VERSIONS).notes
    assert notes["adjoint-probs"] == "Adjoint cannot do probs here, as a person wrote it."
    assert "error: adjoint-probs}" in text  # the borrowed error key
    # the features cells fail the same way, but matrix.yaml's twin here has no such rule
    assert any(note.startswith(REWORD) and "DeviceError" in note for note in notes.values())
