"""Unit tests for `supportmatrix.bench.report`, tables and answers: files written from synthetic data."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from supportmatrix.bench import answers, tables
from supportmatrix.bench.report import write_report
from tests.unit.bench import bench_data


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("bench-report")
    write_report(bench_data.synthetic_document(), target)
    return target


def test_the_report_writes_its_files(report_dir: Path) -> None:
    assert sorted(p.name for p in report_dir.iterdir()) == [
        "README.md",
        "crossovers.md",
        "medians.md",
        "memory-vs-qubits.svg",
        "results.json",
        "time-vs-params-n8.svg",
        "time-vs-qubits.svg",
    ]
    assert json.loads((report_dir / "results.json").read_text()) == bench_data.synthetic_document()


@pytest.mark.parametrize("name", ["time-vs-qubits.svg", "memory-vs-qubits.svg", "time-vs-params-n8.svg"])
def test_plots_are_valid_svg(report_dir: Path, name: str) -> None:
    root = ET.parse(report_dir / name).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Date" not in (report_dir / name).read_text()  # byte-stable: no timestamp


def test_the_page_has_every_section_and_links_the_plots(report_dir: Path) -> None:
    page = (report_dir / "README.md").read_text()
    for heading in (
        "## Machine and settings",
        "## Runs",
        "## Where each series stopped",
        "## Scaling exponents",
        "## Crossovers",
        "## Throughput against memory bandwidth",
        "## Seed 004's model",
        "## Configurations not measured",
        "## Answers to seed 004",
    ):
        assert heading in page
    assert "![time-vs-qubits.svg](time-vs-qubits.svg)" in page
    for key in "abc":
        assert f"<!-- generated from results.json: answer {key} -->" in page
    assert "| machine | testbox |" in page
    assert "| load average (1 min) | 0.50 at the start, 1.00–1.00 as the measurements started |" in page


def test_the_crossover_table_finds_the_synthetic_crossover(report_dir: Path) -> None:
    text = (report_dir / "crossovers.md").read_text()
    assert (
        "| default.qubit: adjoint vs backprop | torch | 2 | holds in all 1 run(s): "
        "backprop is faster from n = 4; "
        "adjoint from n = 10 (time adjoint / backprop: 1.68 at n = 8, 0.82 at n = 10); "
        "measured n = 4–14 |"
    ) in text
    assert "no crossover in the measured range: lightning.qubit adjoint is faster at every n" in text
    assert "parameter-shift" not in text  # not in the run: not compared


def test_refusals_are_listed_with_the_skipped_sizes() -> None:
    text = tables.status_table(bench_data.synthetic_document())
    assert (
        "| lightning.qubit | torch | backprop | 2 | refused | 4 | QuantumFunctionError: "
        "Device <lightning.qubit device (wires=4) at 0x…> does not support backprop | 5 |" in text
    )
    assert "| default.qubit |" not in text  # measured throughout


def test_the_answers_carry_the_measured_numbers() -> None:
    document = bench_data.synthetic_document()
    a = answers.answer_a(document)
    assert "adjoint from n = 10" in a and "adjoint / backprop = 6.00" in a
    b = answers.answer_b(document)
    assert b.startswith("At n = 14 (2 layer(s), torch)")
    assert "default.qubit backprop 1.80 cores busy" in b and "default.qubit adjoint 1.00" in b
    c = answers.answer_c(document)
    assert "lightning.qubit adjoint was the fastest in every run at n = 4–14" in c
    assert "fastest (median over the runs) was default.qubit backprop (1 s" in c


@pytest.mark.parametrize(
    ("values", "text"), [([], "none"), ([4], "4"), ([4, 6, 8, 12], "4–8, 12"), ([2, 3, 5], "2–3, 5")]
)
def test_ranges_compress_runs(values: list[int], text: str) -> None:
    assert answers.ranges(values) == text


@pytest.mark.parametrize(
    ("t", "text"), [(2.5, "2.5 s"), (0.0123, "12.3 ms"), (4.56e-5, "45.6 µs"), (None, "–")]
)
def test_seconds_pick_a_unit(t: float | None, text: str) -> None:
    assert tables.seconds(t) == text
