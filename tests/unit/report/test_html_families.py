"""The HTML report draws every family of the registry alike: an opt-in family's records
(Catalyst) in a results page and in a drift, and a family the registry does not have, made
of data only, with no change to the report's code."""

from __future__ import annotations

from typing import Any

import pytest

from supportmatrix.check.failure import rerun_command
from supportmatrix.matrix.families import FAMILIES, QJIT
from supportmatrix.report import html_data
from supportmatrix.report.html import build_report
from tests.unit.report import report_results as rr
from tests.unit.report.test_html_report import page_data


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The small matrix's results as declared: QNode and hybrid records, no Catalyst ones."""
    return rr.document(rr.load(rr.write_matrix(tmp_path_factory.mktemp("families"))))


def test_a_results_file_with_catalyst_records_draws_them(honest: dict[str, Any]) -> None:
    data = page_data(
        build_report(documents=[(rr.with_qjit_record(honest, rr.QJIT_FAILURE), "run.json")], with_plots=False)
    )
    assert list(data["families"]) == ["qnode", "hybrid", "qjit"]
    table = data["families"][QJIT.name]
    assert table["title"] == "Catalyst" and table["count"] == 1
    assert table["axes"] == {
        "device": ["lightning.qubit"],
        "diff_method": ["adjoint"],
        "grad_function": ["catalyst.grad"],
        "method": ["auto"],
        "measurement": ["expval"],
        "shots": ["analytic"],
        "derivative": ["first"],
    }
    (cell,) = [c for c in data["cells"] if c["family"] == QJIT.name]
    assert (cell["id"], cell["shown"], cell["sides"][0]["status"]) == (
        rr.QJIT_CELL.id,
        "gradient-raises",
        "fail",
    )
    assert data["strings"][cell["sides"][0]["observed"]["error"]["message"]] == rr.QJIT_FAILURE.message
    lines = [data["lines"][n] for n in cell["snippet"]]
    assert "catalyst" in "\n".join(lines)  # the program that reproduces it


def test_a_results_file_without_the_catalyst_family_has_no_table_for_it(honest: dict[str, Any]) -> None:
    data = page_data(build_report(documents=[(honest, "run.json")], with_plots=False))
    assert QJIT.name not in data["families"] and QJIT.name not in data["counts"]


def test_the_drift_lists_a_catalyst_change_tagged_with_its_family(honest: dict[str, Any]) -> None:
    old, new = rr.with_qjit_record(honest), rr.with_qjit_record(honest, rr.QJIT_FAILURE)
    data = page_data(build_report(documents=[(old, "old.json"), (new, "new.json")], with_plots=False))
    changes = {g["key"]: g["changes"] for g in data["drift"]["groups"]}
    assert [(c["id"], c["tag"]) for c in changes["newly-failing"]] == [(rr.QJIT_CELL.id, QJIT.title)]
    (cell,) = [c for c in data["cells"] if c["family"] == QJIT.name]
    assert cell["groups"] == ["newly-failing"] and [s["status"] for s in cell["sides"]] == ["pass", "fail"]


def test_a_family_the_registry_does_not_have_is_drawn_from_its_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(html_data, "FAMILIES", (*FAMILIES, rr.TOY))
    matrix = rr.toy_matrix()
    data = page_data(build_report(matrix=matrix, versions=rr.VERSIONS, with_plots=False))
    assert list(data["families"]) == [rr.TOY.name]
    table = data["families"][rr.TOY.name]
    assert table["title"] == rr.TOY.title
    assert table["axes"] == {"colour": ["red", "blue"], "size": ["S", "M", "L"], "shots": ["analytic", "100"]}
    assert table["layout"] == {"sections": ["colour"], "rows": ["size"], "columns": [], "paired": "shots"}
    cells = data["cells"]
    assert [c["id"] for c in cells] == [rc.cell.id for rc in matrix.family(rr.TOY.name).cells]
    assert {c["shown"] for c in cells if "-L-" in c["id"]} == {"no-gradient"}
    # no snippet for it: the command that reruns the cell
    assert [c["command"] for c in cells] == [
        rerun_command(rr.TOY, rc.cell) for rc in matrix.family(rr.TOY.name).cells
    ]
    assert data["labels"]["shots"] == {"100": "shots=100"}
