"""Unit tests for ``supportmatrix bench``: bad input is one line and exit 2; --from only reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix import cli
from supportmatrix.bench import results
from tests.unit.bench import bench_data


def _one_line(err: str, fragment: str) -> None:
    __tracebackhide__ = True
    assert err.startswith("supportmatrix: error: ") and err.count("\n") == 1, err
    assert fragment in err, err


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--qubits", "1-4"], "--qubits: 1 is outside 2..30"),
        (["--devices", "default.gaussian"], "--devices: unknown value 'default.gaussian'"),
        (["--diff-methods", "spsa"], "--diff-methods: unknown value 'spsa'"),
        (["--interfaces", "tf"], "--interfaces: unknown value 'tf'; allowed: autograd, torch"),
        (["--layers", "0"], "--layers: 0 is outside 1..1000"),
        (["--budget", "fast"], "--budget: expected seconds, got 'fast'"),
        (["--timeout", "0"], "--timeout: expected a positive number"),
        (["--min-repeats", "5", "--max-repeats", "2"], "--max-repeats: expected a whole number >= 5"),
        (["--layers", "1,2", "--layers-at", "21"], "--layers-at: none of these qubit counts"),
        (["--runs", "0"], "--runs: expected a whole number >= 1, got '0'"),
        (["--order-seed", "-3"], "--order-seed: expected a whole number >= 0"),
        (["--max-load", "-1"], "--max-load: expected a positive number of seconds"),
        (["--load-wait", "soon"], "--load-wait: expected seconds, got 'soon'"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    argv: list[str], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["bench", *argv, "-o", str(tmp_path / "r.json")]) == 2
    _one_line(capsys.readouterr().err, fragment)
    assert not (tmp_path / "r.json").exists()


def test_nothing_to_write_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bench"]) == 2
    _one_line(capsys.readouterr().err, "give -o RESULTS, --report DIR, or both")


def test_an_unwritable_output_fails_before_measuring(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["bench", "-o", str(tmp_path / "absent" / "r.json")]) == 2
    _one_line(capsys.readouterr().err, "is not a writable directory")


@pytest.mark.parametrize(
    "argv", [["--from", "x.json"], ["--from", "x.json", "--report", "d", "-o", "y.json"]]
)
def test_from_goes_with_report_alone(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bench", *argv]) == 2
    _one_line(capsys.readouterr().err, "--from only regenerates a report")


def test_a_bad_results_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "r.json").write_text('{"schema_version": 9}', encoding="utf-8")
    assert cli.main(["bench", "--report", str(tmp_path / "d"), "--from", str(tmp_path / "r.json")]) == 2
    _one_line(capsys.readouterr().err, "r.json: kind: missing")


def test_a_run_writes_the_results_then_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The measuring itself is test_bench_run's and test_bench_worker's; here only the order
    # of the outputs, and -o inside the --report folder, which does not exist yet.
    from supportmatrix.bench import report, run

    document = bench_data.synthetic_document()
    seen: list[str] = []
    monkeypatch.setattr(run, "run_benchmark", lambda configs, settings, **kw: document)
    monkeypatch.setattr(
        report,
        "write_report",
        lambda doc, directory: seen.append((Path(directory) / "results.json").read_text()) or [],
    )
    target = tmp_path / "docs" / "bench"
    assert (
        cli.main(["bench", "--qubits", "2", "--report", str(target), "-o", str(target / "results.json")]) == 0
    )
    assert seen == [results.dumps(document)]


def test_report_from_a_results_file_measures_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The report's own files are test_bench_report's; here only what the CLI hands it.
    from supportmatrix.bench import report, run

    written: list[tuple[dict, str]] = []
    monkeypatch.setattr(
        report, "write_report", lambda document, directory: written.append((document, directory)) or []
    )
    monkeypatch.setattr(run, "run_benchmark", lambda *a, **k: pytest.fail("measured"))
    results.write(tmp_path / "r.json", bench_data.synthetic_document())
    assert cli.main(["bench", "--report", str(tmp_path / "docs"), "--from", str(tmp_path / "r.json")]) == 0
    assert written == [(bench_data.synthetic_document(), str(tmp_path / "docs"))]
    assert "wrote 0 files" in capsys.readouterr().err


def test_the_run_records_the_command_that_repeats_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from supportmatrix.bench import run

    seen: dict[str, object] = {}

    def fake(configs: object, settings: run.Settings, **kw: object) -> dict:
        seen.update(kw, settings=settings)
        return bench_data.synthetic_document()

    monkeypatch.setattr(run, "run_benchmark", fake)
    out = tmp_path / "r.json"
    assert cli.main(["bench", "--qubits", "2-6", "--runs", "3", "--max-load", "0.8", "-o", str(out)]) == 0
    settings = seen["settings"]
    assert isinstance(settings, run.Settings) and settings.runs == 3 and settings.gate is not None
    assert settings.gate.threshold == 0.8 and settings.memory_limit is not None
    command = str(seen["command"])
    assert command.startswith("supportmatrix bench --devices default.qubit,lightning.qubit,")
    assert "--qubits 2-6 " in command and "--runs 3 " in command and "--max-load 0.8 " in command
    assert command.endswith(f"-o {out}")
