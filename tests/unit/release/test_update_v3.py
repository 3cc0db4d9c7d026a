"""`supportmatrix update` on a schema_version 3 file, and scripts/matrix_v3.py's conversion."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from supportmatrix.check.classify import Observed, ObservedError, ObservedWarning, ValueCheck, mismatches
from supportmatrix.check.run import CellRun
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Outcome, Stage
from supportmatrix.release.codec import CellRecord
from supportmatrix.release.results import build_document
from supportmatrix.release.update import update_matrix

VERSIONS = {"pennylane": "0.45.1", "pennylane-lightning": "0.45.0", "torch": "2.13.0"}
NEW = {**VERSIONS, "pennylane": "0.46.0"}

MATRIX_V3 = """\
schema_version: 3
axes:
  device: [default.qubit]
  interface: [autograd, torch]
  diff_method: [backprop, adjoint, finite-diff, spsa]
  measurement: [expval, probs]
  shots: [None]
sets:
  finite-differences: [finite-diff, spsa]
notes:
  odd: a note
  other: another note
errors:
  odd-value: {class: ValueError, stage: forward, match: 'adjoint \\(probs\\) is not supported'}
warnings:
  values-shifted: {category: UserWarning, match: 'values were shifted'}
rules:

  # --- supported ---
  - expect: supported

  # --- odd ---
  - where: {interface: torch, diff_method: adjoint, measurement: probs}
    expect: {outcome: errors, note: odd, error: odd-value}

  # --- other ---
  - where: {interface: torch, diff_method: backprop, measurement: expval}
    expect: {outcome: incorrect, note: other}

  # --- warnings ---
  - where: {diff_method: finite-differences}
    warnings: [values-shifted]
