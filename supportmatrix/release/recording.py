"""Gather one record per cell, across pytest-xdist workers, into one results file.

Each cell's test attaches its record (as JSON: reports cross process boundaries) to the
report as a user property; reports
travel from the workers to the controller, where `ResultsRecorder` collects them
and writes the document at the end of the session. A cell whose report carries no
record was skipped, or crashed or timed out before it could attach one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from supportmatrix.matrix.families import FAMILIES
from supportmatrix.matrix.model import Matrix
from supportmatrix.matrix.versions import installed_versions
from supportmatrix.release.codec import CellRecord
from supportmatrix.release.results import build_document, write_results

#: The user-property name a cell's record travels under.
PROPERTY = "supportmatrix-record"
#: The markers of every family's cell tests (`plugin.pytest_collection_modifyitems`).
FAMILY_MARKERS = tuple(family.marker for family in FAMILIES)


def is_cell_report(report: pytest.TestReport) -> bool:
    """Whether ``report`` is a cell test's, by its family marker.

    Property tests are parametrized by cell ids too, and must not stand in for the cell.
    xdist's report for a crashed worker carries no keywords at all; it counts as a cell's
    when its id is one (``cell_id_of``).
    """
    return not report.keywords or any(marker in report.keywords for marker in FAMILY_MARKERS)


def cell_id_of(report: pytest.TestReport) -> str | None:
    """The parameter id of a report's test, which for a cell's test is the cell id.

    Not the ``matrix`` marker: xdist's report for a crashed worker carries no keywords.
    A ``@group`` suffix (xdist's loadgroup) is not part of the id.
    """
    nodeid = report.nodeid.rsplit("@", 1)[0] if "]@" in report.nodeid else report.nodeid
    if not nodeid.endswith("]") or "[" not in nodeid:
        return None
    return nodeid[nodeid.index("[") + 1 : -1]


class ResultsRecorder:
    """A pytest plugin object: collects records, writes the results file at session end."""

    def __init__(self, matrix: Matrix, path: Path) -> None:
        self.matrix = matrix
        self.path = path
        self.by_id = matrix.by_id()
        self.records: dict[str, CellRecord] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        cell_id = cell_id_of(report)
        if cell_id is None or cell_id not in self.by_id or not is_cell_report(report):
            return
        record = next((value for name, value in report.user_properties if name == PROPERTY), None)
        if record is not None:
            assert isinstance(record, dict), "the cell test records its CellRecord.to_json()"
            self.records[cell_id] = CellRecord.from_json(record)
        elif report.skipped and cell_id not in self.records:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            self.records[cell_id] = CellRecord.unrun(
                self.by_id[cell_id], status="skipped", reason=reason.removeprefix("Skipped: ")
            )
        elif report.failed and cell_id not in self.records:
            # Failed without a record: a timeout, a crashed worker, or an error in setup.
            text = report.longreprtext.strip().splitlines()
            reason = " | ".join(text[-3:]) if text else f"failed in {report.when}"
            self.records[cell_id] = CellRecord.unrun(
                self.by_id[cell_id], status="crashed", reason=reason, seconds=report.duration
            )

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        document = build_document(self.matrix, self.records, versions=installed_versions())
        write_results(self.path, document)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.write_line(f"supportmatrix: {len(self.records)} cell records written to {self.path}")
