"""Unit tests for ``supportmatrix recommend``: exit codes, one-line errors, the text and JSON forms, --held-out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportmatrix import cli
from supportmatrix.bench import results
from tests.unit.bench import recommend_data

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    """--matrix and --results of a small matrix on which lightning adjoint is fastest but
    declared incorrect for torch's expval."""
    rule = recommend_data.incorrect("{device: lightning.qubit, interface: torch, diff_method: adjoint}")
    matrix = recommend_data.write_matrix(tmp_path, rule, features=recommend_data.FEATURES)
    results.write(tmp_path / "r.json", recommend_data.document())
    return ["--matrix", str(matrix), "--results", str(tmp_path / "r.json")]


def _one_line(err: str, fragment: str) -> None:
    __tracebackhide__ = True
    assert err.startswith("supportmatrix: error: ") and err.count("\n") == 1, err
    assert fragment in err, err


def test_text_answer(files: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["recommend", "--qubits", "8", "--layers", "2", "--interface", "torch", *files]) == 0
    out = capsys.readouterr().out
    assert out.startswith("8 qubits, 48 parameters, torch, expval, analytic, first derivative\n")
    table = out.split("\n\n")[1].splitlines()
    assert table[0].split() == [
        "rank",
        "device",
        "diff",
        "method",
        "time",
        "memory",
        "mem",
        "rank",
        "caveats",
    ]
    assert table[1].split()[:3] == ["1", "default.qubit", "backprop"]
    assert "gives wrong gradients, avoid: lightning.qubit adjoint (incorrect, note wrong-grad)" in out
    assert "not available: lightning.qubit backprop (errors, note no-backprop)" in out
    assert out.rstrip().splitlines()[-1].startswith("Use default.qubit backprop (")


def test_json_answer(files: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "recommend",
        "--qubits",
        "8",
        "--params",
        "48",
        "--interface",
        "torch",
        "--format",
        "json",
        *files,
    ]
    assert cli.main(argv) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["request"]["params"] == 48 and answer["request"]["shots"] is None
    ranked = [(r["device"], r["diff_method"]) for r in answer["ranked"]]
    assert ranked == [("default.qubit", "backprop"), ("default.qubit", "adjoint")]
    assert [r["memory_rank"] for r in answer["ranked"]] == [1, 2]
    assert all(r["outcome"] == "supported" for r in answer["ranked"])
    assert answer["avoid"][0]["cells"] == ["lightning.qubit-torch-adjoint-expval-analytic"]
    assert answer["ranked"][0]["seconds"] == pytest.approx(48 * (2e-5 + 2e-8 * 2**8), rel=1e-6)
    assert answer["ranked"][0]["extrapolated"] == [] and answer["ranked"][0]["measured_under_load"] is False
    assert answer["advice"].startswith("Use default.qubit backprop")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--interface", "tf"], "--interface: unknown value 'tf'; allowed: torch, jax"),
        (["--interface", "jax"], "the benchmark measured no configuration of interface jax"),
        (["--interface", "torch", "--format", "xml"], "--format: unknown value 'xml'; allowed: text, json"),
        (
            ["--interface", "torch", "--shots", "many"],
            "--shots: expected None or a shot count >= 1, got 'many'",
        ),
        (["--interface", "torch", "--device", "default.mixed"], "--device: unknown value 'default.mixed'"),
        (
            ["--interface", "torch", "--derivative", "second", "--measurement", "var"],
            "second derivatives of var",
        ),
        (["--interface", "torch", "--layers", "2"], "give one of --params P and --layers L"),
        (["--params", "0", "--interface", "torch"], "--params: expected a whole number >= 1, got '0'"),
    ],
)
def test_bad_requests_are_one_line_and_exit_2(
    files: list[str], argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    size = [] if "--params" in argv else ["--params", "48"]
    assert cli.main(["recommend", "--qubits", "8", *size, *argv, *files]) == 2
    _one_line(capsys.readouterr().err, fragment)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--params", "4", "--interface", "torch"], "--qubits is required (or give --held-out)"),
        (["--qubits", "4", "--params", "4"], "--interface is required"),
        (["--held-out", "--results", "missing.json"], "cannot read missing.json"),
        (
            ["--qubits", "4", "--params", "4", "--interface", "torch", "--matrix", "missing.yaml"],
            "missing.yaml",
        ),
    ],
)
def test_missing_input_is_one_line_and_exit_2(
    argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert cli.main(["recommend", *argv]) == 2
    _one_line(capsys.readouterr().err, fragment)


def test_held_out_prints_each_configuration(files: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["recommend", "--held-out", *files]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:4] == ["device", "diff", "method", "interface"]
    assert len(lines) == 2 + 3 + 1  # a line per configuration and the total
    assert lines[-1].split()[:2] == ["all", "18"]
    assert cli.main(["recommend", "--held-out", "--format", "json", *files]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["sizes"] for r in rows} == {6} and max(max(r["time_errors"]) for r in rows) < 1e-6


def test_the_committed_matrix_and_results_never_recommend_a_declared_wrong_gradient(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # matrix.yaml declares lightning.qubit's torch expval gradients incorrect (float32).
    monkeypatch.chdir(ROOT)
    argv = ["recommend", "--qubits", "12", "--params", "200", "--interface", "torch", "--format", "json"]
    assert cli.main(argv) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["ranked"] and all(r["device"] != "lightning.qubit" for r in answer["ranked"])
    assert {"lightning.qubit"} == {a["device"] for a in answer["avoid"]}


def test_device_files_add_their_devices(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    argv = [
        "recommend",
        "--qubits",
        "8",
        "--layers",
        "2",
        "--interface",
        "torch",
        "--device",
        "lightning.kokkos",
    ]
    assert cli.main(argv) == 2
    _one_line(capsys.readouterr().err, "a device of devices/*.yaml needs its file: --matrix matrix.yaml FILE")
    # With its file the device is known, and the committed benchmark measured it with torch;
    # its file declares every torch method wrong there, so nothing is recommended.
    assert cli.main([*argv, "--matrix", "matrix.yaml", "devices/lightning.kokkos.yaml"]) == 0
    out = capsys.readouterr().out
    assert "avoid: lightning.kokkos best (incorrect, note lightning-torch-float32)" in out
    assert "Nothing to recommend: no configuration the benchmark measured is declared supported" in out
    # Not with jax: one line naming what was measured.
    jax = [*argv[:6], "jax", *argv[7:], "--matrix", "matrix.yaml", "devices/lightning.kokkos.yaml"]
    assert cli.main(jax) == 2
    _one_line(capsys.readouterr().err, "measured no configuration of interface jax on lightning.kokkos")
    both = [
        *argv[:-1],
        "lightning.kokkos,default.qubit",
        "--matrix",
        "matrix.yaml",
        "devices/lightning.kokkos.yaml",
    ]
    assert cli.main(both) == 0
    assert "supported, not benchmarked: default.qubit best" in capsys.readouterr().out
