"""The HTML report without a browser: the embedded data, drift groups, escaping, the CLI.

The page's data is read back from the one ``<script type="application/json">`` block of
the written file, exactly as the page's script reads it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from supportmatrix import cli
from supportmatrix.check.circuits import reproduction_snippet
from supportmatrix.hybrid.failure import rerun_command
from supportmatrix.matrix.families import FAMILIES, Family
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Matrix
from supportmatrix.matrix.versions import pinned_versions
from supportmatrix.release.drift import GROUPS
from supportmatrix.report.html import CONTENT_SECURITY_POLICY, build_report, embed_json
from supportmatrix.report.html_marks import NOT_APPLICABLE_KEY
from supportmatrix.report.vocabulary import shown
from tests.unit.report import report_results as rr

ROOT = Path(__file__).resolve().parents[3]
DATA_BLOCK = re.compile(r'<script type="application/json" id="page-data">(.*?)</script>', re.S)


def page_data(text: str) -> dict[str, Any]:
    blocks = DATA_BLOCK.findall(text)
    assert len(blocks) == 1, f"{len(blocks)} data blocks"
    return json.loads(blocks[0])


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    directory = tmp_path_factory.mktemp("small")
    matrix = rr.load(rr.write_matrix(directory))
    old, new = rr.write_results(directory, matrix)
    return {"dir": directory, "matrix": matrix, "old": old, "new": new}


def _report(small: dict[str, Any], *args: str) -> str:
    out = small["dir"] / "report.html"
    assert (
        cli.main(
            ["report", "--matrix", str(small["dir"] / "matrix.yaml"), "--no-plots", *args, "-o", str(out)]
        )
        == cli.EXIT_OK
    )
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def real() -> tuple[Matrix, dict[str, Any]]:
    versions = pinned_versions(ROOT / "constraints.txt")
    matrix = load_matrix(ROOT / "matrix.yaml", versions=versions)
    return matrix, page_data(build_report(matrix=matrix, versions=versions, with_plots=False))


@pytest.mark.parametrize("family", FAMILIES, ids=[f.name for f in FAMILIES])
def test_the_real_matrix_has_a_table_per_family_with_exactly_its_cells(
    real: tuple[Matrix, dict[str, Any]],
    family: Family,
) -> None:
    matrix, data = real
    cells = matrix.family(family.name)
    assert cells.cells, f"matrix.yaml declares no {family.name} cell"
    drawn = [c for c in data["cells"] if c["family"] == family.name]
    tested = [c for c in drawn if c["shown"] != NOT_APPLICABLE_KEY]
    assert [c["id"] for c in tested] == [rc.cell.id for rc in cells.cells]
    # drawn as the tables draw them: by outcome, a raising one by its stage
    assert [c["shown"] for c in tested] == [shown(rc.expectation).value for rc in cells.cells]
    assert [c["id"] for c in drawn if c not in tested] == [na.cell.id for na in cells.not_applicable]
    assert data["counts"][family.name] == len(cells.cells)
    table = data["families"][family.name]
    assert (table["title"], list(table["axes"])) == (family.title, list(family.axis_names))
    assert table["layout"] == {
        "sections": list(family.layout.sections),
        "rows": list(family.layout.rows),
        "columns": list(family.layout.columns),
        "paired": family.layout.paired,
    }


def test_the_real_matrix_draws_every_family_and_its_not_applicable_cells(
    real: tuple[Matrix, dict[str, Any]],
) -> None:
    matrix, data = real
    assert list(data["families"]) == [f.name for f in FAMILIES]
    assert (len(matrix.family("qnode").cells), len(matrix.family("hybrid").cells)) == (3168, 120)
    assert len(data["cells"]) == sum(len(c.cells) + len(c.not_applicable) for c in matrix.families.values())
    not_applicable = [c for c in data["cells"] if c["shown"] == NOT_APPLICABLE_KEY]
    assert not_applicable and {c["family"] for c in not_applicable} == {"features"}
    reasons = {data["strings"][c["reason"]] for c in not_applicable}
    assert all(reason and "undefined note" not in reason for reason in reasons)
    assert {c["shown"] for c in data["cells"]} >= {"forward-raises", "gradient-raises", "supported"}


def test_each_cell_carries_its_exact_reproduction(small: dict[str, Any]) -> None:
    data = page_data(_report(small, "--from", str(small["new"])))
    by_id = {c["id"]: c for c in data["cells"]}
    for rc in small["matrix"].family("qnode").cells:
        lines = [data["lines"][n] for n in by_id[rc.cell.id]["snippet"]]
        assert "\n".join(lines) == reproduction_snippet(rc.cell)
    for rc in small["matrix"].family("hybrid").cells:
        assert by_id[rc.cell.id]["command"] == rerun_command(rc.cell)
    assert data["counts"] == {"qnode": rr.QNODE_CELLS, "hybrid": rr.HYBRID_CELLS}


def test_a_results_page_keeps_errors_checks_ratios_and_versions(small: dict[str, Any]) -> None:
    data = page_data(_report(small, "--from", str(small["old"])))
    strings = data["strings"]
    hostile = next(c for c in data["cells"] if c["id"] == rr.HOSTILE_CELL)
    side = hostile["sides"][0]
    error = side["observed"]["error"]
    assert (strings[error["class"]], strings[error["module"]], strings[error["message"]]) == (
        "ValueError",
        "pennylane.exceptions",
        rr.HOSTILE_MESSAGE,
    )
    incorrect = next(c for c in data["cells"] if c["id"] == "default.qubit-autograd-adjoint-expval-shots100")
    checks = incorrect["sides"][0]["observed"]["checks"]
    assert [(strings[c["what"]], c["passed"], c["ratio"]) for c in checks] == [
        ("forward value", True, pytest.approx(0.25)),
        ("Jacobian", False, pytest.approx(3.0)),
    ]
    assert incorrect["shown"] == "incorrect" and incorrect["sides"][0]["status"] == "pass"
    assert data["sources"][0]["environment"]["packages"] == rr.VERSIONS


def test_the_drift_page_groups_changes_as_diff_does(small: dict[str, Any]) -> None:
    data = page_data(_report(small, "--old", str(small["old"]), "--new", str(small["new"])))
    groups = {g["key"]: [c["id"] for c in g["changes"]] for g in data["drift"]["groups"]}
    assert list(groups) == [key for key, _, _ in GROUPS]
    for key, cell_id in rr.DRIFTED.items():
        assert groups[key] == [cell_id]
    assert data["drift"]["regressions"] == 2 and data["drift"]["changed"] == 3
    changed = {c["id"]: c["groups"] for c in data["cells"] if c["groups"]}
    assert changed == {cell_id: [key] for key, cell_id in rr.DRIFTED.items()}
    assert all(len(c["sides"]) == 2 for c in data["cells"])
    # --from twice is the same drift
    again = page_data(_report(small, "--from", str(small["old"]), "--from", str(small["new"])))
    assert again["drift"] == data["drift"]


def test_a_run_that_also_recorded_features_cells_draws_them_too(small: dict[str, Any]) -> None:
    # A whole-suite run records the features family too (the release workflow's merge job).
    from supportmatrix.matrix.model import Expectation, FeatureCell, Outcome, ResolvedCell
    from supportmatrix.release.codec import CellRecord

    feature = ResolvedCell(
        FeatureCell("default.qubit", "torch", "adjoint", "rot", None), Expectation(Outcome.SUPPORTED)
    )
    record = CellRecord.unrun(feature, status="skipped", reason="torch is not installed").to_json()
    paths = {}
    for side in ("old", "new"):
        document = json.loads(Path(small[side]).read_text(encoding="utf-8"))
        document["feature_cells"] = [record]
        paths[side] = small["dir"] / f"{side}-with-features.json"
        paths[side].write_text(json.dumps(document), encoding="utf-8")
    plain = page_data(_report(small, "--from", str(small["old"])))
    with_features = page_data(_report(small, "--from", str(paths["old"])))
    assert [c["id"] for c in with_features["cells"]] == [c["id"] for c in plain["cells"]] + [feature.cell.id]
    assert with_features["cells"][-1]["shown"] == "skipped"
    assert "features" in with_features["families"] and "features" not in plain["families"]
    drift = page_data(_report(small, "--old", str(paths["old"]), "--new", str(paths["new"])))
    # skipped on both sides: not compared, so the same drift
    assert (
        drift["drift"]["groups"]
        == page_data(_report(small, "--old", str(small["old"]), "--new", str(small["new"])))["drift"][
            "groups"
        ]
    )


def test_no_message_can_break_out_of_the_data_block(small: dict[str, Any]) -> None:
    text = _report(small, "--from", str(small["old"]))
    assert "alert(1)" in text  # the message is there, but only as escaped JSON
    assert "</script><script>alert" not in text and "<b>x</b>" not in text
    assert text.count("</script>") == 2  # the data block's and the script's
    assert embed_json({"m": "</script>&<!--"}) == '{"m":"\\u003c/script\\u003e\\u0026\\u003c!--"}'
    assert json.loads(embed_json({"m": "</script>&"})) == {"m": "</script>&"}


def test_the_page_loads_nothing(small: dict[str, Any]) -> None:
    out = small["dir"] / "with-plots.html"
    assert cli.main(["report", "--from", str(small["old"]), "-o", str(out)]) == cli.EXIT_OK
    text = out.read_text(encoding="utf-8")
    assert f'content="{CONTENT_SECURITY_POLICY}"' in text and "default-src 'none'" in text
    # Outside the inline images and the data (whose messages may quote a URL), no address
    # at all: the markup, the style and the script name nothing to fetch.
    code = DATA_BLOCK.sub("", re.sub(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", "data:", text))
    assert "<script>" in code and "<style>" in code
    found = re.search(r".{0,40}(https?:|//[a-z]|src=\"(?!data:)|href=|@import|url\().{0,40}", code)
    assert found is None, found
    assert text.count("<img alt=") == 2  # the outcome counts and the ratio histogram


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--from", "missing.json"], "cannot read results missing.json"),
        (["--from", "{bad}"], "not valid JSON"),
        (["--from", "{old}", "--from", "{old}", "--from", "{new}"], "give one results file, or two"),
        (["--from", "{old}", "--old", "{old}", "--new", "{new}"], "give one results file, or two"),
        (["--old", "{old}"], "--old and --new go together"),
        (["--matrix", "{bad_matrix}"], "bad.yaml"),
        (["--versions", "missing-constraints.txt"], "cannot read constraints"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    small: dict[str, Any], tmp_path: Path, capsys, args: list[str], fragment: str
) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "bad.yaml").write_text("schema_version: 2\naxes: {device: [nope]}\n")
    names = {
        "old": small["old"],
        "new": small["new"],
        "bad": tmp_path / "bad.json",
        "bad_matrix": tmp_path / "bad.yaml",
    }
    args = [a.format(**names) for a in args]
    out = tmp_path / "report.html"
    assert cli.main(["report", *args, "-o", str(out)]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("supportmatrix: error: ") and err.count("\n") == 1, err
    assert fragment in err, err
    assert not out.exists()


def test_an_unwritable_output_is_one_line_and_exit_2(small: dict[str, Any], tmp_path: Path, capsys) -> None:
    out = tmp_path / "no-such-dir" / "report.html"
    assert cli.main(["report", "--from", str(small["old"]), "--no-plots", "-o", str(out)]) == 2
    assert "cannot write" in capsys.readouterr().err