"""


def _check() -> ValueCheck:
    return ValueCheck("Jacobian", np.array([0.5]), np.array([0.5]), np.array([1e-8]), True, "bound")


def _document(path: Path, versions: dict, **observed: tuple[Observed, tuple]) -> dict:
    """Every cell observed as declared, but those in ``observed`` (id -> observation, warnings)."""
    matrix = load_matrix(path, versions=versions)
    records = {}
    for rc in matrix.family("qnode").cells:
        e = rc.expectation
        error = (
            None
            if e.error is None
            else ObservedError(e.error.stage, e.error.cls, "builtins", "adjoint (probs) is not supported")
        )
        warnings = tuple(
            ObservedWarning(w.category, "values were shifted", "pennylane/x.py", 1, True) for w in e.warnings
        )
        seen, warnings = observed.get(rc.cell.id, (Observed(e.outcome, error=error), warnings))
        run = CellRun(
            rc.cell,
            seen,
            warnings,
            0.01,
            () if seen.error else (_check(),),
            resolved_method=rc.cell.diff_method,
        )
        records[rc.cell.id] = CellRecord.of_run(rc, run, mismatches(e, run.observed, run.warnings))
    return build_document(matrix, records, versions=versions)


def _refused(message: str) -> tuple[Observed, tuple]:
    return Observed(Outcome.ERRORS, error=ObservedError(Stage.FORWARD, "ValueError", "builtins", message)), ()


def test_update_refers_to_declared_keys_and_declares_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "matrix.yaml"
    path.write_text(MATRIX_V3)
    shifted = (ObservedWarning("UserWarning", "values were shifted", "pennylane/x.py", 1, True),)
    document = _document(
        path,
        NEW,
        **{
            # The same error as a declared one: referred to by its key.
            "default.qubit-autograd-adjoint-probs-analytic": _refused("adjoint (probs) is not supported"),
            # A new error: declared under a new key.
            "default.qubit-autograd-backprop-probs-analytic": _refused("backprop gone"),
            # A declared warning, newly raised.
            "default.qubit-autograd-backprop-expval-analytic": (Observed(Outcome.SUPPORTED), shifted),
        },
    )
    change = update_matrix(path, document, gate=None, source="new.json")
    assert (change.drifted, change.rules) == (3, 3)
    added = [
        line[1:] for line in change.diff.splitlines() if line.startswith("+") and not line.startswith("+++")
    ]
    assert added == [
        "  observed-unexplained: 'Found by `supportmatrix update`: the behaviour changed and no "
        "reason is known yet. Replace this note with why.'",
        "  observed-unexplained: {class: ValueError, stage: forward, match: 'backprop gone'}",
        "  - where: {interface: autograd, diff_method: backprop, measurement: expval, pennylane: '>=0.46'}",
        "    warnings: [values-shifted]",
        "  # --- drift observed in new.json (pennylane 0.46.0, pennylane-lightning 0.45.0); gated >=0.46 ---",
        "  - where: {interface: autograd, diff_method: backprop, measurement: probs, pennylane: '>=0.46'}",
        "    expect: {outcome: errors, note: observed-unexplained, error: observed-unexplained}",
        "  - where: {interface: autograd, diff_method: adjoint, measurement: probs, pennylane: '>=0.46'}",
        "    expect: {outcome: errors, note: observed-unexplained, error: odd-value}",
    ]
    updated = tmp_path / "updated.yaml"
    updated.write_text(change.text)
    before = load_matrix(path, versions=VERSIONS)
    assert [c.expectation for c in load_matrix(updated, versions=VERSIONS).resolved()] == [
        c.expectation for c in before.resolved()
    ]


def test_update_places_a_rule_in_its_notes_group_and_names_sets(tmp_path: Path) -> None:
    path = tmp_path / "matrix.yaml"
    path.write_text(MATRIX_V3)
    document = _document(
        path,
        NEW,
        **{
            f"default.qubit-autograd-{m}-probs-analytic": _refused("adjoint (probs) is not supported")
            for m in ("finite-diff", "spsa")
        },
    )
    text = update_matrix(path, document, gate=None, source="new.json").text
    # Its note is a placeholder with no group yet: appended, with its diff methods as the set.
    assert text.endswith(
        "  - where: {interface: autograd, diff_method: finite-differences, "
        "measurement: probs, pennylane: '>=0.46'}\n"
        "    expect: {outcome: errors, note: observed-unexplained, error: odd-value}\n"
    )
    # A rule whose note has a group, which no later rule may override, goes into the group.
    document = _document(
        path, NEW, **{"default.qubit-torch-adjoint-probs-analytic": _refused("adjoint changed")}
    )
    lines = update_matrix(path, document, gate=None, source="new.json").text.splitlines()
    start = lines.index("    expect: {outcome: errors, note: odd, error: odd-value}")
    assert lines[start + 1 : start + 6] == [
        "  - where: {interface: torch, diff_method: adjoint, measurement: probs, pennylane: '>=0.46'}",
        "    expect: {outcome: errors, note: odd, error: odd}",
        "",
        "  # --- other ---",
        "  - where: {interface: torch, diff_method: backprop, measurement: expval}",
    ]
    assert "  odd: {class: ValueError, stage: forward, match: 'adjoint changed'}" in lines


def _converter():
    spec = importlib.util.spec_from_file_location(
        "matrix_v3", Path(__file__).parents[3] / "scripts" / "matrix_v3.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: Rules grouped by symptom: note `b` sits between two `a` rules. The third can join the
#: first (no cell of it is one of `b`'s); the sixth cannot pass the fifth, which it overrides.
MATRIX_V2 = """\
# header comment, kept
schema_version: 2
axes:
  device: [default.qubit, lightning.qubit]
  interface: [autograd, torch, tf]
  diff_method: [backprop, finite-diff, spsa]
  measurement: [expval, probs]
  shots: [None, 100]
notes:
  a: reason a
  b: reason b
