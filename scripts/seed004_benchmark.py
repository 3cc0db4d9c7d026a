"""Wall time and peak memory of the seed-004 TorchLayer training loop, per device and method.

The model, data and loop are seed 004's (2 qubits, nn.Linear(2, 10) -> ReLU ->
nn.Linear(10, 2) -> Tanh around a TorchLayer, SGD lr 0.2, L1 loss, float32, 6 epochs of
batches of 5 over make_moons(200, noise 0.1), torch and NumPy seeded with 42), with one
change: the encoding indexes the last axis, as the seed's loop over ``len(inputs)`` fails
on batched inputs since TorchLayer broadcasts. Each
configuration runs in a fresh process, so imports and earlier runs do not count:

    .venv/bin/python scripts/seed004_benchmark.py
"""

from __future__ import annotations

import json
import subprocess
import sys

CONFIGS = [("default.qubit", "backprop"), ("default.qubit", "adjoint"),
           ("lightning.qubit", "backprop"), ("lightning.qubit", "adjoint")]


def train(device: str, diff_method: str) -> dict[str, object]:
    import numpy as np
    import pennylane as qml
    import torch
    from sklearn.datasets import make_moons

    from supportmatrix.hybrid.measure import measure

    torch.manual_seed(42)  # seed 004's own seeding, in its own process
    np.random.seed(42)
    x, y = make_moons(n_samples=200, noise=0.1)
    y_hot = torch.scatter(torch.zeros((200, 2)), 1, torch.unsqueeze(torch.tensor(y), 1), 1)

    def circuit(inputs, weights):
        # Seed 004 loops over range(len(inputs)): TorchLayer now passes the whole batch,
        # so that is the batch size and the circuit asks for wires 2..4 (WireError).
        for wire in range(2):
            qml.Hadamard(wire)
            qml.RZ(2.0 * inputs[..., wire], wires=wire)
        qml.CNOT(wires=[0, 1])
        qml.RY(weights[0], wires=0)
        qml.RY(weights[1], wires=1)
        return [qml.expval(qml.PauliZ(0)), qml.expval(qml.PauliZ(1))]

    def cnet():
        return torch.nn.Sequential(torch.nn.Linear(2, 10), torch.nn.ReLU(True),
                                   torch.nn.Linear(10, 2), torch.nn.Tanh())

    try:
        qnode = qml.QNode(circuit, qml.device(device, wires=2), interface="torch",
                          diff_method=diff_method)
        model = torch.nn.Sequential(cnet(), qml.qnn.TorchLayer(qnode, {"weights": (2,)}), cnet())
    except Exception as exc:  # noqa: BLE001 - reported as the configuration's result
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
    opt = torch.optim.SGD(model.parameters(), lr=0.2)
    loss = torch.nn.L1Loss()
    data = torch.tensor(x, requires_grad=False).float()
    loader = torch.utils.data.DataLoader(list(zip(data, y_hot)), batch_size=5, shuffle=True,
                                         drop_last=True)
    with measure() as usage:
        for _ in range(6):
            for xs, ys in loader:
                opt.zero_grad()
                loss(model(xs), ys).backward()
                opt.step()
    predictions = torch.argmax(model(data), axis=1).detach().numpy()
    return {"seconds": round(usage.wall_seconds, 2),
            "peak_memory_mib": None if usage.peak_memory_bytes is None
            else round(usage.peak_memory_bytes / 2**20, 1),
            "accuracy": float(np.mean(predictions == y))}


def main() -> int:
    if len(sys.argv) == 3:
        print(json.dumps(train(sys.argv[1], sys.argv[2])))
        return 0
    print("| device | diff method | training wall time | peak memory growth | accuracy |")
    print("|---|---|---|---|---|")
    for device, method in CONFIGS:
        out = subprocess.run([sys.executable, __file__, device, method], capture_output=True,
                             text=True, check=True).stdout.strip().splitlines()[-1]
        result = json.loads(out)
        if "error" in result:
            print(f"| {device} | {method} | {result['error']} | | |")
        else:
            print(f"| {device} | {method} | {result['seconds']} s | "
                  f"{result['peak_memory_mib']} MiB | {result['accuracy']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
