"""Unit tests for `supportmatrix.docs_compare`: reading notes as claims, and the comparison."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from supportmatrix.matrix.model import (
    ErrorSpec,
    Expectation,
    FamilyCells,
    Matrix,
    Outcome,
    QNodeCell,
    ResolvedCell,
    Stage,
    WarningSpec,
)
from supportmatrix.pennylane_docs.compare import (
    Claim,
    Kind,
    claim_for,
    compare_with_docs,
    coverage,
    render_comparison,
)
from supportmatrix.pennylane_docs.page import DocumentedEntry, load_docs_table

DOC = load_docs_table(Path(__file__).parents[1] / "data" / "small-supported-configurations.rst")

SUP = Expectation(Outcome.SUPPORTED)
NG = Expectation(Outcome.NO_GRADIENT)
NG_WARNS = Expectation(
    Outcome.NO_GRADIENT, warnings=(WarningSpec("UserWarning", re.compile("no trainable")),)
)
INCORRECT = Expectation(Outcome.INCORRECT, note="why")
ERR_FORWARD = Expectation(Outcome.ERRORS, ErrorSpec("DeviceError", re.compile("not accepted"), Stage.FORWARD))
FORWARD_ONLY = Expectation(
    Outcome.FORWARD_ONLY, ErrorSpec("ValueError", re.compile("gradient of"), Stage.GRADIENT)
)

# Documented cell -> (analytic, shots=100) expectations, and the disagreement expected for
# each; the fixture's notes: 1 fails with error, 2 warns and does not fail, 5 supported only
# with shots=None, 7 raises with shots>0, 8 supported, 9 not differentiable, forward works.
SCENARIOS: dict[tuple[str, str, str], tuple[tuple[Expectation, Kind | None], ...]] = {
    ("None", "backprop", "probs"): ((NG, Kind.RAISES_BUT_DOES_NOT), (ERR_FORWARD, None)),
    ("None", "backprop", "sample"): ((ERR_FORWARD, Kind.FORWARD_BUT_RAISES), (NG, None)),
    ("None", "backprop", "expval"): ((ERR_FORWARD, None), (ERR_FORWARD, None)),
    ("None", "adjoint", "probs"): ((NG_WARNS, None), (NG, Kind.WARNS_BUT_SILENT)),
    ("None", "adjoint", "sample"): ((ERR_FORWARD, Kind.FORWARD_BUT_RAISES), (FORWARD_ONLY, None)),
    ("None", "adjoint", "expval"): (
        (FORWARD_ONLY, Kind.NO_FAIL_BUT_RAISES),
        (ERR_FORWARD, Kind.FORWARD_BUT_RAISES),
    ),
    ("autograd", "backprop", "probs"): ((NG, Kind.SUPPORTED_BUT_NO_GRADIENT), (ERR_FORWARD, None)),
    ("autograd", "backprop", "sample"): (
        (ERR_FORWARD, Kind.FORWARD_BUT_RAISES),
        (SUP, Kind.UNSUPPORTED_BUT_SUPPORTED),
    ),
    ("autograd", "backprop", "expval"): ((SUP, None), (SUP, Kind.UNSUPPORTED_BUT_SUPPORTED)),
    ("autograd", "adjoint", "probs"): ((SUP, None), (NG, Kind.RAISES_BUT_DOES_NOT)),
    ("autograd", "adjoint", "sample"): ((ERR_FORWARD, Kind.FORWARD_BUT_RAISES), (INCORRECT, None)),
    ("autograd", "adjoint", "expval"): (
        (INCORRECT, Kind.SUPPORTED_BUT_INCORRECT),
        (FORWARD_ONLY, Kind.SUPPORTED_BUT_RAISES),
    ),
}
AXES: dict[str, tuple[object, ...]] = {
    "device": ("default.qubit", "lightning.qubit"),
    "interface": ("None", "autograd", "torch"),
    "diff_method": ("best", "backprop", "adjoint"),
    "measurement": ("probs", "sample", "expval", "purity"),
    "shots": (None, 100),
}


def scenario_expect(cell: QNodeCell) -> Expectation:
    scenario = SCENARIOS.get((cell.interface, cell.diff_method, cell.measurement))
    if cell.device != "default.qubit" or scenario is None:
        return SUP  # not documented: never compared, so anything goes
    return scenario[AXES["shots"].index(cell.shots)][0]


def make_matrix(**axes: tuple[object, ...]) -> Matrix:
    axes = {**AXES, **axes}
    cells = tuple(
        ResolvedCell(QNodeCell(*values), scenario_expect(QNodeCell(*values)))
        for values in itertools.product(*axes.values())
    )
    return Matrix(path="matrix.yaml", notes={"why": "Because."}, families={"qnode": FamilyCells(axes, cells)})


def shots_id(shots: object) -> str:
    return "analytic" if shots is None else f"shots{shots}"


# --------------------------------------------------------------------------- claims

NOTES = {number: DOC.notes[number] for number in DOC.notes}


@pytest.mark.parametrize(
    ("role", "note", "analytic", "finite"),
    [
        ("rd", 1, Claim(False, raises=True), Claim(False, raises=True)),
        ("rd", 2, Claim(False, False, True, True), Claim(False, False, True, True)),
        ("gr", 5, Claim(True), Claim(False)),
        ("gr", 7, Claim(True), Claim(False, raises=True)),
        ("gr", 8, Claim(True), Claim(True)),
        ("rd", 9, Claim(False, forward_works=True), Claim(False, forward_works=True)),
        ("rd", 10, Claim(False), Claim(False)),
    ],
)
def test_notes_are_read_as_claims_per_shots_value(
    role: str, note: int, analytic: Claim, finite: Claim
) -> None:
    entry = DocumentedEntry(role, note, NOTES[note], line=1)
    assert claim_for(entry, None) == analytic
    assert claim_for(entry, 100) == finite


def test_claims_describe_themselves() -> None:
    assert Claim(True).describe() == "supported"
    assert Claim(False, False, True, True).describe() == (
        "not supported, does not fail, forward pass works, warns"
    )
    assert Claim(False, raises=True).describe() == "not supported, raises"


# --------------------------------------------------------------------------- comparison


def test_every_disagreement_is_found_and_classified() -> None:
    found = compare_with_docs(DOC, make_matrix())
    expected = {
        f"default.qubit-{i}-{m}-{meas}-{shots_id(shots)}": kind
        for (i, m, meas), pair in SCENARIOS.items()
        for shots, (_, kind) in zip(AXES["shots"], pair, strict=True)
        if kind is not None
    }
    assert {d.cell.id: d.kind for d in found} == expected
    assert set(expected.values()) == set(Kind)  # the scenarios reach every kind


def test_disagreements_keep_the_matrix_order_and_say_both_sides() -> None:
    found = compare_with_docs(DOC, make_matrix())
    assert found[0].cell.id == "default.qubit-None-backprop-probs-analytic"
    assert found[0].describe() == (
        "`default.qubit-None-backprop-probs-analytic`: docs: :rd:`1` not supported, raises"
        " / matrix: no-gradient"
    )
    incorrect = next(d for d in found if d.kind is Kind.SUPPORTED_BUT_INCORRECT)
    assert incorrect.describe().endswith("docs: :gr:`8` supported / matrix: incorrect (note why)")
    raised = next(d for d in found if d.kind is Kind.SUPPORTED_BUT_RAISES)
    assert raised.describe().endswith("/ matrix: forward-only ValueError at gradient")


def test_matrix_that_does_what_the_notes_say_has_no_disagreements() -> None:
    # (analytic, shots=100) behaviour each note of the fixture describes.
    by_note = {
        1: (ERR_FORWARD, ERR_FORWARD),
        2: (NG_WARNS, NG_WARNS),
        5: (SUP, ERR_FORWARD),
        7: (SUP, ERR_FORWARD),
        8: (SUP, SUP),
        9: (NG, FORWARD_ONLY),
    }

    def expect(cell: QNodeCell) -> Expectation:
        entry = DOC.entries[cell.interface, cell.diff_method, cell.measurement]
        return by_note[entry.note][AXES["shots"].index(cell.shots)]

    axes = {**AXES, "device": ("default.qubit",), "interface": ("None", "autograd")}
    axes |= {"diff_method": ("backprop", "adjoint"), "measurement": ("probs", "sample", "expval")}
    cells = tuple(
        ResolvedCell(QNodeCell(*values), expect(QNodeCell(*values)))
        for values in itertools.product(*axes.values())
    )
    assert compare_with_docs(DOC, Matrix("m.yaml", {}, {"qnode": FamilyCells(axes, cells)})) == []


def test_other_device_is_compared_when_asked() -> None:
    # lightning.qubit cells are all supported here: only the "supported" claims hold.
    found = compare_with_docs(DOC, make_matrix(), device="lightning.qubit")
    kinds = {d.kind for d in found}
    assert kinds == {Kind.UNSUPPORTED_BUT_SUPPORTED}
    assert all(d.cell.device == "lightning.qubit" for d in found)


def test_coverage_counts_compared_undocumented_and_documented_only() -> None:
    counts = coverage(DOC, make_matrix())
    assert counts.compared == 12 * 2
    assert counts.undocumented == {
        "device lightning.qubit": 72,
        "interface torch": 24,
        "diff method best": 16,
        "measurement purity": 8,
    }
    without_sample = coverage(DOC, make_matrix(measurement=("probs", "expval")))
    assert without_sample.documented_only == 4
    assert without_sample.compared == 8 * 2


def test_unknown_device_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"has no device 'default.mixed'; its devices: default"):
        compare_with_docs(DOC, make_matrix(), device="default.mixed")


# --------------------------------------------------------------------------- Markdown


def test_report_gives_counts_first_then_groups_then_how_notes_were_read() -> None:
    report = render_comparison(DOC, make_matrix())
    lines = report.splitlines()
    assert lines[0] == "# PennyLane's documented table vs the matrix"
    counts = lines[lines.index("- compared cells: 24") :][:9]
    assert counts == [
        "- compared cells: 24",
        "- agree: 10",
        "- disagree: 14",
        "- not documented (not compared): 120",
        "  - device lightning.qubit: 72",
        "  - interface torch: 24",
        "  - diff method best: 16",
        "  - measurement purity: 8",
        "- documented entries with no matrix cell: 0",
    ]
    assert "| documented with a working forward pass, but the forward pass raises | 5 |" in lines
    headings = [line for line in lines if line.startswith("## ")]
    assert headings[:2] == [
        "## documented as supported, but it raises (1)",
        "## documented as supported, but the gradient is wrong (1)",
    ]
    assert headings[-1] == "## How the notes were read"
    assert sum(line.startswith("- `default.qubit-") for line in lines) == 14
    assert "- :gr:`7` shots=None: supported; shots>0: not supported, raises. Note: " in report
    assert "Cut at" not in report


def test_report_is_cut_at_the_limit_with_a_summary_line() -> None:
    report = render_comparison(DOC, make_matrix(), limit=3)
    listed = [line for line in report.splitlines() if line.startswith("- `default.qubit-")]
    assert len(listed) == 3
    assert "Cut at 3 lines: 11 more disagreements not shown." in report
    assert "- disagree: 14" in report  # the counts still cover everything
    assert "Cut at" not in render_comparison(DOC, make_matrix(), limit=14)
