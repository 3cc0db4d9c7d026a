"""The measurements a cell can end in: one record each, with its builder, source text and label.

`MEASUREMENTS` is the registry the circuits build from, the reproduction snippets quote and
the tables label columns with; a unit test holds it equal to the measurement axis of
`matrix.model.KNOWN_AXIS_VALUES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: A fixed complex Hermitian observable on both circuit wires.
HERMITIAN = np.array(
    [
        [1.0, 0.3 - 0.2j, 0.0, 0.5],
        [0.3 + 0.2j, -0.4, 0.1j, 0.0],
        [0.0, -0.1j, 0.7, 0.2],
        [0.5, 0.0, 0.2, -1.1],
    ]
)
#: The basis state the projector measures, |01>.
PROJECTOR_STATE = (0, 1)


@dataclass(frozen=True)
class MeasurementKind:
    """One value of the measurement axis."""

    name: str
    #: Builds the measurement inside a QNode, given the ``pennylane`` module.
    build: Callable[[Any], Any]
    #: The same measurement as Python source, for reproduction snippets.
    source: str
    #: Its column header, as PennyLane's own table names it.
    label: str


_KINDS = (
    MeasurementKind(name="state", build=lambda qml: qml.state(), source="qml.state()", label="state"),
    MeasurementKind(
        name="density_matrix",
        build=lambda qml: qml.density_matrix(wires=[0]),
        source="qml.density_matrix(wires=[0])",
        label="density matrix",
    ),
    MeasurementKind(
        name="probs",
        build=lambda qml: qml.probs(wires=[0, 1]),
        source="qml.probs(wires=[0, 1])",
        label="probs",
    ),
    MeasurementKind(
        name="sample",
        build=lambda qml: qml.sample(qml.PauliZ(1)),
        source="qml.sample(qml.PauliZ(1))",
        label="sample",
    ),
    MeasurementKind(
        name="counts",
        build=lambda qml: qml.counts(qml.PauliZ(1)),
        source="qml.counts(qml.PauliZ(1))",
        label="counts",
    ),
    MeasurementKind(
        name="expval",
        build=lambda qml: qml.expval(qml.PauliZ(1)),
        source="qml.expval(qml.PauliZ(1))",
        label="expval (obs)",
    ),
    MeasurementKind(
        name="expval_hermitian",
        build=lambda qml: qml.expval(qml.Hermitian(HERMITIAN, wires=[0, 1])),
        source="qml.expval(qml.Hermitian(HERMITIAN, wires=[0, 1]))",
        label="expval (herm)",
    ),
    MeasurementKind(
        name="expval_projector",
        build=lambda qml: qml.expval(qml.Projector(list(PROJECTOR_STATE), wires=[0, 1])),
        source=f"qml.expval(qml.Projector({list(PROJECTOR_STATE)}, wires=[0, 1]))",
        label="expval (proj)",
    ),
    MeasurementKind(
        name="var", build=lambda qml: qml.var(qml.PauliZ(1)), source="qml.var(qml.PauliZ(1))", label="var"
    ),
    MeasurementKind(
        name="vn_entropy",
        build=lambda qml: qml.vn_entropy(wires=[0]),
        source="qml.vn_entropy(wires=[0])",
        label="vn entropy",
    ),
    MeasurementKind(
        name="mutual_info",
        build=lambda qml: qml.mutual_info(wires0=[0], wires1=[1]),
        source="qml.mutual_info(wires0=[0], wires1=[1])",
        label="mutual info",
    ),
    MeasurementKind(
        name="purity", build=lambda qml: qml.purity(wires=[0]), source="qml.purity(wires=[0])", label="purity"
    ),
)

#: Every measurement by name, in the order of the matrix's measurement axis.
MEASUREMENTS: dict[str, MeasurementKind] = {kind.name: kind for kind in _KINDS}
#: Each measurement's column header, by name (the tables read it through the family registry).
LABELS: dict[str, str] = {kind.name: kind.label for kind in _KINDS}


def build_measurement(name: str) -> Any:
    """The measurement ``name`` (call inside a QNode)."""
    import pennylane as qml

    return MEASUREMENTS[name].build(qml)