rules:
  - expect: supported
  # --- errors ValueError ---
  - where: {interface: autograd, diff_method: [finite-diff, spsa], shots: 100}
    expect: {outcome: errors, note: a, error: {class: ValueError, stage: forward, match: 'a x'}}
  - where: {interface: torch, diff_method: [finite-diff, spsa]}
    expect: {outcome: errors, note: b, error: {class: ValueError, stage: gradient, match: 'b'}}
  - where: {interface: tf, diff_method: [finite-diff, spsa], shots: 100}
    expect: {outcome: errors, note: a, error: {class: ValueError, stage: forward, match: 'a x'}}
  - where: {device: lightning.qubit, diff_method: [finite-diff, spsa]}
    expect: {outcome: incorrect, note: b}
  # why this one stays last
  - where: {device: lightning.qubit, interface: torch, shots: 100}
    expect: {outcome: errors, note: a, error: {class: TypeError, stage: forward, match: 'it''s a'}}
  - where: {interface: tf}
    warnings: [{category: UserWarning, match: 'tf warns'}]
  - where: {interface: tf, measurement: probs, pennylane: '>=0.46'}
    warnings: []
"""


def test_the_conversion_keeps_every_cell_and_groups_by_note(tmp_path: Path) -> None:
    old = tmp_path / "v2.yaml"
    old.write_text(MATRIX_V2)
    text = _converter().Converter(str(old)).convert()
    new = tmp_path / "v3.yaml"
    new.write_text(text)
    for pennylane in ("0.45.1", "0.46.0"):
        versions = {"pennylane": pennylane}
        before = [c.expectation for c in load_matrix(old, versions=versions).resolved()]
        assert [c.expectation for c in load_matrix(new, versions=versions).resolved()] == before
    assert text.startswith("# header comment, kept\nschema_version: 3\n")
    assert "  finite-differences: [finite-diff, spsa]\n" in text
    assert text.count("'a x'") == 1 and "  tf-warns: {category: UserWarning, match: 'tf warns'}\n" in text
    headers = [line.strip() for line in text.splitlines() if line.strip().startswith("# ---")]
    # The warnings group can be taken whole first; `a` is split by `b`'s override.
    assert headers == [
        "# --- supported ---",
        "# --- warnings ---",
        "# --- a ---",
        "# --- b ---",
        "# --- a ---",
    ]
    assert "  # why this one stays last\n  - where: {device: lightning.qubit" in text
    assert "errors ValueError" not in text
    body = text[text.index("rules:") :]
    assert body.index("interface: tf, diff_method: finite-differences") < body.index("interface: torch")


def test_update_keeps_every_line_of_the_real_matrix_and_only_adds(tmp_path: Path) -> None:
    """The committed file wraps long flow mappings; an update adds lines and changes none
    (a round-trip dump of the whole file would unwrap them)."""
    root = Path(__file__).resolve().parents[3]
    path = tmp_path / "matrix.yaml"
    path.write_text((root / "matrix.yaml").read_text())
    versions = {"pennylane": "0.46.0", "pennylane-lightning": "0.45.0"}
    matrix = load_matrix(path, versions=versions)
    rc = matrix.family("qnode").cells[0]
    observed = Observed(
        Outcome.ERRORS, error=ObservedError(Stage.FORWARD, "RuntimeError", "builtins", "a brand new failure")
    )
    record = CellRecord.of_run(rc, CellRun(rc.cell, observed, (), 0.1, resolved_method=None), ["changed"])
    change = update_matrix(
        path, build_document(matrix, {rc.cell.id: record}, versions=versions), gate=None, source="new.json"
    )
    assert change.drifted == 1 and change.rules >= 1
    removed = [
        line for line in change.diff.splitlines() if line.startswith("-") and not line.startswith("---")
    ]
    assert removed == []
    added = [
        line[1:] for line in change.diff.splitlines() if line.startswith("+") and not line.startswith("+++")
    ]
    assert any("a brand new failure" in line for line in added)
    assert any(line.startswith("  - where: {device: default.qubit") for line in added)
