"""``supportmatrix observe``: run every cell, record what happened, never fail on a mismatch.

It runs the same tests as ``pytest`` does (`cell_tests`: every family of the default run,
and the families asked for), through pytest and xdist, so timeouts, crash isolation and the results file are
exactly those of a test run; only pytest's own output is replaced by a progress bar and
a summary.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import pytest

from supportmatrix.matrix.families import FAMILIES
from supportmatrix.release.codec import records_of
from supportmatrix.release.results import load_results


class Progress:
    """A pytest plugin object that draws one progress bar tick per finished cell, of
    either family."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        from tqdm import tqdm

        self.bar = tqdm(
            total=None, unit="cell", file=stream, disable=not enabled, dynamic_ncols=True, mininterval=0.5
        )
        self.mismatches = 0

    def _set_total(self, count: int) -> None:
        if self.bar.total is None:
            self.bar.total = count
            self.bar.refresh()

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if session.items:  # without xdist; with it, the controller collects nothing
            self._set_total(len(session.items))

    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self._set_total(len(ids))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        crashed = report.failed and report.when not in ("setup", "call", "teardown")
        if report.failed and report.when == "call":
            self.mismatches += 1
            self.bar.set_postfix(mismatches=self.mismatches, refresh=False)
        if report.when == "teardown" or crashed:
            self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _test_module_path() -> str:
    """The packaged test module's file, found without importing it: it is the entry point
    that runs cells, a layer above this one, and pytest imports it itself."""
    spec = importlib.util.find_spec("supportmatrix.cell_tests")
    assert spec is not None and spec.origin is not None  # shipped with the package
    return spec.origin


#: How pytest-split deals cells to shards: each cell to the shard with the least estimated
#: time so far, so the slow interfaces spread over every shard (the default keeps file
#: order in contiguous chunks, which puts all jax-jit cells in one shard).
SPLITTING_ALGORITHM = "least_duration"


def pytest_arguments(
    matrix: Path,
    output: Path,
    *,
    workers: str,
    select: str | None,
    shard: tuple[int, int] | None = None,
    families: tuple[str, ...] = (),
) -> list[str]:
    """The pytest command line `observe` runs, independent of any project's pytest config.

    An empty config file (``-c``) keeps the project's settings out, in particular
    ``filterwarnings = error``: a warning outside a cell must not stop a recording run.
    ``--assert=plain``: the cell test makes no asserts, and rewriting would warn that
    the already imported package cannot be rewritten. ``shard`` ``(K, N)`` runs the K-th
    of N shards (pytest-split, with durations from ``.test_durations`` in the working
    directory where present); `supportmatrix merge` joins the shards' files. ``families``
    names the families left out of a default run to run as well (``--qjit``).
    """
    args = [
        _test_module_path(),
        "-c",
        os.devnull,
        "--rootdir",
        os.getcwd(),
        "--matrix",
        str(matrix.absolute()),
        "--supportmatrix-json",
        str(output.absolute()),
        "--assert=plain",
        "-p",
        "no:cacheprovider",
        "-q",
        "--tb=no",
        "-rN",
        "--no-header",
        "-n",
        workers,
    ]
    args += [f"--{name}" for name in families]
    if shard is not None:
        args += [
            "--splits",
            str(shard[1]),
            "--group",
            str(shard[0]),
            "--splitting-algorithm",
            SPLITTING_ALGORITHM,
        ]
    return args + (["-k", select] if select else [])


def observe(
    matrix: Path,
    output: Path,
    *,
    workers: str = "auto",
    select: str | None = None,
    progress: bool = True,
    stream: TextIO = sys.stderr,
    shard: tuple[int, int] | None = None,
    families: tuple[str, ...] = (),
) -> tuple[int, str]:
    """Run the matrix and write ``output``; return pytest's exit code and pytest's output text."""
    bar = Progress(stream, progress)
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured):
            code = pytest.main(
                pytest_arguments(
                    matrix, output, workers=workers, select=select, shard=shard, families=families
                ),
                plugins=[bar],
            )
    finally:
        bar.close()
    return int(code), captured.getvalue()


def summary(output: Path, seconds: float, *, limit: int = 10) -> str:
    """What a finished run observed, read back from its results file: each recorded
    family's counts, then the differing cells."""
    document = load_results(output)
    recorded = [(f, document[f.summary_key]) for f in FAMILIES if f.summary_key in document]
    ran = [(f, s) for f, s in recorded if s["cells"]] or recorded[:1]
    counted = " and ".join(f"{s['cells']} {'' if not f.keypath else f.title + ' '}cells" for f, s in ran)
    lines = [f"observed {counted} in {seconds:.1f} s -> {output}"]
    idle = [f"{f.title} {s['not_run']}" for f, s in recorded if (f, s) not in ran]
    if idle:
        lines.append(f"  none selected of: {', '.join(idle)} cells")
    for family, counts in ran:
        prefix = "" if not family.keypath else f"{family.title} "
        lines += [
            f"  {prefix}outcomes: " + ", ".join(f"{k} {v}" for k, v in counts["observed"].items()),
            f"  {prefix}against matrix.yaml: "
            + ", ".join(f"{k} {v}" for k, v in counts["status"].items() if v),
        ]
        if counts["not_run"]:
            lines.append(f"  {prefix}not selected: {counts['not_run']}")
    differing = [r for r in records_of(document) if r.status in ("fail", "crashed")]
    for record in differing[:limit]:
        lines.append(f"  {record.status}: {record.id}: {record.problems[0]}")
    if len(differing) > limit:
        lines.append(
            f"  ... {len(differing) - limit} more; `supportmatrix diff declared {output}` lists them all"
        )
    return "\n".join(lines)


def run(
    matrix: Path,
    output: Path,
    *,
    workers: str,
    select: str | None,
    progress: bool,
    shard: tuple[int, int] | None = None,
    families: tuple[str, ...] = (),
) -> str:
    """Observe, and return the summary; `ObserveError` when no results file came out."""
    start = time.perf_counter()
    before = output.stat().st_mtime_ns if output.exists() else None
    code, text = observe(
        matrix, output, workers=workers, select=select, progress=progress, shard=shard, families=families
    )
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        raise ObserveError("no cells selected" + (f" by -k {select!r}" if select else ""))
    written = output.exists() and output.stat().st_mtime_ns != before
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not written:
        tail = " | ".join(line for line in text.strip().splitlines()[-3:])
        raise ObserveError(f"pytest stopped with exit code {code}: {tail or 'no output'}")
    return summary(output, time.perf_counter() - start)


class ObserveError(RuntimeError):
    """The run could not produce a results file."""
