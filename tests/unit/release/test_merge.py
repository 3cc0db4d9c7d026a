"""Sharded runs merged: the same records as one unsharded run, and one-line refusals."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

# pytester's in-process runs drop modules first imported inside them, and PennyLane's
# native extensions cannot be loaded twice: import it here, outside those runs.
import pennylane  # noqa: F401
import pytest

from supportmatrix import cli
from supportmatrix.matrix.load import load_matrix
from supportmatrix.release.merge import MergeError, merge_results
from supportmatrix.release.results import load_results, validate

pytest_plugins = ("pytester",)

ROOT = Path(__file__).resolve().parents[3]
TEST_MODULE = (ROOT / "tests" / "test_qnode.py").read_text()

MATRIX = """\
schema_version: 2
axes:
  device: [default.qubit]
  interface: [None, autograd]
  diff_method: [backprop, parameter-shift, spsa]
  measurement: [expval, probs]
  shots: [None, 1000]
notes:
  nothing-trainable: No parameter is trainable, so there is no gradient.
  no-shots-backprop: Backprop needs the state, which finite shots do not give.
  spsa-shot-noise: spsa's finite differences of 1000-shot estimates are mostly noise.
rules:
  - expect: supported
  - where: {interface: None}
    expect: {outcome: no-gradient, note: nothing-trainable}
    warnings: [{category: UserWarning, match: 'Attempted to differentiate a function with no trainable parameters'}]
  - where: {diff_method: backprop, shots: 1000}
    expect: {outcome: errors, note: no-shots-backprop, error: {class: QuantumFunctionError, stage: forward, match: 'does not support backprop with requested circuit'}}
    warnings: []
  - where: {interface: autograd, diff_method: spsa, shots: 1000}
    expect: {outcome: incorrect, note: spsa-shot-noise}
