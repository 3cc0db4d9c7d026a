"""compat: the release-dependent ways of building a QNode, both of them."""

from __future__ import annotations

import pytest

from supportmatrix.check import compat


@pytest.fixture(params=[True, False], ids=["shots-on-qnode", "shots-on-device"])
def takes_shots(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(compat, "qnode_takes_shots", lambda: request.param)
    return request.param


# 0.45 still builds the older form, with a deprecation warning that is not under test here.
@pytest.mark.filterwarnings("ignore:Setting shots on device is deprecated")
def test_qnode_and_its_source_put_shots_in_the_same_place(takes_shots: bool) -> None:
    import pennylane as qml

    def circuit(x):
        qml.RX(x, wires=0)
        return qml.expval(qml.PauliZ(0))

    node = compat.device_qnode(
        circuit,
        device="default.qubit",
        wires=1,
        seed=7,
        interface="autograd",
        diff_method="parameter-shift",
        shots=100,
    )
    source = "\n".join(
        compat.qnode_source(
            device="default.qubit",
            wires=1,
            seed=7,
            interface="'autograd'",
            diff_method="parameter-shift",
            shots=100,
        )
    )
    assert ("shots=100)" in source.splitlines()[-1]) is takes_shots
    value = node(0.3)
    assert -1.0 <= float(value) <= 1.0
    namespace = {"qml": qml}
    exec(source + "\ndef f(x):\n    qml.RX(x, wires=0)\n    return qml.expval(qml.PauliZ(0))\n", namespace)
    assert namespace["f"](0.3) == value  # same seed, same shots, same samples


def test_best_method_is_what_pennylane_picks() -> None:
    import pennylane as qml

    node = qml.QNode(lambda x: qml.expval(qml.PauliZ(0)), qml.device("default.qubit", wires=1))
    assert compat.best_diff_method(node, 0.1) == "backprop"


def test_max_diff_shot_vectors_and_gradient_kwargs_reach_the_qnode_and_its_source() -> None:
    import numpy as np
    import pennylane as qml

    def circuit(x):
        qml.RX(x, wires=0)
        return qml.expval(qml.PauliZ(0))

    node = compat.device_qnode(
        circuit,
        device="default.qubit",
        wires=1,
        seed=7,
        interface="autograd",
        diff_method="spsa",
        shots=(10, 20),
        max_diff=2,
        gradient_kwargs={"sampler_rng": np.random.default_rng(3)},
    )
    assert node.execute_kwargs["max_diff"] == 2 and "sampler_rng" in node.gradient_kwargs
    assert len(node(0.3)) == 2  # one result per partition
    decorator = compat.qnode_source(
        device="default.qubit",
        wires=1,
        seed=7,
        interface="'autograd'",
        diff_method="spsa",
        shots=(10, 20),
        max_diff=2,
        gradient_kwargs="{'sampler_rng': np.random.default_rng(3)}",
    )[-1]
    assert decorator.endswith(
        "shots=(10, 20), max_diff=2, gradient_kwargs={'sampler_rng': np.random.default_rng(3)})"
    )
    plain = compat.qnode_source(
        device="default.qubit", wires=1, seed=7, interface="None", diff_method="best", shots=None
    )[-1]
    assert "max_diff" not in plain and "gradient_kwargs" not in plain
