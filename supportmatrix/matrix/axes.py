"""The axes of every family of cells, the values the runners can build, and the packages a rule may gate on.

`model`'s cells and the loader read these registries; adding a value here means teaching a
runner to build it.
"""

from __future__ import annotations

#: Axis names in the order they appear in cell ids and in `matrix.yaml`.
AXIS_NAMES: tuple[str, ...] = ("device", "interface", "diff_method", "measurement", "shots")

#: Values the runner knows how to build. `matrix.yaml` may declare a subset, in any order;
#: adding a value here means teaching `circuits` or `interfaces` to build it.
#: ``shots`` is open: ``None`` or any positive int. ``device`` is checked against the file's
#: devices (`devices`), in every family.
KNOWN_AXIS_VALUES: dict[str, tuple[str, ...]] = {
    "interface": ("None", "autograd", "torch", "tf", "jax", "jax-jit"),
    "diff_method": (
        "best",
        "device",
        "backprop",
        "adjoint",
        "parameter-shift",
        "finite-diff",
        "spsa",
        "hadamard",
        "reversed-hadamard",
        "direct-hadamard",
        "reversed-direct-hadamard",
    ),
    "measurement": (
        "state",
        "density_matrix",
        "probs",
        "sample",
        "counts",
        "expval",
        "expval_hermitian",
        "expval_projector",
        "var",
        "vn_entropy",
        "mutual_info",
        "purity",
    ),
}

#: The shots values `supportmatrix init` declares for a new device: analytic, and the
#: finite count matrix.yaml runs.
DEFAULT_SHOTS: tuple[int | None, ...] = (None, 10000)

#: Packages a rule's ``where`` may gate on with a PEP 440 specifier.
VERSIONED_PACKAGES: tuple[str, ...] = (
    "pennylane",
    "pennylane-lightning",
    "numpy",
    "autograd",
    "torch",
    "tensorflow",
    "jax",
    "jaxlib",
    "keras",
    "pennylane-keras3-layer",
    "pennylane-catalyst",
    # the device plugins of devices/ (`devices.KNOWN_DEVICES`), and what they run on
    "pennylane-lightning-kokkos",
    "pennylane-qiskit",
    "qiskit",
    "qiskit-aer",
)

#: Axes of the hybrid-model family (``hybrid:`` in `matrix.yaml`), in id order.
HYBRID_AXIS_NAMES: tuple[str, ...] = ("layer", "device", "diff_method")

#: Hybrid axis values the hybrid runner knows how to build. ``keras3-<backend>`` is a Keras 3
#: custom layer wrapping a QNode, run under that Keras backend in its own process;
#: ``keras3-package-<backend>`` is pennylane-keras3-layer's ``KerasCircuitLayer`` there;
#: ``<layer>-tuple`` is ``<layer>`` with the circuit returning a tuple (`hybrid.models`).
KNOWN_HYBRID_AXIS_VALUES: dict[str, tuple[str, ...]] = {
    "layer": (
        "torch-layer",
        "keras-layer",
        "keras3-jax",
        "keras3-torch",
        "keras3-tensorflow",
        "keras3-package-jax",
        "keras3-package-torch",
        "keras3-package-tensorflow",
        "torch-layer-tuple",
        "keras3-jax-tuple",
        "keras3-torch-tuple",
        "keras3-tensorflow-tuple",
    ),
    "diff_method": ("best", "backprop", "adjoint", "parameter-shift", "finite-diff"),
}


#: Axes of the Catalyst family (``qjit:`` in `matrix.yaml`), in id order.
QJIT_AXIS_NAMES: tuple[str, ...] = (
    "device",
    "diff_method",
    "grad_function",
    "method",
    "measurement",
    "shots",
    "derivative",
)

#: Qjit axis values the qjit runner knows how to build: ``grad_function`` is the gradient
#: transform applied inside ``qml.qjit``, ``method`` its ``method=`` argument, and
#: ``derivative`` ``first`` (the Jacobian) or ``second`` (each Hessian row as the gradient
#: of one entry of the gradient: grad of grad).
KNOWN_QJIT_AXIS_VALUES: dict[str, tuple[str, ...]] = {
    "diff_method": ("adjoint", "parameter-shift", "finite-diff", "best", "device"),
    "grad_function": ("qml.grad", "catalyst.grad", "catalyst.jacobian"),
    "method": ("auto", "fd"),
    "measurement": (
        "expval",
        "var",
        "probs",
        "state",
        "expval_hermitian",
        "density_matrix",
        "sample",
        "counts",
        "expval_projector",
        "vn_entropy",
        "mutual_info",
        "purity",
    ),
    "derivative": ("first", "second"),
}

#: Axes of the features family (``features:`` in `matrix.yaml`), in id order: the QNode
#: family's, with ``feature`` (a fixed circuit, or a way of differentiating one) in place
#: of ``measurement``.
FEATURE_AXIS_NAMES: tuple[str, ...] = ("device", "interface", "diff_method", "feature", "shots")

#: The feature axis in groups, in axis order: each group is a table of its own per device
#: (`families.TableLayout.column_groups`), since one table of every feature would list
#: about forty reasons under it.
FEATURE_GROUPS: dict[str, tuple[str, ...]] = {
    "gate rules and measurements": (
        "controlled",
        "rot",
        "two-qubit",
        "fixed-ops",
        "classical",
        "hamiltonian",
        "multi-measure",
        "broadcast",
        "hessian",
        "hessian-probs",
        "shot-vector",
        "float32",
    ),
    "operator arithmetic, trainable matrices and templates": (
        "op-evolve",
        "op-exp",
        "op-arithmetic",
        "fixed-ops-expval",
        "fixed-rotation",
        "trainable-hermitian",
        "trainable-unitary",
        "templates",
    ),
    "noise channels and amplitude embedding": (
        "noise-amplitude-damping",
        "noise-phase-damping",
        "noise-depolarizing",
        "noise-after-gate",
        "templates-amplitude-embedding",
        "templates-amplitude-embedding-sparse",
    ),
    "mid-circuit measurements": tuple(
        f"mcm-{shape}-{method}"
        for shape in ("cond", "postselect", "stats", "reset", "certain")
        for method in ("deferred", "tree-traversal", "one-shot")
    ),
}

#: Feature axis values the features runner knows how to build (`features.catalog`).
KNOWN_FEATURE_AXIS_VALUES: dict[str, tuple[str, ...]] = {
    "interface": KNOWN_AXIS_VALUES["interface"],
    "diff_method": KNOWN_AXIS_VALUES["diff_method"],
    "feature": tuple(feature for group in FEATURE_GROUPS.values() for feature in group),
}

#: Features whose cells make sense only with finite shots (``shot-vector`` runs a shot
#: vector, which has no analytic counterpart). Their ``shots: None`` cells, and no others,
#: must be declared under ``features: not-applicable``; they are not tests.
SHOTS_ONLY_FEATURES: tuple[str, ...] = ("shot-vector",)
