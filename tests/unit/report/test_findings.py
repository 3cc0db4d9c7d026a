"""The findings page: which causes it lists, how it groups cells, its one-line errors, and
that the committed docs/findings.md is what `supportmatrix findings` writes now."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from supportmatrix.cli import main
from supportmatrix.cli.findings import PAGE_COMMAND
from supportmatrix.matrix.families import FAMILIES, family_of
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.versions import constraint_pins, installed_versions, pinned_versions
from supportmatrix.report.findings import Release, Severity, findings, grouped_ids, summary_of

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def release() -> Release:
    versions = pinned_versions(ROOT / "constraints.txt")
    return Release("constraints.txt", versions, load_matrix(ROOT / "matrix.yaml", versions=versions))


def test_summary_is_the_first_sentence() -> None:
    assert (
        summary_of("PennyLane bug: it is off by 6e-9, e.g. RX. So it fails.")
        == "PennyLane bug: it is off by 6e-9, e.g. RX."
    )
    assert summary_of("One sentence only") == "One sentence only"


def test_every_incorrect_cause_is_listed_and_silent_ones_come_first(release: Release) -> None:
    found = findings([release])
    notes = [f.note for f in found]
    incorrect = {
        rc.expectation.note
        for family in FAMILIES
        for rc in release.matrix.family(family.name).cells
        if rc.expectation.outcome.value == "incorrect"
    }
    assert incorrect <= set(notes)
    assert [f.severity for f in found] == sorted(f.severity for f in found)
    assert found[0].severity is Severity.SILENT_WRONG_VALUE
    by_note = {f.note: f for f in found}
    assert by_note["fd-with-shots"].severity is Severity.WRONG_BY_DESIGN
    assert by_note["broadcast-jax-jit-shape"].severity is Severity.MISLEADING_ERROR
    # a cause that merely raises, with nothing misleading about it, is no finding
    assert "dq-adjoint-exact" not in by_note


def test_grouped_ids_stand_for_exactly_the_cells(release: Release) -> None:
    cells = [
        rc
        for rc in release.matrix.family(FAMILIES[0].name).cells
        if rc.expectation.note == "purity-zero-gradient"
    ]
    family = family_of(cells[0].cell)
    patterns = grouped_ids(family, cells, release.matrix.family(family.name).axes)
    expanded = set()
    for pattern in patterns:
        ids = [""]
        for piece in pattern.replace(">", "<").split("<"):
            options = piece.split("|")
            ids = [i + o for i in ids for o in options]
        expanded |= set(ids)
    assert expanded == {rc.cell.id for rc in cells}
    assert len(patterns) < len(cells)


def test_the_committed_page_is_what_the_command_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The snippets are written for the installed PennyLane (where a QNode takes its shots),
    # so the page is what constraints.txt's release writes.
    pinned, installed = constraint_pins(ROOT / "constraints.txt"), installed_versions()
    if installed.get("pennylane") != pinned["pennylane"]:
        pytest.skip(
            f"docs/findings.md is written under pennylane {pinned['pennylane']}; "
            f"installed: {installed.get('pennylane')}"
        )
    monkeypatch.chdir(ROOT)
    words = shlex.split(PAGE_COMMAND)[1:]
    out = tmp_path / "findings.md"
    words[words.index("-o") + 1] = str(out)
    assert main(words) == 0
    committed = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    # the page names the command that wrote it, with the committed file as its output
    assert out.read_text(encoding="utf-8").replace(str(out), "docs/findings.md") == committed, (
        f"docs/findings.md is stale; run `{PAGE_COMMAND}`"
    )


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["findings", "--matrix", str(tmp_path / "missing.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.yaml" in err
    assert main(["findings", "--versions", str(tmp_path / "none.txt")]) == 2
    assert "none.txt" in capsys.readouterr().err
