"""The benchmark's results file: its schema version, writing it, reading it back checked, and its series.

One JSON document: ``machine`` (`machine.machine_info`), ``settings`` (the options and the
circuit), ``bandwidth`` (`bandwidth.measure_bandwidth`), ``records`` (one per configuration,
whatever its status) and ``seed004`` (one per seed-004 configuration). `--report` reads only
this file, so a report can be regenerated without measuring again; a file of another schema
version is refused with one line rather than misread.

Schema 2 adds repeated runs: every record carries ``run`` (0 to ``settings.runs`` - 1), and
`run_document` gives one run as a document of its own. A schema-1 file is one run (run 0).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from supportmatrix.output import write_atomic

SCHEMA_VERSION = 2
#: Versions this module reads: 1 is a single run whose records carry no ``run``.
READABLE_VERSIONS: tuple[int, ...] = (1, 2)
KIND = "supportmatrix-bench"
#: ok: measured; refused: raised while building or on the first call; timed-out: over
#: ``--timeout``; crashed: the child died; skipped: a smaller size of its series was not ok.
STATUSES: tuple[str, ...] = ("ok", "refused", "timed-out", "crashed", "skipped")
_TOP = {
    "schema_version": int,
    "kind": str,
    "machine": dict,
    "settings": dict,
    "bandwidth": dict,
    "records": list,
    "seed004": list,
}
_RECORD = {
    "device": str,
    "diff_method": str,
    "interface": str,
    "qubits": int,
    "layers": int,
    "params": int,
    "gates": int,
    "status": str,
}
_OK = {
    "first_call_seconds": float,
    "repeats": int,
    "repeat_seconds": float,
    "wall_seconds": dict,
    "cpu_per_wall": float,
    "memory": dict,
}
_SEED = {"device": str, "diff_method": str, "status": str}


class BenchResultsError(ValueError):
    """A results file that cannot be read or does not follow the schema; one line."""


def build(
    *,
    machine: dict[str, Any],
    settings: dict[str, Any],
    bandwidth: dict[str, Any],
    records: list[dict[str, Any]],
    seed004: list[dict[str, Any]],
) -> dict[str, Any]:
    """The results document."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        "machine": machine,
        "settings": settings,
        "bandwidth": bandwidth,
        "records": records,
        "seed004": seed004,
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1) + "\n"


def write(path: str | Path, document: dict[str, Any]) -> None:
    """Write the document atomically, after checking it as a reader would."""
    validate(document, source=str(path))
    write_atomic(Path(path), dumps(document))


