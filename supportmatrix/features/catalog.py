"""The features: each a small fixed circuit, written once as data (`model`) that builds the QNode, the oracle's simulation and the snippet (`build`).

Every feature of the feature axis is a block below, in axis order: the gate rules and
measurements first, then the circuits as users write them (operator arithmetic, trainable
matrices, templates), the noise channels and amplitude embedding (density matrices), and
the mid-circuit measurement shapes under each ``mcm_method``. The fixed arrays some of them
prepare or apply (`FIXED`) are here too, drawn from a fixed seed where they are random.
What each trainable gate contributes to the tolerances is in `gate_rules`.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from supportmatrix.features.model import MID_MEASURE, Feature, Gate, Measurement
from supportmatrix.features.model import linear as _x

#: The fixed 2-qubit unitary of ``fixed-ops``: the Q of a QR decomposition of a complex
#: Gaussian matrix drawn from a local, fixed seed, so it is the same on every run.
_rng = np.random.default_rng(20240611)
UNITARY: np.ndarray = np.linalg.qr(_rng.normal(size=(4, 4)) + 1j * _rng.normal(size=(4, 4)))[0]
del _rng
#: The fixed normalized state ``fixed-ops`` prepares on wires 0 and 1.
STATE: np.ndarray = np.array([0.5, 0.5j, -0.5, 0.5])
#: The fixed (non-trainable) angle of ``fixed-rotation``'s first RX.
ANGLE: np.ndarray = np.array(1.2)
#: ``mcm-certain``'s fixed flip, written as users write it: RX(np.pi).
PI: np.ndarray = np.array(np.pi)
#: The basis state ``templates`` prepares (``BasisState``) on wires 0 and 1: |10>.
BASIS: np.ndarray = np.array([1, 0])


def _float32(*values: float) -> tuple[float, ...]:
    """``values`` rounded to float32 (and held as Python floats, exactly)."""
    return tuple(float(np.float32(v)) for v in values)


# would put every argument and gate on a line of its own.
# fmt: off
_FEATURES = (
    Feature("controlled", "controlled rotations", (0.543, -0.765, 0.912), (
        Gate("Hadamard", (0,)), Gate("Hadamard", (1,)),
        Gate("CRX", (0, 1), (_x(0),)), Gate("CRY", (1, 0), (_x(1),)), Gate("CRZ", (0, 1), (_x(2),)),
        Gate("Hadamard", (1,)),
    ), (Measurement("expval", ((1.0, "ZZ"),)),)),
    Feature("rot", "Rot", (0.543, -0.765, 0.912), (
        Gate("Hadamard", (0,)), Gate("Rot", (0,), (_x(0), _x(1), _x(2))), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "XX"),)),)),
    Feature("two-qubit", "two-qubit rotations", (0.543, -0.765, 0.912), (
        Gate("Hadamard", (0,)), Gate("IsingXX", (0, 1), (_x(0),)), Gate("IsingZZ", (0, 1), (_x(1),)),
        Gate("PauliRot", (0, 1), (_x(2),), word="XZ"),
    ), (Measurement("probs"),)),
    Feature("fixed-ops", "fixed operations", (0.543, -0.765), (
        Gate("StatePrep", (0, 1), fixed="STATE"), Gate("QubitUnitary", (0, 1), fixed="UNITARY"),
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("probs"),)),
    Feature("classical", "classical processing", (0.543, -0.765), (
        Gate("RX", (0,), (((0, 2.0), (1, 1.0)),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
    # x[2], x[3], x[4] are the Hamiltonian's coefficients, trainable like the gates' angles.
    Feature("hamiltonian", "Hamiltonian", (0.543, -0.765, 0.4, -0.7, 0.5), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((_x(2), "ZZ"), (_x(3), "YI"), (_x(4), "ZX"))),)),
    Feature("multi-measure", "tuple of measurements", (0.543, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "ZI"),)), Measurement("probs", wires=(1,)),
        Measurement("expval", ((1.0, "IX"),)))),
    Feature("broadcast", "broadcast parameters", ((0.543, 0.1, -1.2), (-0.765, 0.4, 2.0)), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
    Feature("hessian", "Hessian of an expectation value", (1.1, -0.9), (
        Gate("RY", (0,), (_x(0),)), Gate("CRX", (0, 1), (_x(1),)),
    ), (Measurement("expval", ((1.0, "IZ"),)),), derivative=2),
    Feature("hessian-probs", "Hessian of probabilities", (1.1, -0.9), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("probs"),), derivative=2),
    Feature("shot-vector", "shot vector", (0.543, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "IZ"),)),), shot_vector=(1000, 2000, 5000)),
    Feature("float32", "float32 parameters", _float32(0.543, -0.765, 0.912), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
        Gate("RX", (1,), (_x(2),)),
    ), (Measurement("expval", ((1.0, "IZ"),)),), dtype="float32"),
    # Operator arithmetic (`composites`): qml.evolve of a Sum; qml.exp of a sum of s_prods;
    # qml.prod, qml.adjoint and qml.ctrl (control on 0) of parametrized gates.
    Feature("op-evolve", "qml.evolve of a Sum", (0.543, -0.765), (
        Gate("Evolve", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
    Feature("op-exp", "qml.exp of a sum of s_prods", (0.543, -0.765), (
        Gate("Exp", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
    Feature("op-arithmetic", "prod, adjoint, ctrl", (0.543, -0.765, 0.912, 0.321), (
        Gate("Hadamard", (1,)), Gate("Prod", (0, 1), (_x(0), _x(1))), Gate("Adjoint", (0,), (_x(2),)),
        Gate("Ctrl0", (0, 1), (_x(3),)),
    ), (Measurement("expval", ((1.0, "XX"),)),)),
    # fixed-ops' fixed operations ending in an expectation value, which adjoint differentiates.
    Feature("fixed-ops-expval", "fixed operations, expval", (0.543, -0.765), (
        Gate("StatePrep", (0, 1), fixed="STATE"), Gate("QubitUnitary", (0, 1), fixed="UNITARY"),
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
    # A non-trainable rotation ahead of trainable gates (note adjoint-probs-rebinds-parameters).
    Feature("fixed-rotation", "fixed rotation", (0.543, -0.765), (
        Gate("RX", (0,), fixed="ANGLE"), Gate("RY", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)),
        Gate("CNOT", (0, 1)),
    ), (Measurement("probs"),)),
    # The Hamiltonian of `hamiltonian` as one trainable matrix (`trainable.hermitian_of`).
    Feature("trainable-hermitian", "trainable Hermitian", (0.543, -0.765, 0.4, -0.7, 0.5), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
    ), (Measurement("hermitian", ((_x(2), "ZZ"), (_x(3), "YI"), (_x(4), "ZX"))),)),
    # x[1] is the angle of the one-qubit unitary exp(-i x1 G / 2) (`trainable.unitary_of`).
    Feature("trainable-unitary", "trainable QubitUnitary", (0.543, -0.765, 0.912), (
        Gate("RX", (0,), (_x(0),)), Gate("QubitUnitary", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
        Gate("RY", (1,), (_x(2),)),
    ), (Measurement("expval", ((1.0, "XX"),)),)),
    # x[0:2] AngleEmbedding's features, x[2:8] one strongly entangling layer, x[8:10] one basic one.
    Feature("templates", "templates", (0.98, 1.29, 0.5, -0.19, -1.28, 0.67, -1.17, -0.59, -0.66, 1.31), (
        Gate("BasisState", (0, 1), fixed="BASIS"),
        Gate("AngleEmbedding", (0, 1), (_x(0), _x(1))),
        Gate("StronglyEntanglingLayers", (0, 1), tuple(_x(i) for i in range(2, 8))),
        Gate("BasicEntanglerLayers", (0, 1), (_x(8), _x(9))),
    ), (Measurement("expval", ((1.0, "XY"),)),)),
)
_DENSITY_FEATURES = (
    # Trainable channel probabilities (density matrices: `density`, bounds: `analytic_bounds`).
    Feature("noise-amplitude-damping", "trainable AmplitudeDamping", (0.3,), (
        Gate("Hadamard", (0,)), Gate("AmplitudeDamping", (0,), (_x(0),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "XX"),)), Measurement("expval", ((1.0, "ZI"),)))),
    Feature("noise-phase-damping", "trainable PhaseDamping", (0.4,), (
        Gate("Hadamard", (0,)), Gate("PhaseDamping", (0,), (_x(0),)), Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "XX"),)),)),
    Feature("noise-depolarizing", "trainable DepolarizingChannel", (0.3,), (
        Gate("Hadamard", (0,)), Gate("CNOT", (0, 1)), Gate("DepolarizingChannel", (1,), (_x(0),)),
    ), (Measurement("probs"),)),
    Feature("noise-after-gate", "fixed channels after trainable gates", (0.543, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
        Gate("AmplitudeDamping", (0,), fixed="DAMPING"), Gate("DepolarizingChannel", (1,), fixed="DEPOLARIZING"),
    ), (Measurement("probs"),)),
    Feature("templates-amplitude-embedding", "AmplitudeEmbedding of trainable features", (0.3, -0.5, 0.8, 0.2, 0.6), (
        Gate("AmplitudeEmbedding", (0, 1), (_x(0), _x(1), _x(2), _x(3))), Gate("RY", (1,), (_x(4),)),
        Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "XI"),)),)),
    # The same circuit with a zero among the features, as sparse data has (one-hot, dark
    # pixels): the embedded state and its gradient are smooth there, its decomposition's
    # angles are not.
    Feature("templates-amplitude-embedding-sparse", "AmplitudeEmbedding of sparse features", (0.3, 0.0, 0.8, 0.2, 0.6), (
        Gate("AmplitudeEmbedding", (0, 1), (_x(0), _x(1), _x(2), _x(3))), Gate("RY", (1,), (_x(4),)),
        Gate("CNOT", (0, 1)),
    ), (Measurement("expval", ((1.0, "XI"),)),)),
)
# fmt: on


# --- mid-circuit measurements (``mcm-*``) ---
# Four shapes, each with a code path of its own in PennyLane: a gate conditioned on an
# outcome (``qml.cond``), a postselected measurement, statistics of an outcome, a reset;
# and a conditioned gate after a measurement whose outcome has round-off probability. A
# measurement is a `Gate` named `MID_MEASURE`; measurements are numbered in circuit order,
# and ``Gate.condition`` and an ``mcm-*`` `Measurement`'s ``wires`` name them by that
# number. Each shape runs as one feature per ``mcm_method``: ``mcm-cond-deferred``, ...
# Oracle: `branches`; tolerances: `mcm_tolerance`.

#: The values of the QNode's ``mcm_method`` every shape runs under, in axis order.
MCM_METHODS: tuple[str, ...] = ("deferred", "tree-traversal", "one-shot")
#: The shots a ``one-shot`` feature's finite-shot cells run (`Feature.shots`): one-shot
#: simulates the circuit once per shot, so a Jacobian at the shots axis' 10000 outlasts the
#: cell timeout (docs/features.md, "Mid-circuit measurements", has the timings).
ONE_SHOT_SHOTS = 200
#: Shapes whose one-shot variant runs otherwise: (shots, parameters). Postselection keeps
#: only the shots whose outcome matches, so ``mcm-postselect`` runs 500 shots at a point
#: where every parameter-shift point keeps at least 0.44 of them (at the other variants'
#: point one keeps 0.10, too few for 500 shots to bound: `mcm_tolerance.kept_shots`).
ONE_SHOT_RUNS: dict[str, tuple[int, tuple[float, ...]]] = {"mcm-postselect": (500, (1.7, 1.5))}

# fmt: off
_MCM_SHAPES = (
    # RX(x0) on wire 0, measured; on outcome 1, RY(x1) on wire 1:
    # <Z1> = cos^2(x0/2) + sin^2(x0/2) cos(x1).
    Feature("mcm-cond", "measurement with qml.cond", (1.9, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate(MID_MEASURE, (0,)), Gate("RY", (1,), (_x(1),), condition=0),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
    # RX(x0) (x) RY(x1), CNOT, wire 1 postselected on 1: with c_i, s_i = cos, sin(x_i/2),
    # <Z0> = (c0^2 s1^2 - s0^2 c1^2) / (c0^2 s1^2 + s0^2 c1^2).
    Feature("mcm-postselect", "postselected measurement", (0.543, 1.2), (
        Gate("RX", (0,), (_x(0),)), Gate("RY", (1,), (_x(1),)), Gate("CNOT", (0, 1)),
        Gate(MID_MEASURE, (1,), postselect=1),
    ), (Measurement("expval", ((1.0, "ZI"),)),)),
    # RX(x0), CNOT, RY(x1) on wire 1, measured: P(m = 1) = (1 - cos(x0) cos(x1)) / 2,
    # returned as expval(m) and probs(op=m).
    Feature("mcm-stats", "statistics of a measurement", (0.543, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate("CNOT", (0, 1)), Gate("RY", (1,), (_x(1),)),
        Gate(MID_MEASURE, (1,)),
    ), (Measurement("mcm-expval", wires=(0,)), Measurement("mcm-probs", wires=(0,)))),
    # RX(x0), CNOT, wire 0 measured and reset, RY(x1) on wire 0: probs of |00>, |01>, |10>,
    # |11> are c0^2 c1^2, s0^2 c1^2, c0^2 s1^2, s0^2 s1^2.
    Feature("mcm-reset", "measurement with reset", (1.9, -0.765), (
        Gate("RX", (0,), (_x(0),)), Gate("CNOT", (0, 1)), Gate(MID_MEASURE, (0,), reset=True),
        Gate("RY", (0,), (_x(1),)),
    ), (Measurement("probs"),)),
    # A fixed RX(pi) flips wire 0 before it is measured: outcome 0 is a branch of round-off
    # probability cos^2(pi/2) ~ 4e-33, which a simulator must not take for a state. On wire
    # 1, RX(x0) and, on outcome 1, RY(x1): <Z1> = cos(x0) cos(x1), both columns alive.
    Feature("mcm-certain", "measurement with a certain outcome", (0.543, -0.765), (
        Gate("RX", (0,), fixed="PI"), Gate(MID_MEASURE, (0,)), Gate("RX", (1,), (_x(0),)),
        Gate("RY", (1,), (_x(1),), condition=0),
    ), (Measurement("expval", ((1.0, "IZ"),)),)),
)
# fmt: on


def _under(shape: Feature, method: str) -> Feature:
    """``shape`` run under ``mcm_method=method``; one-shot with its own shots (and point)."""
    if method != "one-shot":
        return dataclasses.replace(
            shape, name=f"{shape.name}-{method}", label=f"{shape.label} ({method})", mcm_method=method
        )
    shots, params = ONE_SHOT_RUNS.get(shape.name, (ONE_SHOT_SHOTS, shape.params))
    return dataclasses.replace(
        shape,
        name=f"{shape.name}-{method}",
        label=f"{shape.label} ({method}, {shots} shots)",
        mcm_method=method,
        shots=shots,
        params=params,
    )


#: The ``mcm-*`` features: every shape under every method, shape by shape.
MCM_FEATURES: tuple[Feature, ...] = tuple(
    _under(shape, method) for shape in _MCM_SHAPES for method in MCM_METHODS
)

#: Every feature by name, in the order of the feature axis.
FEATURES: dict[str, Feature] = {f.name: f for f in (*_FEATURES, *_DENSITY_FEATURES, *MCM_FEATURES)}
#: The noise-channel and amplitude-embedding features (density matrices: `density`; bounds:
#: `analytic_bounds`), a view of `FEATURES` for the tests of those two modules.
DENSITY_FEATURES: dict[str, Feature] = {f.name: FEATURES[f.name] for f in _DENSITY_FEATURES}

#: The fixed arrays by the name a `Gate` gives in ``fixed``.
FIXED: dict[str, np.ndarray] = {
    "UNITARY": UNITARY,
    "STATE": STATE,
    "ANGLE": ANGLE,
    "PI": PI,
    "BASIS": BASIS,
    # noise-after-gate's fixed channel probabilities
    "DAMPING": np.array(0.2),
    "DEPOLARIZING": np.array(0.1),
}
