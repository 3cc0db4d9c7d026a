"""`supportmatrix explain`: a cell's axes, its matching rules, the deciding ones and gates."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix import cli
from supportmatrix.matrix.explain import UnknownCell, explain
from tests.unit.matrix.matrix_docs import line_of, load, make_doc, write

RULES = """\
- expect: supported
- where: {device: lightning.qubit, shots: 100}
  expect: {outcome: incorrect, note: wrong-grad}
- where: {device: lightning.qubit, shots: 100, pennylane: ">=0.50"}
  expect: {outcome: incorrect, note: analytic-only}
- where: {interface: torch}
  warnings: [{category: UserWarning, match: "torch says"}]
"""
CELL = "lightning.qubit-torch-adjoint-probs-shots100"


def test_the_deciding_rules_their_lines_and_the_gate_that_does_not_hold(tmp_path: Path) -> None:
    text = make_doc(RULES)
    matrix = load(tmp_path, text, {"pennylane": "0.45.1"})
    out = explain(matrix, CELL, versions={"pennylane": "0.45.1"})
    path = matrix.path
    assert out.splitlines()[:7] == [
        f"{CELL}: a QNode cell, declared at {path} (the top level)",
        "  device: lightning.qubit",
        "  interface: torch",
        "  diff_method: adjoint",
        "  measurement: probs",
        "  shots: 100",
        "declared: incorrect warning UserWarning('torch says')",
    ]
    assert "note wrong-grad:\n  The gradient is silently wrong.\n" in out
    catch_all = line_of(text, "- expect: supported")
    wrong = line_of(text, "shots: 100}")
    gated = line_of(text, 'pennylane: ">=0.50"')
    warned = line_of(text, "{interface: torch}")
    assert f"  {path}:{catch_all}: sets expect; overridden by a later rule\n" in out
    assert f"  {path}:{wrong}: sets expect; decides expect\n" in out
    assert (
        f"  {path}:{gated}: sets expect; gate does not hold\n"
        "    gate pennylane '>=0.50' does not hold for pennylane 0.45.1\n"
    ) in out
    assert f"  {path}:{warned}: sets warnings; decides warnings\n" in out
    # The rule's own text follows its line, and no other rule's.
    assert "    |   expect: {outcome: incorrect, note: wrong-grad}\n" in out


def test_the_gate_decides_once_its_release_is_installed(tmp_path: Path) -> None:
    text = make_doc(RULES)
    out = explain(load(tmp_path, text, {"pennylane": "0.50.0"}), CELL, versions={"pennylane": "0.50.0"})
    gated = line_of(text, 'pennylane: ">=0.50"')
    assert f":{gated}: sets expect; decides expect\n" in out
    assert "gate pennylane '>=0.50' holds for pennylane 0.50.0" in out
    assert "note analytic-only:" in out


def test_a_rule_that_does_not_match_the_cell_is_not_listed(tmp_path: Path) -> None:
    out = explain(load(tmp_path, make_doc(RULES)), "default.qubit-None-backprop-probs-analytic", versions={})
    assert "rules matching it, in file order (1;" in out and "wrong-grad" not in out


def test_an_unknown_id_names_the_nearest_ones(tmp_path: Path) -> None:
    matrix = load(tmp_path, make_doc(RULES))
    with pytest.raises(
        UnknownCell,
        match=r"no cell 'lightning.qubit-torch-adjont-probs-shots100' "
        r"in .*; nearest: lightning.qubit-torch-adjoint-probs-shots100",
    ):
        explain(matrix, "lightning.qubit-torch-adjont-probs-shots100", versions={})


def test_the_cli_explains_and_refuses_an_unknown_id_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(write(tmp_path, make_doc(RULES)))
    assert cli.main(["explain", CELL, "--matrix", path]) == 0
    assert capsys.readouterr().out.startswith(f"{CELL}: a QNode cell")
    assert cli.main(["explain", "nothing-like-it", "--matrix", path]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no cell 'nothing-like-it'" in err


def test_every_family_of_the_real_matrix_is_explained() -> None:
    from supportmatrix.matrix.families import FAMILIES
    from supportmatrix.matrix.load import load_matrix
    from supportmatrix.matrix.versions import pinned_versions

    root = Path(__file__).resolve().parents[3]
    versions = pinned_versions(root / "constraints.txt")
    matrix = load_matrix(root / "matrix.yaml", versions=versions)
    for family in FAMILIES:
        rc = matrix.family(family.name).cells[-1]
        out = explain(matrix, rc.cell.id, versions=versions)
        decided = {d.line for d in rc.decisions}
        assert f"a {family.title} cell" in out.splitlines()[0]
        assert all(f"matrix.yaml:{line}: " in out for line in decided), family.name
