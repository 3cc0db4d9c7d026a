"""The hybrid model every hybrid cell builds, its data and its training setup.

Framework-free: the drivers (`torch_driver`, `keras_driver`) build this model in their
framework, and `reference` simulates it in NumPy. The model is the one of the
Keras and Torch layer tutorials (seeds 000/001/004), sized to stay cheap::

    Dense(2 -> 2)  ->  AngleEmbedding + BasicEntanglerLayers on 2 qubits, <Z0>, <Z1>  ->  Dense(2 -> 2)

trained with the mean squared error against one-hot labels of ``make_moons``; a point is
classified by the larger of the two outputs.

A layer kind ending in ``-tuple`` (`TUPLE_SUFFIX`) is the same model with the circuit
returning its two expectation values as a tuple (`qnode_body_tuple`) instead of a list:
PennyLane's layers assemble the two return types along different code paths (TorchLayer's
tuple path gave shape (n_meas, batch, 1) for a batch, PennyLane #9284).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

N_QUBITS = 2
#: Depth of BasicEntanglerLayers: each layer is one RX per qubit and one CNOT.
N_QUANTUM_LAYERS = 2

#: Canonical parameter names and shapes, in model order. Kernels are (inputs, outputs), as
#: Keras stores them; torch's Linear stores the transpose and its driver converts.
PARAM_SHAPES: dict[str, tuple[int, ...]] = {
    "dense1.kernel": (2, N_QUBITS),
    "dense1.bias": (N_QUBITS,),
    "quantum.weights": (N_QUANTUM_LAYERS, N_QUBITS),
    "dense2.kernel": (N_QUBITS, 2),
    "dense2.bias": (2,),
}

#: Parameters by name, as float64 NumPy arrays.
Params = dict[str, np.ndarray]

DATA_POINTS = 200
DATA_NOISE = 0.1
#: Data and initial parameters are drawn from this seed; every cell starts from the same point.
SEED = 0
#: The gradient check differentiates the loss on the first points of the data set.
GRADIENT_POINTS = 8


@dataclass(frozen=True)
class TrainingSetup:
    """How every hybrid cell trains: Adam, mini-batches in a seeded order, one epoch per fit.

    Chosen with ``scripts/hybrid_training_threshold.py`` (see docs/hybrid.md): batches of 10
    and a learning rate of 0.1 reach their final accuracy in one or two epochs.
    """

    batch_size: int = 10
    learning_rate: float = 0.1


TRAINING = TrainingSetup()


def qnode_body(inputs: Any, weights: Any) -> list[Any]:
    """The quantum layer's circuit, with the signature TorchLayer and KerasLayer require."""
    import pennylane as qml

    qml.AngleEmbedding(inputs, wires=range(N_QUBITS))
    qml.BasicEntanglerLayers(weights, wires=range(N_QUBITS))
    return [qml.expval(qml.PauliZ(wire)) for wire in range(N_QUBITS)]


def qnode_body_tuple(inputs: Any, weights: Any) -> tuple[Any, ...]:
    """`qnode_body` returning its expectation values as a tuple, as PennyLane's own examples of
    multiple measurements do."""
    return tuple(qnode_body(inputs, weights))


#: The suffix of a layer kind whose circuit returns a tuple (see the module docstring).
TUPLE_SUFFIX = "-tuple"


def returns_tuple(layer: str) -> bool:
    """Whether layer kind ``layer``'s circuit returns a tuple (`qnode_body_tuple`)."""
    return layer.endswith(TUPLE_SUFFIX)


def base_layer(layer: str) -> str:
    """The layer kind without `TUPLE_SUFFIX`: which layer class and framework build it."""
    return layer.removesuffix(TUPLE_SUFFIX)


def hybrid_qnode(device: str, diff_method: str, interface: str, *, tuple_return: bool = False) -> Any:
    """A fresh device and QNode for one cell; ``tuple_return`` picks `qnode_body_tuple`."""
    import pennylane as qml

    from supportmatrix.check.compat import make_device

    body = qnode_body_tuple if tuple_return else qnode_body
    return qml.QNode(body, make_device(device, wires=N_QUBITS), interface=interface, diff_method=diff_method)


def moons(seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """The make_moons data set (200 points, noise 0.1): features (200, 2), one-hot (200, 2)."""
    from sklearn.datasets import make_moons

    x, labels = make_moons(n_samples=DATA_POINTS, noise=DATA_NOISE, random_state=seed)
    return x.astype(np.float64), np.eye(2)[labels]


def initial_params(seed: int = SEED) -> Params:
    """Initial parameters, the same for every layer kind: dense entries uniform in
    +-1/sqrt(fan_in) (torch's default for Linear), rotation angles uniform in [0, 2 pi)."""
    rng = np.random.default_rng(seed)
    params: Params = {}
    for name, shape in PARAM_SHAPES.items():
        if name.startswith("quantum"):
            params[name] = rng.uniform(0.0, 2 * np.pi, size=shape)
        else:
            bound = 1 / np.sqrt(2)  # both dense layers have fan_in 2
            params[name] = rng.uniform(-bound, bound, size=shape)
    return params


def epoch_order(epoch: int, seed: int = SEED) -> np.ndarray:
    """The shuffled order of the data points in one epoch, seeded locally."""
    return np.random.default_rng([seed, epoch]).permutation(DATA_POINTS)


def accuracy(outputs: np.ndarray, targets: np.ndarray) -> float:
    """Fraction of points whose larger output is the one-hot label's position."""
    return float(np.mean(np.argmax(outputs, axis=1) == np.argmax(targets, axis=1)))
