"""Schema 3: named value sets, keyed errors and warnings, and the errors they can raise."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from supportmatrix.matrix.load import MatrixError, load_matrix
from supportmatrix.matrix.model import Matrix, Outcome

#: A schema 3 document: every declaration used once, a QNode and a hybrid family.
DOC = """\
schema_version: 3
axes:
  device: [default.qubit, lightning.qubit]
  interface: [None, torch]
  diff_method: [backprop, adjoint, parameter-shift]
  measurement: [probs, sample]
  shots: [None, 100]
sets:
  exact-methods: [backprop, adjoint]
notes:
  analytic-only: "Finite shots are refused."
  layer-gone: "The layer was removed."
errors:
  shots-refused: {class: DeviceError, match: 'finite shots', stage: forward}
  save-fails: {class: OSError, match: 'cannot save', stage: save}
warnings:
  torch-warns: {category: UserWarning, match: 'torch says'}
  shift-warns: {category: UserWarning, match: 'shifted'}
rules:
  - expect: supported
  - where: {diff_method: exact-methods, shots: 100}
    expect: {outcome: errors, note: analytic-only, error: shots-refused}
  - where: {interface: torch}
    warnings: [torch-warns]
  - where: {interface: torch, diff_method: [parameter-shift], measurement: probs}
    warnings: [torch-warns, shift-warns]
  - where: {interface: torch, diff_method: parameter-shift, measurement: sample}
    warnings: []
hybrid:
  axes:
    layer: [torch-layer, keras3-jax]
    device: [default.qubit]
    diff_method: [backprop, adjoint]
  rules:
    - expect: supported
      training: {min_accuracy: 0.8, max_epochs: 3}
    - where: {layer: keras3-jax, diff_method: exact-methods}
      expect: {outcome: errors, note: layer-gone, error: save-fails}
