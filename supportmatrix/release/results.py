"""The results file: what one run observed, cell by cell, with the environment it ran in.

`pytest --supportmatrix-json` and `supportmatrix observe` both write it through
`build_document`; `render --from`, `diff` and `update` read it through `load_results`.
The format is `results.schema.json` (JSON Schema), versioned by ``schema_version``.
"""

from __future__ import annotations

import datetime
import functools
import json
import math
import platform
import subprocess
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from supportmatrix import __version__
from supportmatrix.matrix.model import Cell, Expectation, HybridCell, Matrix, ResolvedCell, ResolvedHybridCell
from supportmatrix.output import write_atomic

SCHEMA_VERSION = 1

#: A cell's status in a run: judged against matrix.yaml, or not judged at all.
STATUSES = ("pass", "fail", "skipped", "crashed")


class ResultsError(ValueError):
    """A results file that cannot be read or does not follow the schema; one line."""


def environment(*, versions: dict[str, str | None]) -> dict[str, Any]:
    """Where a run happened: interpreter, platform, package versions, suite version and commit."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": dict(versions),
        "supportmatrix": __version__,
        "commit": _git_commit(),
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


@functools.cache
def _git_commit() -> str | None:
    """The suite's commit when it runs from a git checkout, with ``+dirty`` for local edits."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"],
                                capture_output=True, text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None  # an installed copy, or no git: the version above still identifies it
    return commit + ("+dirty" if dirty else "")


def expectation_record(expectation: Expectation) -> dict[str, Any]:
    """A declared expectation as JSON."""
    error = expectation.error
    return {
        "outcome": expectation.outcome.value,
        "error": None if error is None else {
            "class": error.cls, "match": error.match.pattern, "stage": error.stage.value},
        "warnings": [{"category": w.category, "match": w.match.pattern} for w in expectation.warnings],
        "note": expectation.note,
    }


def axes_record(cell: Cell | HybridCell) -> dict[str, Any]:
    """A cell's axis values by name, for either family."""
    if isinstance(cell, HybridCell):
        return {"layer": cell.layer, "device": cell.device, "diff_method": cell.diff_method}
    return {"device": cell.device, "interface": cell.interface, "diff_method": cell.diff_method,
            "measurement": cell.measurement, "shots": cell.shots}


def hybrid_run_record(resolved: ResolvedHybridCell, run: Any, problems: list[str]) -> dict[str, Any]:
    """The record of a hybrid cell that ran (``run`` is a `hybrid.runner.HybridRun`), with its
    training run's epochs, accuracies, wall time and peak memory."""
    record = run_record(resolved, run, problems)
    training = run.training
    record["observed"]["training"] = None if training is None else {
        "epochs": training.epochs, "accuracies": list(training.accuracies),
        "wall_seconds": round(training.wall_seconds, 6),
        "peak_memory_bytes": training.peak_memory_bytes}
    return record


def run_record(resolved: ResolvedCell | ResolvedHybridCell, run: Any,
               problems: list[str]) -> dict[str, Any]:
    """The record of a cell that ran: ``run`` is a `runner.Run`, ``problems`` its mismatches."""
    observed = run.observed
    error = observed.error
    checks = [
        {"what": c.what, "criterion": c.criterion, "passed": c.passed,
         "max_abs_error": _finite(c.max_abs), "max_rel_error": _finite(c.max_rel)}
        for c in run.checks
    ]
    return {
        **_cell_header(resolved),
        "status": "fail" if problems else "pass",
        "observed": {
            "outcome": observed.outcome.value,
            "error": None if error is None else {
                "class": error.cls, "module": error.module, "message": error.message,
                "stage": error.stage.value},
            "warnings": [
                {"category": w.category, "message": w.message, "pennylane": w.pennylane}
                for w in run.warnings
            ],
            "checks": checks,
            "max_abs_error": _largest(c["max_abs_error"] for c in checks),
            "max_rel_error": _largest(c["max_rel_error"] for c in checks),
            "resolved_method": getattr(run, "resolved_method", None),
            "detail": observed.describe(),
        },
        "problems": list(problems),
        "seconds": round(run.seconds, 6),
    }