"""

TIMINGS = ("seconds",)
ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def _run(pytester: pytest.Pytester, output: str, *extra: str) -> Path:
    result = pytester.runpytest("-p", "no:cacheprovider", "-q", "--supportmatrix-json", output, *extra)
    assert result.ret == 0, result.stdout.str()
    return pytester.path / output


def _without_timings(record: dict) -> dict:
    """A record less what differs between any two runs of one cell: its timings, and object
    addresses in messages (``<default.qubit device at 0x7f…>``), blanked as `diff` blanks them."""
    kept = {k: v for k, v in record.items() if k not in TIMINGS}
    return json.loads(ADDRESS.sub("0x…", json.dumps(kept)))


def test_shards_merged_equal_an_unsharded_run(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    pytester.makepyfile(test_cells_under_test=TEST_MODULE)
    pytester.makefile(".yaml", matrix=MATRIX)
    whole = load_results(_run(pytester, "whole.json"))
    shards = [_run(pytester, f"shard{k}.json", "--splits", "2", "--group", str(k)) for k in (1, 2)]
    documents = [(str(path), load_results(path)) for path in shards]
    assert all(0 < d["summary"]["cells"] < 24 for _, d in documents)  # each ran a part
    # spsa draws random directions: equal records need them seeded from the cell id
    assert sum("-spsa-" in r["id"] for r in whole["cells"]) == 8

    merged = validate(merge_results(documents, load_matrix(pytester.path / "matrix.yaml")), source="merged")
    assert merged["summary"] == whole["summary"]
    assert [_without_timings(r) for r in merged["cells"]] == [_without_timings(r) for r in whole["cells"]]
    assert merged["matrix"] == whole["matrix"]

    # The same through the command line, which writes the file.
    capsys.readouterr()
    code = cli.main(
        [
            "merge",
            *map(str, shards),
            "--matrix",
            str(pytester.path / "matrix.yaml"),
            "-o",
            str(pytester.path / "merged.json"),
        ]
    )
    assert code == 0
    assert capsys.readouterr().out == (
        f"{pytester.path / 'merged.json'}: 2 files merged; 24 cells (pass 24)\n"
    )
    written = load_results(pytester.path / "merged.json")
    assert [_without_timings(r) for r in written["cells"]] == [_without_timings(r) for r in whole["cells"]]


# --------------------------------------------------------------------------- refusals


def _document(matrix_path: Path, ids: list[str], **environment: object) -> dict:
    """A minimal valid results document recording skipped cells ``ids``."""
    from supportmatrix.release.codec import CellRecord
    from supportmatrix.release.results import build_document

    matrix = load_matrix(matrix_path, versions={})
    by_id = matrix.by_id()
    records = {i: CellRecord.unrun(by_id[i], status="skipped", reason="torch is not installed") for i in ids}
    document = build_document(matrix, records, versions={"pennylane": "0.45.1"})
    document["environment"].update(environment)
    return json.loads(json.dumps(document))


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, list[str]]:
    path = tmp_path / "matrix.yaml"
    path.write_text(MATRIX, encoding="utf-8")
    ids = [rc.cell.id for rc in load_matrix(path, versions={}).family("qnode").cells]
    return path, ids


def test_overlapping_shards_are_refused(small: tuple[Path, list[str]]) -> None:
    path, ids = small
    a, b = _document(path, ids[:10]), _document(path, ids[9:])
    with pytest.raises(MergeError, match=rf"^b.json and a.json both record cell {ids[9]}"):
        merge_results([("a.json", a), ("b.json", b)], load_matrix(path, versions={}))


def test_shards_that_miss_a_cell_are_refused(small: tuple[Path, list[str]]) -> None:
    path, ids = small
    a, b = _document(path, ids[:8]), _document(path, ids[9:])
    with pytest.raises(MergeError, match=rf"miss 1 cells of .*, e.g. {ids[8]}"):
        merge_results([("a.json", a), ("b.json", b)], load_matrix(path, versions={}))


@pytest.mark.parametrize(
    ("key", "value"), [("python", "3.99.0"), ("commit", "abc"), ("packages", {"pennylane": "0.46.0"})]
)
def test_shards_from_different_environments_are_refused(
    small: tuple[Path, list[str]], key: str, value: object
) -> None:
    path, ids = small
    a, b = _document(path, ids[:8]), _document(path, ids[8:])
    b["environment"][key] = value
    with pytest.raises(MergeError, match=rf"^b.json and a.json come from different environments: {key}"):
        merge_results([("a.json", a), ("b.json", b)], load_matrix(path, versions={}))


def test_shards_of_another_matrix_are_refused(small: tuple[Path, list[str]], tmp_path: Path) -> None:
    path, ids = small
    a, b = _document(path, ids[:8]), _document(path, ids[8:])
    other = copy.deepcopy(b)
    other["matrix"]["sha256"] = "0" * 64
    with pytest.raises(MergeError, match=r"^b.json was run against another matrix than"):
        merge_results([("a.json", a), ("b.json", other)], load_matrix(path, versions={}))
    del other["matrix"]["sha256"]
    with pytest.raises(MergeError, match=r"^b.json has no matrix digest"):
        merge_results([("a.json", a), ("b.json", other)], load_matrix(path, versions={}))


def test_the_cli_refuses_with_one_line_and_exit_2(
    small: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, ids = small
    files = []
    for name, part in (("a.json", ids[:10]), ("b.json", ids[9:])):
        files.append(tmp_path / name)
        files[-1].write_text(json.dumps(_document(path, part)), encoding="utf-8")
    code = cli.main(["merge", *map(str, files), "--matrix", str(path), "-o", str(tmp_path / "m.json")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "both record cell" in err
    assert not (tmp_path / "m.json").exists()


# --------------------------------------------------------------------------- observe --shard


def test_observe_passes_a_shard_to_pytest_split(tmp_path: Path) -> None:
    from supportmatrix.release.observe import SPLITTING_ALGORITHM, pytest_arguments

    args = pytest_arguments(tmp_path / "m.yaml", tmp_path / "r.json", workers="2", select=None, shard=(2, 3))
    assert args[args.index("--splits") + 1] == "3" and args[args.index("--group") + 1] == "2"
    assert args[args.index("--splitting-algorithm") + 1] == SPLITTING_ALGORITHM
    assert "--splits" not in pytest_arguments(
        tmp_path / "m.yaml", tmp_path / "r.json", workers="2", select=None
    )


@pytest.mark.parametrize("shard", ["3/2", "0/2", "a/b", "2", "1/"])
def test_observe_refuses_a_bad_shard_in_one_line(shard: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["observe", "--shard", shard]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    # argparse's usage, then one line that says what is wrong
    assert lines[0].startswith("usage:") and "expected K/N with 1 <= K <= N" in lines[-1]
