"""Seed 004's own model trained as its author trained it: wall time, CPU / wall and peak memory.

The model, data and loop are seed 004's: 2 qubits, nn.Linear(2, 10) -> ReLU -> nn.Linear(10,
2) -> Tanh around a ``qml.qnn.TorchLayer``, SGD at learning rate 0.2, L1 loss, float32, 6
epochs of batches of 5 over make_moons(200, noise 0.1), torch and NumPy seeded with 42. One
change: the encoding indexes the last axis, because the seed's loop over ``len(inputs)``
fails on batched inputs now that TorchLayer broadcasts (the batch size becomes the wire
count: WireError). It runs in a child process of its own (`worker`), so the seed's global
seeding and torch's thread pools start fresh and imports do not count.
"""

from __future__ import annotations

from typing import Any

from supportmatrix.bench.machine import load_average, thread_settings
from supportmatrix.bench.threads import thread_use
from supportmatrix.bench.timing import error_of
from supportmatrix.check.measure import measure, os_threads
from supportmatrix.matrix.devices import LIGHTNING_STATEVECTOR, PYTHON_STATEVECTOR

#: The configurations seed 004 compared, in its order.
CONFIGS: tuple[tuple[str, str], ...] = (
    (PYTHON_STATEVECTOR, "backprop"),
    (PYTHON_STATEVECTOR, "adjoint"),
    (LIGHTNING_STATEVECTOR, "backprop"),
    (LIGHTNING_STATEVECTOR, "adjoint"),
)
EPOCHS, BATCH_SIZE, SAMPLES = 6, 5, 200


def train(device: str, diff_method: str) -> dict[str, Any]:
    """Train the seed's model once; the record's measured part (status, time, memory, accuracy)."""
    import numpy as np
    import pennylane as qml
    import torch
    from sklearn.datasets import make_moons

    load = load_average()
    torch.manual_seed(42)  # seed 004's own global seeding, in a process of its own
    np.random.seed(42)
    x, y = make_moons(n_samples=SAMPLES, noise=0.1)
    y_hot = torch.scatter(torch.zeros((SAMPLES, 2)), 1, torch.unsqueeze(torch.tensor(y), 1), 1)

    def circuit(inputs: Any, weights: Any) -> Any:
        for wire in range(2):  # the seed's range(len(inputs)) is the batch size now
            qml.Hadamard(wire)
            qml.RZ(2.0 * inputs[..., wire], wires=wire)
        qml.CNOT(wires=[0, 1])
        qml.RY(weights[0], wires=0)
        qml.RY(weights[1], wires=1)
        return [qml.expval(qml.PauliZ(0)), qml.expval(qml.PauliZ(1))]

    def cnet() -> Any:
        return torch.nn.Sequential(
            torch.nn.Linear(2, 10), torch.nn.ReLU(True), torch.nn.Linear(10, 2), torch.nn.Tanh()
        )

    try:
        qnode = qml.QNode(circuit, qml.device(device, wires=2), interface="torch", diff_method=diff_method)
        model = torch.nn.Sequential(cnet(), qml.qnn.TorchLayer(qnode, {"weights": (2,)}), cnet())
    except Exception as exc:  # noqa: BLE001 - the refusal is the observation
        return {"status": "refused", "error": error_of(exc, stage="build")}
    opt = torch.optim.SGD(model.parameters(), lr=0.2)
    loss = torch.nn.L1Loss()
    data = torch.tensor(x, requires_grad=False).float()
    # A list of pairs is a map-style dataset (it has __getitem__ and __len__); torch's stubs
    # only know their Dataset class.
    pairs: Any = list(zip(data, y_hot, strict=True))
    loader = torch.utils.data.DataLoader(pairs, batch_size=BATCH_SIZE, shuffle=True, drop_last=True)
    with measure() as usage, thread_use() as threads:
        for _ in range(EPOCHS):
            for xs, ys in loader:
                opt.zero_grad()
                loss(model(xs), ys).backward()
                opt.step()
    predictions = torch.argmax(model(data), dim=1).detach().numpy()
    return {
        "status": "ok",
        "seconds": usage.wall_seconds,
        "cpu_per_wall": usage.cpu_seconds / usage.wall_seconds,
        "peak_memory_growth_bytes": usage.peak_memory_bytes,
        "accuracy": float(np.mean(predictions == y)),
        "os_threads": os_threads(),
        **threads.as_dict(),
        "threads": thread_settings(),
        "load_average": load,
    }