def load(path: str | Path) -> dict[str, Any]:
    """Read and check a results file; `BenchResultsError` with one line otherwise."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BenchResultsError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BenchResultsError(f"{path}: not JSON: {exc}") from None
    return validate(document, source=str(path))


def validate(document: object, *, source: str) -> dict[str, Any]:
    """``document`` itself if it follows the schema; else `BenchResultsError` at a key path."""
    _fields(document, _TOP, source=source, at="")
    assert isinstance(document, dict)
    if document["kind"] != KIND:
        raise BenchResultsError(
            f"{source}: kind: {document['kind']!r}, but a benchmark results file says {KIND!r}"
        )
    if document["schema_version"] not in READABLE_VERSIONS:
        raise BenchResultsError(
            f"{source}: schema_version: {document['schema_version']}, but "
            f"this version of supportmatrix reads {', '.join(map(str, READABLE_VERSIONS))}"
        )
    run_field = {"run": int} if document["schema_version"] >= 2 else {}
    for k, record in enumerate(document["records"]):
        at = f"records[{k}]."
        _fields(record, {**_RECORD, **run_field}, source=source, at=at)
        _status(record, source=source, at=at)
        if record["status"] == "ok":
            _fields(record, _OK, source=source, at=at)
            _fields(
                record["wall_seconds"],
                dict.fromkeys(("median", "q1", "q3", "min", "max"), float),
                source=source,
                at=at + "wall_seconds.",
            )
    for k, record in enumerate(document["seed004"]):
        _fields(record, {**_SEED, **run_field}, source=source, at=f"seed004[{k}].")
        _status(record, source=source, at=f"seed004[{k}].")
    return document


def _fields(value: object, fields: Mapping[str, type], *, source: str, at: str) -> None:
    if not isinstance(value, dict):
        raise BenchResultsError(f"{source}: {at.rstrip('.') or 'document'}: expected an object")
    for key, kind in fields.items():
        if key not in value:
            raise BenchResultsError(f"{source}: {at}{key}: missing")
        ok = isinstance(value[key], (int, float)) if kind is float else isinstance(value[key], kind)
        if not ok or (kind is int and isinstance(value[key], bool)):
            raise BenchResultsError(f"{source}: {at}{key}: expected {kind.__name__}, got {value[key]!r}")


def _status(record: dict[str, Any], *, source: str, at: str) -> None:
    if record["status"] not in STATUSES:
        raise BenchResultsError(
            f"{source}: {at}status: unknown value {record['status']!r}; allowed: {', '.join(STATUSES)}"
        )


# --------------------------------------------------------------------------- series


def ok_records(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in document["records"] if r["status"] == "ok"]


def axis_values(records: Iterable[dict[str, Any]], axis: str) -> list[Any]:
    """The values an axis takes in ``records``, in first-seen order (numbers sorted)."""
    values = list(dict.fromkeys(r[axis] for r in records))
    return sorted(values) if all(isinstance(v, int) for v in values) else values


def select(
    document: dict[str, Any],
    *,
    device: str,
    diff_method: str,
    interface: str,
    layers: int | None = None,
    qubits: int | None = None,
) -> list[tuple[int, dict[str, Any]]]:
    """The ok records of one line: (qubits, record) at fixed ``layers``, or (params, record)
    at fixed ``qubits``, sorted."""
    chosen = []
    for r in ok_records(document):
        if (r["device"], r["diff_method"], r["interface"]) != (device, diff_method, interface):
            continue
        if layers is not None and r["layers"] == layers:
            chosen.append((r["qubits"], r))
        elif qubits is not None and r["qubits"] == qubits:
            chosen.append((r["params"], r))
    return sorted(chosen, key=lambda item: item[0])


def series(
    document: dict[str, Any],
    *,
    device: str,
    diff_method: str,
    interface: str,
    layers: int | None = None,
    qubits: int | None = None,
    value: str = "median",
) -> list[tuple[int, float]]:
    """(x, value) of one line (`select`); ``value`` is a key of ``wall_seconds``, or
    ``peak_memory`` (records whose memory could not be measured are left out)."""
    points = []
    for x, r in select(
        document, device=device, diff_method=diff_method, interface=interface, layers=layers, qubits=qubits
    ):
        y = r["memory"]["peak_growth_bytes"] if value == "peak_memory" else r["wall_seconds"][value]
        if y is not None:
            points.append((x, float(y)))
    return points


def base_layers(document: dict[str, Any]) -> int | None:
    """The layer count measured at every qubit count (the qubit series' own): the smallest
    such, or None when no records were measured."""
    records = document["records"]
    qubits = set(axis_values(records, "qubits"))
    full = [
        layer
        for layer in axis_values(records, "layers")
        if {r["qubits"] for r in records if r["layers"] == layer} == qubits
    ]
    return min(full, default=None)


def layer_qubits(document: dict[str, Any]) -> list[int]:
    """Qubit counts measured at two layer counts or more: where the parameter series are."""
    records = document["records"]
    return [
        n
        for n in axis_values(records, "qubits")
        if len({r["layers"] for r in records if r["qubits"] == n}) >= 2
    ]


# --------------------------------------------------------------------------- runs


def run_ids(document: dict[str, Any]) -> list[int]:
    """The runs of a document, in order (``[0]`` for a single run)."""
    return sorted({r.get("run", 0) for r in (*document["records"], *document["seed004"])}) or [0]


def run_document(document: dict[str, Any], run: int) -> dict[str, Any]:
    """The document as if only run ``run`` had been measured: same keys, its records alone."""
    return {
        **document,
        "records": [r for r in document["records"] if r.get("run", 0) == run],
        "seed004": [r for r in document["seed004"] if r.get("run", 0) == run],
    }
