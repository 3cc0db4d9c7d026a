"""The results file: what one run observed, cell by cell, with the environment it ran in.

`pytest --supportmatrix-json` and `supportmatrix observe` both write it through
`build_document`, from `codec.CellRecord`s; `render --from`, `diff` and `update` read it
through `load_results`, and its records through `codec.records_of`.
The format is `results.schema.json` (JSON Schema), versioned by ``schema_version``.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import platform
import subprocess
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from supportmatrix import __version__
from supportmatrix.matrix.families import FAMILIES, TOP_LEVEL, Family
from supportmatrix.matrix.model import Matrix
from supportmatrix.output import write_atomic
from supportmatrix.release.codec import STATUSES, CellRecord, axes_json, cell_from_axes

SCHEMA_VERSION = 1


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
        commit = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None  # an installed copy, or no git: the version above still identifies it
    return commit + ("+dirty" if dirty else "")


def build_document(
    matrix: Matrix, records: Mapping[str, CellRecord], *, versions: dict[str, str | None]
) -> dict[str, Any]:
    """The whole results document, every family's cells in matrix order under its own keys
    (`families.Family.results_key`); cells with no record are left out (deselected, e.g. by
    ``-k``) and counted in its summary's ``not_run``. A family left out of the default run
    appears only when the run recorded some of its cells."""
    unknown = sorted(set(records) - set(matrix.by_id()))
    if unknown:
        raise ValueError(f"records for cells the matrix does not have: {', '.join(unknown[:5])}")
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "environment": environment(versions=versions),
        "matrix": {
            "path": matrix.path,
            # the top-level family's axes; the others' are read off their cells
            "axes": {axis: list(values) for axis, values in matrix.family(TOP_LEVEL.name).axes.items()},
            "notes": dict(matrix.notes),
            **({"sha256": digest} if (digest := matrix_digest(matrix.path)) else {}),
        },
    }
    for family in FAMILIES:
        if family.name not in matrix.families:
            continue
        cells = matrix.family(family.name)
        recorded = [records[rc.cell.id] for rc in cells.cells if rc.cell.id in records]
        if not recorded and not family.runs_by_default:
            continue
        document[family.summary_key] = summarize(recorded, total=len(cells.cells))
        document[family.results_key] = [r.to_json() for r in recorded]
        if cells.not_applicable:  # not tests, never records: kept for the run's tables
            document[not_applicable_key(family)] = [
                {"id": na.cell.id, "axes": axes_json(na.cell), "note": na.note} for na in cells.not_applicable
            ]
    return document


def not_applicable_key(family: Family) -> str:
    """Where a results file lists a family's cells declared not applicable."""
    return family.results_key.removesuffix("_cells") + "_not_applicable"


def matrix_digest(path: str | Path) -> str | None:
    """The SHA-256 of the matrix file's bytes, which names the cells and declarations a run
    judged against (with the package versions); None when there is no such file."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def summarize(records: list[CellRecord], *, total: int) -> dict[str, Any]:
    """Counts by status and by observed outcome."""
    by_status = dict.fromkeys(STATUSES, 0)
    by_outcome: dict[str, int] = {}
    for record in records:
        by_status[record.status] += 1
        if record.observation is not None:
            outcome = record.observation.observed.outcome.value
            by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
    return {
        "cells": len(records),
        "not_run": total - len(records),
        "status": by_status,
        "observed": dict(sorted(by_outcome.items())),
    }


def dumps(document: dict[str, Any]) -> str:
    """The document as the text of a results file."""
    return json.dumps(document, indent=1, sort_keys=False, allow_nan=False) + "\n"


@functools.cache
def schema() -> dict[str, Any]:
    """The JSON Schema of the results document."""
    return json.loads(resources.files("supportmatrix.release").joinpath("results.schema.json").read_text())


def validate(document: object, *, source: str) -> dict[str, Any]:
    """Raise `ResultsError` (naming ``source`` and the offending path) unless it follows the schema."""
    import jsonschema

    if isinstance(document, dict) and document.get("schema_version") != SCHEMA_VERSION:
        raise ResultsError(
            f"{source}: schema_version {document.get('schema_version')!r} is not "
            f"supported; this supportmatrix reads version {SCHEMA_VERSION}"
        )
    validator = jsonschema.Draft202012Validator(schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ResultsError(f"{source}: {where}: {error.message}")
    assert isinstance(document, dict), "the schema's top level is an object"
    _check_axes(document, source=source)
    return document


def _check_axes(document: dict[str, Any], *, source: str) -> None:
    # What the schema cannot say: a record's axes are its family's, and name its id.
    for family in FAMILIES:
        key, names = family.results_key, family.axis_names
        for index, record in enumerate(document.get(key, ())):
            if tuple(record["axes"]) != names:
                raise ResultsError(
                    f"{source}: {key}/{index}/axes: {', '.join(record['axes'])}, but a "
                    f"{family.title} cell has the axes {', '.join(names)}"
                )
            cell_id = cell_from_axes(record["axes"]).id
            if record["id"] != cell_id:
                raise ResultsError(
                    f"{source}: {key}/{index}/id: {record['id']!r}, but its axes make {cell_id!r}"
                )


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
    """Write the document to ``path`` atomically."""
    write_atomic(Path(path), dumps(document))
