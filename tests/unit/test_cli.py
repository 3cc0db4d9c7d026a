"""Unit tests for `supportmatrix.cli`: exit codes, one-line errors, atomic output."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from supportmatrix import cli
from supportmatrix.matrix.model import Expectation, FamilyCells, Matrix, Outcome, QNodeCell, ResolvedCell
from tests.unit.matrix import matrix_docs

Capsys = pytest.CaptureFixture[str]


def tiny_matrix(path: str) -> Matrix:
    """One supported analytic cell: enough for the CLI, whose layout tests live in test_render."""
    axes: dict[str, tuple[object, ...]] = {
        "device": ("default.qubit",),
        "interface": ("torch",),
        "diff_method": ("backprop",),
        "measurement": ("expval",),
        "shots": (None,),
    }
    cell = ResolvedCell(
        QNodeCell("default.qubit", "torch", "backprop", "expval", None), Expectation(Outcome.SUPPORTED)
    )
    return Matrix(path=path, notes={}, families={"qnode": FamilyCells(axes, (cell,))})


class FakeMatrixError(Exception):
    """Stands in for loader.MatrixError, whose str() is one ``path:line: keypath: message`` line."""


@pytest.fixture
def loader(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """Replace `supportmatrix.loader` so these tests exercise the CLI alone."""
    module = types.ModuleType("supportmatrix.matrix.load")
    module.MatrixError = FakeMatrixError
    module.load_matrix = lambda path, *, versions=None: tiny_matrix(path)
    monkeypatch.setitem(sys.modules, "supportmatrix.matrix.load", module)
    return module


def assert_one_line_error(err: str, fragment: str) -> None:
    __tracebackhide__ = True
    assert err.startswith("supportmatrix: error: "), err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    assert fragment in err, err


# --------------------------------------------------------------------------- render to stdout


def test_render_markdown_to_stdout_by_default(loader: types.ModuleType, capsys: Capsys) -> None:
    assert cli.main(["render"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# Supported configurations\n") and "## default.qubit" in out
    assert err == ""


def test_render_json_uses_the_matrix_option(loader: types.ModuleType, capsys: Capsys) -> None:
    assert cli.main(["render", "--format", "json", "--matrix", "other.yaml"]) == 0
    assert json.loads(capsys.readouterr().out)["matrix"] == "other.yaml"


# --------------------------------------------------------------------------- errors


def test_matrix_error_is_one_line_and_exit_2(loader: types.ModuleType, capsys: Capsys) -> None:
    def broken(path: str, *, versions: object = None) -> Matrix:
        raise FakeMatrixError("matrix.yaml:7: rules[2].where.device: unknown value 'foo'")

    loader.load_matrix = broken
    assert cli.main(["render"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_error(err, "matrix.yaml:7: rules[2].where.device: unknown value 'foo'")


def test_multiline_error_message_is_folded_onto_one_line(loader: types.ModuleType, capsys: Capsys) -> None:
    def broken(path: str, *, versions: object = None) -> Matrix:
        raise FakeMatrixError("first\nsecond")

    loader.load_matrix = broken
    assert cli.main(["render"]) == 2
    assert_one_line_error(capsys.readouterr().err, "first second")


def test_missing_matrix_file_is_one_line_and_exit_2(
    loader: types.ModuleType, capsys: Capsys, tmp_path: Path
) -> None:
    def reads(path: str, *, versions: object = None) -> Matrix:
        return tiny_matrix(Path(path).read_text())  # FileNotFoundError, as a real read would

    loader.load_matrix = reads
    missing = tmp_path / "nope.yaml"
    assert cli.main(["render", "--matrix", str(missing)]) == 2
    expected = f"cannot read matrix {missing}: No such file or directory"
    assert_one_line_error(capsys.readouterr().err, expected)


@pytest.mark.parametrize(
    "argv",
    [[], ["frobnicate"], ["render", "--format", "html"], ["render", "--bogus"]],
    ids=["no-command", "unknown-command", "unknown-format", "unknown-option"],
)
def test_usage_errors_exit_2(argv: list[str], capsys: Capsys) -> None:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: supportmatrix") and ": error: " in err


def test_help_exits_0(capsys: Capsys) -> None:
    assert cli.main(["render", "--help"]) == 0
    assert "--format {markdown,json,rst,qjit-markdown,qjit-rst}" in capsys.readouterr().out


# --------------------------------------------------------------------------- --output


def test_output_file_is_written(loader: types.ModuleType, capsys: Capsys, tmp_path: Path) -> None:
    target = tmp_path / "table.md"
    assert cli.main(["render", "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert target.read_text(encoding="utf-8").startswith("# Supported configurations\n")
    assert [p.name for p in tmp_path.iterdir()] == ["table.md"]  # no temporary file left


def test_failed_load_leaves_the_existing_output_untouched(
    loader: types.ModuleType, capsys: Capsys, tmp_path: Path
) -> None:
    def broken(path: str, *, versions: object = None) -> Matrix:
        raise FakeMatrixError("matrix.yaml:1: axes: missing")

    loader.load_matrix = broken
    target = tmp_path / "table.md"
    target.write_text("committed table\n")
    assert cli.main(["render", "--output", str(target)]) == 2
    assert target.read_text() == "committed table\n"


def test_unwritable_output_is_one_line_and_exit_2(
    loader: types.ModuleType, capsys: Capsys, tmp_path: Path
) -> None:
    target = tmp_path / "no-such-dir" / "table.md"
    assert cli.main(["render", "-o", str(target)]) == 2
    assert_one_line_error(capsys.readouterr().err, f"cannot write {target}")


# --------------------------------------------------------------------------- docs-compare

REFERENCE = Path(__file__).parent / "data" / "small-supported-configurations.rst"


def test_docs_compare_reports_to_stdout(loader: types.ModuleType, capsys: Capsys) -> None:
    assert cli.main(["docs-compare", str(REFERENCE)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# PennyLane's documented table vs the matrix\n") and err == ""
    assert "- compared cells: 0\n" in out and "  - interface torch: 1\n" in out


def test_docs_compare_writes_the_output_file(
    loader: types.ModuleType, capsys: Capsys, tmp_path: Path
) -> None:
    target = tmp_path / "docs-vs-matrix.md"
    assert cli.main(["docs-compare", str(REFERENCE), "--limit", "0", "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert target.read_text().startswith("# PennyLane's documented table vs the matrix\n")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["missing.rst"], "cannot read reference missing.rst: No such file or directory"),
        ([str(REFERENCE), "--device", "default.mixed"], "has no device 'default.mixed'"),
    ],
    ids=["missing-reference", "unknown-device"],
)
def test_docs_compare_bad_input_is_one_line_and_exit_2(
    loader: types.ModuleType, capsys: Capsys, argv: list[str], fragment: str
) -> None:
    assert cli.main(["docs-compare", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_error(err, fragment)


def test_docs_compare_malformed_reference_names_file_and_line(
    loader: types.ModuleType, capsys: Capsys, tmp_path: Path
) -> None:
    page = tmp_path / "interfaces.rst"
    page.write_text(REFERENCE.read_text().replace(":gr:`8`", "yes    "))
    assert cli.main(["docs-compare", str(page)]) == 2
    assert_one_line_error(capsys.readouterr().err, f"{page}:20: column 'expval': expected one")


def test_docs_compare_undecodable_reference_is_one_line_and_exit_2(
    loader: types.ModuleType, capsys: Capsys, tmp_path: Path
) -> None:
    page = tmp_path / "interfaces.rst"
    page.write_bytes(b"\xff\xfe not utf-8")
    assert cli.main(["docs-compare", str(page)]) == 2
    assert_one_line_error(capsys.readouterr().err, f"cannot read reference {page}: ")


def test_docs_compare_rejects_a_negative_limit(capsys: Capsys) -> None:
    assert cli.main(["docs-compare", str(REFERENCE), "--limit", "-1"]) == 2
    assert "expected a whole number >= 0, got '-1'" in capsys.readouterr().err


# --------------------------------------------------------------------------- end to end


#: The axes of `write_matrix`'s files: autograd x (backprop, adjoint) x expval x two shots.
SMALL_AXES = """\
axes:
  device: [default.qubit]
  interface: [autograd]
  diff_method: [backprop, adjoint]
  measurement: [expval]
  shots: [null, 100]