def unrun_record(resolved: ResolvedCell | ResolvedHybridCell, *, status: str, reason: str,
                 seconds: float | None = None) -> dict[str, Any]:
    """The record of a cell that was skipped, or crashed before it could report."""
    if status not in ("skipped", "crashed"):
        raise ValueError(f"status {status!r} is not one of 'skipped', 'crashed'")
    return {**_cell_header(resolved), "status": status, "observed": None,
            "problems": [] if status == "skipped" else [reason], "reason": reason,
            "seconds": seconds}


def _cell_header(resolved: ResolvedCell | ResolvedHybridCell) -> dict[str, Any]:
    return {"id": resolved.cell.id, "axes": axes_record(resolved.cell),
            "declared": expectation_record(resolved.expectation)}


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None  # JSON has no inf; None = shapes did not match


def _largest(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def build_document(matrix: Matrix, records: dict[str, dict[str, Any]], *,
                   versions: dict[str, str | None]) -> dict[str, Any]:
    """The whole results document, cells in matrix order (QNode cells, then hybrid cells);
    cells with no record are left out (deselected, e.g. by ``-k``) and counted in
    ``summary.not_run``."""
    order = [rc.cell.id for rc in matrix.cells]
    hybrid_order = [rc.cell.id for rc in matrix.hybrid_cells]
    unknown = sorted(set(records) - set(order) - set(hybrid_order))
    if unknown:
        raise ValueError(f"records for cells the matrix does not have: {', '.join(unknown[:5])}")
    cells = [records[cid] for cid in order if cid in records]
    hybrid = [records[cid] for cid in hybrid_order if cid in records]
    document = {
        "schema_version": SCHEMA_VERSION,
        "environment": environment(versions=versions),
        "matrix": {"path": matrix.path,
                   "axes": {axis: list(values) for axis, values in matrix.axes.items()},
                   "notes": dict(matrix.notes)},
        "summary": summarize(cells, total=len(order)),
        "cells": cells,
    }
    if hybrid_order:
        document["hybrid_summary"] = summarize(hybrid, total=len(hybrid_order))
        document["hybrid_cells"] = hybrid
    return document


def summarize(cells: list[dict[str, Any]], *, total: int) -> dict[str, Any]:
    """Counts by status and by observed outcome."""
    by_status = {s: 0 for s in STATUSES}
    by_outcome: dict[str, int] = {}
    for record in cells:
        by_status[record["status"]] += 1
        if record["observed"] is not None:
            outcome = record["observed"]["outcome"]
            by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
    return {"cells": len(cells), "not_run": total - len(cells), "status": by_status,
            "observed": dict(sorted(by_outcome.items()))}


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=False, allow_nan=False) + "\n"


@functools.cache
def schema() -> dict[str, Any]:
    """The JSON Schema of the results document."""
    return json.loads(resources.files("supportmatrix.release").joinpath("results.schema.json").read_text())


def validate(document: object, *, source: str) -> dict[str, Any]:
    """Raise `ResultsError` (naming ``source`` and the offending path) unless it follows the schema."""
    import jsonschema

    if isinstance(document, dict) and document.get("schema_version") != SCHEMA_VERSION:
        raise ResultsError(f"{source}: schema_version {document.get('schema_version')!r} is not "
                           f"supported; this supportmatrix reads version {SCHEMA_VERSION}")
    validator = jsonschema.Draft202012Validator(schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ResultsError(f"{source}: {where}: {error.message}")
    return document  # type: ignore[return-value]


def load_results(path: str | Path) -> dict[str, Any]:
    """Read and validate a results file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ResultsError(f"cannot read results {path}: {exc.strerror or exc}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    return validate(document, source=str(path))


def packages_of(document: dict[str, Any]) -> dict[str, str | None]:
    """The package versions a results document was observed with."""
    return dict(document["environment"]["packages"])


def write_results(path: str | Path, document: dict[str, Any]) -> None:
    write_atomic(Path(path), dumps(document))

