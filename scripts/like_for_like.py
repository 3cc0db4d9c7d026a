"""Which cells of this suite judge the configuration each PennyLane 0.45.1 support test runs.

PennyLane's ``tests/docs/test_supported_confs.py`` (kept in ``benchmarks/pennylane-0.45.1/``)
runs every test on ``default.qubit`` and names a configuration by its parameters: the
interface, the diff method, the return type, the shots (None or 100) and the wires (2 or
3). Some tests fix an axis in their name instead of a parameter (``test_all_adjoint_exp``
is adjoint; ``test_all_sample_finite_shots`` is ``Sample`` at 100 shots): `FIXED_AXES`
says which. A configuration maps to the QNode cell with the same device, interface, diff
method and measurement, analytic for ``shots=None`` and at the matrix's finite shot count
(10000) for ``shots=100``: the suite's cells judge "finite shots" at the one count its
noise bounds are derived for. Both wire counts, and both ``StateCost`` (the gradient of a
cost of the state) and ``StateVector`` (the state's Jacobian), land on one cell, which
checks the state and its Jacobian against the oracle. A test whose configuration has no
cell in the matrix is listed with the reason, never dropped.

`pair` does the mapping from the tests' collected parameters (`collect_plugin` writes
them) and `rows` adds up each configuration's cost on either side for the paired table
`scripts/suite_speed.py` prints.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

from supportmatrix.matrix.model import QNodeCell

#: PennyLane's return types -> the measurement axis value that measures the same thing.
RETURN_TYPES: Mapping[str, str] = {
    "StateCost": "state",
    "StateVector": "state",
    "DensityMatrix": "density_matrix",
    "Probability": "probs",
    "Sample": "sample",
    "Expectation": "expval",
    "Hermitian": "expval_hermitian",
    "Projector": "expval_projector",
    "Variance": "var",
    "VnEntropy": "vn_entropy",
    "MutualInfo": "mutual_info",
}

#: The axes a test fixes by its function instead of a parameter.
FIXED_AXES: Mapping[str, Mapping[str, Any]] = {
    "test_all_device": {"diff_method": "device"},
    "test_none_all": {"interface": None},
    "test_all_backprop_none_shots": {"diff_method": "backprop", "shots": None},
    "test_all_backprop_finite_shots": {"diff_method": "backprop", "shots": 100},
    "test_all_adjoint_nonexp": {"diff_method": "adjoint"},
    "test_all_adjoint_exp": {"diff_method": "adjoint"},
    "test_all_paramshift_nonstate": {"diff_method": "parameter-shift"},
    "test_all_paramshift_state": {"diff_method": "parameter-shift"},
    "test_all_sample_none_shots": {"return_type": "Sample", "shots": None},
    "test_all_sample_finite_shots": {"return_type": "Sample", "shots": 100},
    "test_autograd_state_backprop": {
        "interface": "autograd",
        "diff_method": "backprop",
        "return_type": "StateVector",
        "shots": None,
    },
    "test_all_state_backprop": {"diff_method": "backprop", "return_type": "StateVector", "shots": None},
}

#: The only device PennyLane's file runs.
DEVICE = "default.qubit"
_AXES = ("interface", "diff_method", "return_type", "shots")


@dataclass(frozen=True)
class Test:
    """One collected PennyLane test: its node id, function and parameters."""

    nodeid: str
    function: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Unmapped:
    """A PennyLane test that judges no cell of this suite, and why."""

    nodeid: str
    reason: str


def configuration(test: Test, *, finite_shots: int) -> QNodeCell:
    """The configuration ``test`` runs, as the QNode cell that judges it; `KeyError` says which
    axis the test leaves open or names a value this mapping does not know."""
    axes = {**test.params, **FIXED_AXES.get(test.function, {})}
    missing = [axis for axis in _AXES if axis not in axes]
    if missing:
        raise KeyError(f"{test.function} sets no {', '.join(missing)}")
    if axes["return_type"] not in RETURN_TYPES:
        raise KeyError(f"return type {axes['return_type']!r} has no measurement")
    return QNodeCell(
        device=DEVICE,
        interface="None" if axes["interface"] is None else str(axes["interface"]),
        diff_method=str(axes["diff_method"]),
        measurement=RETURN_TYPES[axes["return_type"]],
        shots=None if axes["shots"] is None else finite_shots,
    )


def pair(
    tests: Iterable[Test], cell_ids: Sequence[str], *, finite_shots: int
) -> tuple[dict[QNodeCell, list[str]], list[Unmapped]]:
    """Each configuration with a cell in ``cell_ids`` (in their order) -> the node ids of the
    tests that run it, and the tests that map to no cell of ``cell_ids``, with the reason."""
    order = {cell: index for index, cell in enumerate(cell_ids)}
    by_configuration: dict[QNodeCell, list[str]] = {}
    unmapped = []
    for test in tests:
        try:
            conf = configuration(test, finite_shots=finite_shots)
        except KeyError as exc:
            unmapped.append(Unmapped(test.nodeid, str(exc.args[0])))
            continue
        if conf.id not in order:
            unmapped.append(Unmapped(test.nodeid, f"the matrix has no cell {conf.id}"))
            continue
        by_configuration.setdefault(conf, []).append(test.nodeid)
    return dict(sorted(by_configuration.items(), key=lambda kv: order[kv[0].id])), unmapped


@dataclass(frozen=True)
class Row:
    """The cost of one group of configurations on either side of the paired run (seconds)."""

    label: str
    configurations: int
    tests: int
    pennylane_seconds: float
    suite_seconds: float

    @property
    def ratio(self) -> float:
        return self.suite_seconds / self.pennylane_seconds if self.pennylane_seconds else float("inf")


def rows(
    pairs: Mapping[QNodeCell, Sequence[str]],
    pennylane: Mapping[str, float],
    suite: Mapping[str, float],
    *,
    by: str = "interface diff_method",
) -> list[Row]:
    """The paired rows, one per value of the axes ``by`` names (space-separated), from each
    side's per-test seconds: by node id for PennyLane's tests, by cell id for the suite's.
    A test with no time on either side raises `KeyError`: a paired figure needs both."""
    axes = by.split()
    groups: dict[str, list[QNodeCell]] = {}
    for conf in pairs:
        groups.setdefault(" ".join(str(getattr(conf, axis)) for axis in axes), []).append(conf)
    return [
        Row(
            label,
            len(confs),
            sum(len(pairs[c]) for c in confs),
            sum(pennylane[n] for c in confs for n in pairs[c]),
            sum(suite[c.id] for c in confs),
        )
        for label, confs in groups.items()
    ]


def total(table: Sequence[Row]) -> Row:
    """All rows added up."""
    return Row(
        "all",
        sum(r.configurations for r in table),
        sum(r.tests for r in table),
        sum(r.pennylane_seconds for r in table),
        sum(r.suite_seconds for r in table),
    )


def markdown(table: Sequence[Row], header: str) -> str:
    """The rows and their total as a Markdown table, ``header`` naming the group column."""
    lines = [
        f"| {header} | configurations | PennyLane tests | PennyLane s | supportmatrix s | per configuration, PennyLane / supportmatrix ms | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*table, total(table)]:
        label = f"**{r.label}**" if r.label == "all" else r.label
        lines.append(
            f"| {label} | {r.configurations} | {r.tests} | {r.pennylane_seconds:.2f} | "
            f"{r.suite_seconds:.2f} | {1000 * r.pennylane_seconds / r.configurations:.0f} / "
            f"{1000 * r.suite_seconds / r.configurations:.0f} | {r.ratio:.2f} |"
        )
    return "\n".join(lines)


def read_tests(path: Path) -> list[Test]:
    """The tests `params_plugin` wrote."""
    return [Test(t["nodeid"], t["function"], t["params"]) for t in json.loads(path.read_text("utf-8"))]


def test_seconds(timeline: Path) -> dict[str, float]:
    """Each test's process CPU seconds (setup and teardown included) from the
    `timeline_plugin` record of a run without xdist."""
    record = json.loads((timeline / "controller.json").read_text("utf-8"))
    return {nodeid: cpu for nodeid, _start, _end, cpu in record["tests"]}


def cell_of(nodeid: str) -> str:
    """The cell id of a cell test's node id (``tests/test_qnode.py::test_qnode_cell[ID]``)."""
    return nodeid[nodeid.index("[") + 1 : -1]


def medians(rounds: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Each test's median seconds over the rounds that ran it."""
    names = dict.fromkeys(name for r in rounds for name in r)
    return {name: median(r[name] for r in rounds if name in r) for name in names}
