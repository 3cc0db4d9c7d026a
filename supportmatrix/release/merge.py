"""``supportmatrix merge``: the results files of a sharded run combined into one.

A release check runs as N shards (``pytest --splits N --group K``, pytest-split), each
writing its own results file. Merging refuses, with one line, anything that would not
be one run: files from different environments (package versions, Python, the suite's
version) or matrix files (``matrix.sha256``), files that record the same cell twice, and
files that together miss a cell. The merged document is what one unsharded run writes:
every family's records in matrix order and the summaries counted again. Its environment
is the shards' (they agree on all of it but the platform string and the timestamp, of
which the first shard's platform and the earliest timestamp are kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from supportmatrix.matrix.families import FAMILIES
from supportmatrix.matrix.model import Matrix
from supportmatrix.release.codec import CellRecord, records_of
from supportmatrix.release.results import build_document, matrix_digest, packages_of


class MergeError(ValueError):
    """The files cannot be merged into one run; one line."""


#: Environment fields every shard must share: what decides how a cell behaves, and the
#: suite's own code.
SAME_ENVIRONMENT = ("python", "packages", "supportmatrix", "commit")


def merge_results(documents: Sequence[tuple[str, dict[str, Any]]], matrix: Matrix) -> dict[str, Any]:
    """One results document from the shards' ``(source, document)`` pairs, for ``matrix``
    (the matrix file they ran, whose digest they must all carry)."""
    if not documents:
        raise MergeError("no results files to merge")
    first_source, first = documents[0]
    expected_digest = matrix_digest(matrix.path)
    for source, document in documents:
        _same_run(source, document, first_source, first, expected_digest, matrix.path)
    records: dict[str, CellRecord] = {}
    where: dict[str, str] = {}
    for source, document in documents:
        for record in records_of(document):
            if record.id in records:
                raise MergeError(
                    f"{source} and {where[record.id]} both record cell {record.id}: shards must not overlap"
                )
            records[record.id] = record
            where[record.id] = source
    missing = [cell_id for cell_id in _cell_ids(matrix, documents) if cell_id not in records]
    if missing:
        raise MergeError(
            f"the {len(documents)} files miss {len(missing)} cells of "
            f"{matrix.path}, e.g. {missing[0]}: a shard is absent or was deselected"
        )
    merged = build_document(matrix, records, versions=packages_of(first))
    merged["environment"] = _environment([d for _, d in documents])
    return merged


def _same_run(
    source: str,
    document: dict[str, Any],
    first_source: str,
    first: dict[str, Any],
    digest: str | None,
    matrix_path: str,
) -> None:
    shard_digest = document["matrix"].get("sha256")
    if shard_digest is None:
        raise MergeError(f"{source} has no matrix digest (written before `merge` existed); re-run its shard")
    if shard_digest != digest:
        raise MergeError(
            f"{source} was run against another matrix than {matrix_path} "
            f"(sha256 {shard_digest[:12]}… vs {str(digest)[:12]}…)"
        )
    for key in SAME_ENVIRONMENT:
        if document["environment"][key] != first["environment"][key]:
            raise MergeError(
                f"{source} and {first_source} come from different environments: "
                f"{key} {_shown(document['environment'][key])} vs "
                f"{_shown(first['environment'][key])}"
            )


def _shown(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value)


def _cell_ids(matrix: Matrix, documents: Sequence[tuple[str, dict[str, Any]]]) -> list[str]:
    """The cells the shards must cover together: every family of the default run's, and
    those of any family run on request that some shard ran."""
    return [
        rc.cell.id
        for family in FAMILIES
        if family.runs_by_default or any(d.get(family.results_key) for _, d in documents)
        for rc in matrix.family(family.name).cells
    ]


def _environment(documents: list[dict[str, Any]]) -> dict[str, Any]:
    environment = dict(documents[0]["environment"])
    environment["timestamp"] = min(d["environment"]["timestamp"] for d in documents)
    return environment
