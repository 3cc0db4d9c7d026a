"""Unit tests for `supportmatrix.bench.results`: round trip, schema version, errors at key paths."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from supportmatrix.bench import results
from supportmatrix.bench.results import BenchResultsError
from tests.unit.bench import bench_data


def test_a_document_survives_the_round_trip(tmp_path: Path) -> None:
    document = bench_data.synthetic_document()
    results.write(tmp_path / "results.json", document)
    assert results.load(tmp_path / "results.json") == document
    assert document["schema_version"] == results.SCHEMA_VERSION == 2


def _error(tmp_path: Path, document: object) -> str:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(BenchResultsError) as info:
        results.load(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


def test_another_schema_version_is_refused(tmp_path: Path) -> None:
    document = bench_data.synthetic_document()
    document["schema_version"] = 3
    assert "schema_version: 3, but this version of supportmatrix reads 1, 2" in _error(tmp_path, document)


def test_the_suites_own_results_file_is_not_taken_for_a_benchmark(tmp_path: Path) -> None:
    document = bench_data.synthetic_document()
    document["kind"] = "supportmatrix-results"
    assert "kind: 'supportmatrix-results'" in _error(tmp_path, document)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("records", 0, "status"), "slow", "records[0].status: unknown value 'slow'"),
        (("records", 0, "qubits"), "4", "records[0].qubits: expected int, got '4'"),
        (("records", 0, "wall_seconds", "median"), None, "records[0].wall_seconds.median: expected"),
        (("seed004", 1, "status"), "fast", "seed004[1].status: unknown value 'fast'"),
    ],
)
def test_schema_errors_name_the_key_path(tmp_path: Path, path: tuple, value: object, message: str) -> None:
    document = copy.deepcopy(bench_data.synthetic_document())
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert message in _error(tmp_path, document)


def test_missing_and_unreadable_files_are_one_line(tmp_path: Path) -> None:
    assert "missing" in _error(tmp_path, {"schema_version": 1})
    with pytest.raises(BenchResultsError, match="cannot read"):
        results.load(tmp_path / "absent.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(BenchResultsError, match="not JSON"):
        results.load(tmp_path / "bad.json")


def test_series_and_the_layer_structure() -> None:
    document = bench_data.synthetic_document()
    assert results.base_layers(document) == 2
    assert results.layer_qubits(document) == [8]
    line = results.series(
        document, device="default.qubit", diff_method="adjoint", interface="torch", layers=2
    )
    assert [n for n, _ in line] == list(bench_data.QUBITS)
    params = results.series(
        document, device="default.qubit", diff_method="adjoint", interface="torch", qubits=8
    )
    assert [p for p, _ in params] == [24, 48, 96]
    assert (
        results.series(
            document, device="lightning.qubit", diff_method="backprop", interface="torch", layers=2
        )
        == []
    )