"""
SMALL_NOTES = "notes:\n  no-shots: The device refuses finite shots here.\n"


def write_matrix(directory: Path, rules: str = "", *, version: int = 2) -> Path:
    """A real matrix.yaml on `SMALL_AXES`, supported unless `rules` (YAML list items)."""
    text = matrix_docs.make_doc(matrix_docs.rules(rules), axes=SMALL_AXES, notes=SMALL_NOTES, version=version)
    return matrix_docs.write(directory, text)


@pytest.mark.parametrize(
    ("version", "note", "footnote"),
    [
        (2, "note: no-shots", "1. The device refuses finite shots here."),
        # schema_version 1 need declare no reason: the footnote says so rather than crash.
        (1, "", "1. No reason given in the matrix: the forward pass raises `DeviceError`."),
    ],
)
def test_render_a_real_yaml_file(
    tmp_path: Path, capsys: Capsys, version: int, note: str, footnote: str
) -> None:
    rules = f"""\
          - where: {{diff_method: adjoint, shots: 100}}
            expect:
              outcome: errors
              error: {{class: DeviceError, match: "finite shots", stage: forward}}
              {note}
        """
    matrix = write_matrix(tmp_path, rules, version=version)
    assert cli.main(["render", "--matrix", str(matrix)]) == 0
    out = capsys.readouterr().out
    assert '|  | `"adjoint"` | ✅ / ❌ 1 |' in out
    assert footnote in out


def test_render_refuses_a_version_2_error_without_its_reason(tmp_path: Path, capsys: Capsys) -> None:
    rules = """\
          - where: {diff_method: adjoint, shots: 100}
            expect: {outcome: errors, error: {class: DeviceError, match: x, stage: forward}}
        """
    matrix = write_matrix(tmp_path, rules)
    line = next(n for n, text in enumerate(matrix.read_text().splitlines(), 1) if "outcome:" in text)
    assert cli.main(["render", "--matrix", str(matrix)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_error(
        err,
        f"{matrix}:{line}: rules[1].expect: outcome 'errors' requires a 'note' naming its "
        "reason (a key of notes) under schema_version 2",
    )


# Nine lines of nested aliases: 9**9 values once expanded.
HOSTILE = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.timeout(5)  # expanding the aliases would take minutes
def test_render_refuses_nested_aliases_at_once(tmp_path: Path, capsys: Capsys) -> None:
    matrix = tmp_path / "hostile.yaml"
    matrix.write_text(HOSTILE)
    assert cli.main(["render", "--matrix", str(matrix)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_error(
        err,
        f"{matrix}:1: a: anchors/aliases are not allowed (found anchor &a); matrix.yaml is "
        "plain data: write the values out",
    )


def test_render_refuses_a_rule_that_decides_no_cell(tmp_path: Path, capsys: Capsys) -> None:
    rules = """\
          - where: {diff_method: adjoint}
            expect: {outcome: no-gradient, note: no-shots}
          - where: {diff_method: adjoint}
            expect: {outcome: no-gradient, note: no-shots}
        """
    matrix = write_matrix(tmp_path, rules)
    lines = [n for n, line in enumerate(matrix.read_text().splitlines(), 1) if "adjoint}" in line]
    assert cli.main(["render", "--matrix", str(matrix)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_error(
        err,
        f"{matrix}:{lines[0]}: rules[1]: this rule decides no cell: a later rule "
        f"(line {lines[1]}) sets 'expect' on every cell it matches",
    )


def test_docs_compare_a_real_yaml_file(tmp_path: Path, capsys: Capsys) -> None:
    matrix = write_matrix(tmp_path)
    assert cli.main(["docs-compare", str(REFERENCE), "--matrix", str(matrix)]) == 0
    out = capsys.readouterr().out
    assert "- compared cells: 4\n- agree: 3\n- disagree: 1\n" in out
    assert (
        "- `default.qubit-autograd-backprop-expval-shots100`: docs: :gr:`5` not supported"
        " / matrix: supported\n"
    ) in out


def test_python_dash_m_help() -> None:
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "supportmatrix", "--help"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: supportmatrix")


def test_render_for_pinned_versions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    matrix = tmp_path / "m.yaml"
    matrix.write_text(GATED_MATRIX)
    constraints = tmp_path / "c.txt"
    constraints.write_text("# the release\npennylane==0.43.3  # pinned\ntorch==2.13.0\n")
    assert (
        cli.main(["render", "--matrix", str(matrix), "--versions", str(constraints), "--format", "json"]) == 0
    )
    assert '"outcome": "no-gradient"' in capsys.readouterr().out
    constraints.write_text("pennylane>>0.43\n")
    assert cli.main(["render", "--matrix", str(matrix), "--versions", str(constraints)]) == 2
    assert "c.txt:1: not a requirement" in capsys.readouterr().err


GATED_MATRIX = """\
schema_version: 2
axes: {device: [default.qubit], interface: [autograd], diff_method: [backprop],
       measurement: [expval], shots: [None]}
notes: {old: "Before PennyLane 0.44 no gradient comes out."}
rules:
  - expect: supported
  - where: {pennylane: '<0.44'}
    expect: {outcome: no-gradient, note: old}
"""


def test_report_without_pennylane_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: Capsys, tmp_path: Path
) -> None:
    # The merge job's machine has no framework; the snippets need PennyLane itself.
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "pennylane" else real_find_spec(name, *a),
    )
    results = tmp_path / "results.json"
    results.write_text("{}")
    monkeypatch.setattr("supportmatrix.cli.tables.read_results", lambda path: {})
    assert cli.main(["report", "--from", str(results), "-o", str(tmp_path / "r.html")]) == 2
    assert_one_line_error(capsys.readouterr().err, "report: PennyLane is not installed")
    assert not (tmp_path / "r.html").exists()
