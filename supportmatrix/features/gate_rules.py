"""What the tolerances need to know about each trainable gate, from its definition.

`GATE_RULES` maps a PennyLane gate name to its `check.bounds.GateRule`: the largest
frequency of its argument, PennyLane's parameter-shift rule for it and the 1-norm of its
generator's Pauli coefficients. Composite operators take theirs from `composites`, a
trainable ``QubitUnitary`` from `trainable`, template weights are Pauli rotations
(`templates`), and parameters that are not angles carry `NOT_AN_ANGLE`.
"""

from __future__ import annotations

import numpy as np

from supportmatrix.check.bounds import PAULI_ROTATION, GateRule
from supportmatrix.features import templates
from supportmatrix.features.composites import COMPOSITES
from supportmatrix.features.trainable import UNITARY_RULE

#: Pauli rotations exp(-i t P / 2): eigenvalues +-1/2, the two-term rule (f(t + pi/2) -
#: f(t - pi/2)) / 2, generator P / 2 (`check.bounds.PAULI_ROTATION`).
_PAULI_ROTATION = PAULI_ROTATION
#: Controlled rotations: generator |1><1| (x) P / 2 = (P - Z (x) P) / 4, eigenvalues 0, +-1/2,
#: frequencies 1/2 and 1; the four-term rule c+ [f(t + pi/2) - f(t - pi/2)] - c- [f(t + 3pi/2)
#: - f(t - 3pi/2)] with c+- = (sqrt 2 +- 1) / (4 sqrt 2): 2 (c+^2 + c-^2) = 3/8.
_C_PLUS, _C_MINUS = float((np.sqrt(2) + 1) / (4 * np.sqrt(2))), float((np.sqrt(2) - 1) / (4 * np.sqrt(2)))
_CONTROLLED_ROTATION = GateRule(
    frequency=1.0,
    rule=(
        (_C_PLUS, np.pi / 2),
        (-_C_PLUS, -np.pi / 2),
        (-_C_MINUS, 3 * np.pi / 2),
        (_C_MINUS, -3 * np.pi / 2),
    ),
    generator_l1=0.5,
)

#: A channel's probability, an embedding's feature: no frequency, no shift rule, no
#: generator. NaN fails every formula that would treat it as an angle; their bounds are
#: `analytic_bounds`'.
NOT_AN_ANGLE = GateRule(frequency=float("nan"), rule=(), generator_l1=float("nan"))

GATE_RULES: dict[str, GateRule] = {
    **dict.fromkeys(("RX", "RY", "RZ", "IsingXX", "IsingZZ", "PauliRot"), _PAULI_ROTATION),
    **dict.fromkeys(("CRX", "CRY", "CRZ"), _CONTROLLED_ROTATION),
    # Rot(phi, theta, omega) = RZ(omega) RY(theta) RZ(phi): each argument a Pauli rotation.
    "Rot": _PAULI_ROTATION,
    # Operator arithmetic (qml.evolve, qml.exp, ...): each rule derived in `composites`.
    **{name: composite.rule for name, composite in COMPOSITES.items()},
    **dict.fromkeys(("AmplitudeDamping", "PhaseDamping", "DepolarizingChannel"), NOT_AN_ANGLE),
    "AmplitudeEmbedding": NOT_AN_ANGLE,
    # A trainable QubitUnitary is trainable-unitary's exp(-i t G / 2) (`trainable`).
    "QubitUnitary": UNITARY_RULE,
    # Every template weight is the angle of one Pauli rotation (`templates`).
    **dict.fromkeys(templates.TEMPLATES, _PAULI_ROTATION),
}

#: Gates PennyLane takes all arguments of as one vector (``qml.math.stack``), with the
#: keyword arguments they are built with.
VECTOR_GATES: dict[str, dict[str, object]] = {"AmplitudeEmbedding": {"normalize": True}}