"""


def _load(tmp_path: Path, text: str) -> Matrix:
    path = tmp_path / "matrix.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_matrix(path, versions={})


def _error(tmp_path: Path, text: str, keypath: str, line_needle: str, *fragments: str) -> None:
    with pytest.raises(MatrixError) as info:
        _load(tmp_path, text)
    err = info.value
    lines = [n for n, line in enumerate(text.splitlines(), 1) if line_needle in line]
    assert (err.keypath, err.line) == (keypath, lines[0]), str(err)
    for fragment in fragments:
        assert fragment in err.message, err.message
    assert str(err) == f"{err.path}:{err.line}: {err.keypath}: {err.message}"
    assert "\n" not in str(err)


def test_a_set_name_expands_to_its_members(tmp_path: Path) -> None:
    cells = _load(tmp_path, DOC).by_id()
    for method in ("backprop", "adjoint"):
        error = cells[f"default.qubit-None-{method}-probs-shots100"].expectation.error
        assert error is not None and (error.cls, error.match.pattern) == ("DeviceError", "finite shots")
    assert cells["default.qubit-None-parameter-shift-probs-shots100"].expectation.outcome is Outcome.SUPPORTED
    assert cells["default.qubit-None-backprop-probs-analytic"].expectation.outcome is Outcome.SUPPORTED


def test_a_set_expands_in_a_list_beside_literal_values(tmp_path: Path) -> None:
    text = DOC.replace(
        "where: {diff_method: exact-methods, shots: 100}",
        "where: {diff_method: [parameter-shift, exact-methods], shots: 100}",
    )
    cells = _load(tmp_path, text).by_id()
    assert all(
        cells[f"lightning.qubit-torch-{m}-sample-shots100"].expectation.outcome is Outcome.ERRORS
        for m in ("backprop", "adjoint", "parameter-shift")
    )


def test_keyed_warnings_resolve_and_an_empty_list_clears_them(tmp_path: Path) -> None:
    cells = _load(tmp_path, DOC).by_id()
    shown = {
        cell_id: [w.match.pattern for w in cells[cell_id].expectation.warnings]
        for cell_id in (
            "default.qubit-torch-backprop-probs-analytic",
            "default.qubit-torch-parameter-shift-probs-analytic",
            "default.qubit-torch-parameter-shift-sample-analytic",
            "default.qubit-None-parameter-shift-sample-analytic",
        )
    }
    assert shown == {
        "default.qubit-torch-backprop-probs-analytic": ["torch says"],
        "default.qubit-torch-parameter-shift-probs-analytic": ["torch says", "shifted"],
        "default.qubit-torch-parameter-shift-sample-analytic": [],
        "default.qubit-None-parameter-shift-sample-analytic": [],
    }


def test_the_hybrid_family_may_use_a_save_stage_error(tmp_path: Path) -> None:
    cell = _load(tmp_path, DOC).family("hybrid").by_id()["keras3-jax-default.qubit-adjoint"]
    assert cell.expectation.error is not None and cell.expectation.error.stage.value == "save"


def test_a_save_stage_error_is_refused_where_the_family_has_no_save(tmp_path: Path) -> None:
    text = DOC.replace("error: shots-refused}", "error: save-fails}")
    _error(
        tmp_path,
        text,
        "rules[1].expect.error",
        "error: save-fails}",
        "'save-fails'",
        "stage 'save'",
        "allowed stages: forward, gradient",
    )


def test_an_unknown_value_or_set_lists_both(tmp_path: Path) -> None:
    text = DOC.replace("diff_method: exact-methods,", "diff_method: exact-method,")
    _error(
        tmp_path,
        text,
        "rules[1].where.diff_method",
        "exact-method,",
        "unknown value or set 'exact-method'",
        "allowed values: backprop, adjoint, parameter-shift",
        "sets: exact-methods",
    )


def test_a_set_member_outside_the_axis_is_refused_at_its_use(tmp_path: Path) -> None:
    text = DOC.replace("exact-methods: [backprop, adjoint]", "exact-methods: [backprop, adjoint, spsa]")
    _error(
        tmp_path,
        text,
        "rules[1].where.diff_method",
        "diff_method: exact-methods",
        "set 'exact-methods' has the value 'spsa'",
        "not a value of axis diff_method",
    )


def test_a_set_named_like_an_axis_value_is_refused(tmp_path: Path) -> None:
    text = DOC.replace("exact-methods", "adjoint")
    _error(
        tmp_path,
        text,
        "sets.adjoint",
        "  adjoint: [backprop, adjoint]",
        "set name 'adjoint'",
        "also an axis value",
    )


@pytest.mark.parametrize(
    ("old", "new", "keypath", "needle", "message"),
    [
        (
            "error: shots-refused}",
            "error: shots-refused-x}",
            "rules[1].expect.error",
            "error: shots-refused-x}",
            "unknown error 'shots-refused-x'; allowed: shots-refused, save-fails",
        ),
        (
            "warnings: [torch-warns]",
            "warnings: [torch-warn]",
            "rules[2].warnings[0]",
            "warnings: [torch-warn]",
            "unknown warning 'torch-warn'; allowed: torch-warns, shift-warns",
        ),
        (
            "warnings: [torch-warns, shift-warns]",
            "warnings: [shift-warns, shift-warns]",
            "rules[3].warnings[1]",
            "[shift-warns, shift-warns]",
            "duplicate warning 'shift-warns'",
        ),
    ],
)
def test_unknown_keys_are_refused_where_they_are_used(
    tmp_path: Path, old: str, new: str, keypath: str, needle: str, message: str
) -> None:
    _error(tmp_path, DOC.replace(old, new), keypath, needle, message)


@pytest.mark.parametrize(
    ("addition", "after", "keypath", "kind"),
    [
        ("  spare: [adjoint, backprop]\n", "  exact-methods: [backprop, adjoint]\n", "sets.spare", "set"),
        (
            "  spare: {class: KeyError, match: 'k', stage: forward}\n",
            "  save-fails:",
            "errors.spare",
            "error",
        ),
        ("  spare: {category: UserWarning, match: 'w'}\n", "  shift-warns:", "warnings.spare", "warning"),
        ('  spare: "Nobody says this."\n', "  layer-gone:", "notes.spare", "note"),
    ],
)
def test_a_declaration_no_rule_uses_is_refused(
    tmp_path: Path, addition: str, after: str, keypath: str, kind: str
) -> None:
    start = DOC.index(after)
    end = DOC.index("\n", start) + 1
    text = DOC[:end] + addition + DOC[end:]
    _error(tmp_path, text, keypath, "  spare:", f"{kind} 'spare' is not used by any rule")


def test_inline_errors_and_warnings_are_refused_in_schema_3(tmp_path: Path) -> None:
    inline_error = DOC.replace(
        "error: shots-refused}", "error: {class: DeviceError, match: 'x', stage: forward}}"
    )
    _error(
        tmp_path,
        inline_error,
        "rules[1].expect.error",
        "match: 'x'",
        "schema_version 3 refers to errors by key",
        "top-level 'errors:'",
    )
    inline_warning = DOC.replace("warnings: [torch-warns]", "warnings: [{category: UserWarning, match: 'x'}]")
    _error(
        tmp_path,
        inline_warning,
        "rules[2].warnings[0]",
        "match: 'x'}]",
        "schema_version 3 refers to warnings by key",
        "top-level 'warnings:'",
    )


def test_schema_2_refuses_the_schema_3_keys(tmp_path: Path) -> None:
    text = DOC.replace("schema_version: 3", "schema_version: 2")
    _error(tmp_path, text, "sets", "sets:", "unknown key 'sets'")


def test_a_keyed_error_is_checked_where_it_is_declared(tmp_path: Path) -> None:
    text = DOC.replace("match: 'cannot save'", "match: 'cannot (save'")
    _error(tmp_path, text, "errors.save-fails.match", "cannot (save", "invalid regex")
    text = DOC.replace("class: OSError", "class: Exception")
    _error(tmp_path, text, "errors.save-fails.class", "class: Exception", "too broad")
