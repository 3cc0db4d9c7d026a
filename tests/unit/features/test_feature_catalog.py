"""The features catalog: one builder, one snippet, and both build the same circuit."""

from __future__ import annotations

import numpy as np
import pytest

from supportmatrix.check.tolerance import CHECKS_PER_SHOT_CELL, FAMILY_FAILURE
from supportmatrix.features import density
from supportmatrix.features.catalog import FEATURES
from supportmatrix.matrix.model import FeatureCell

#: One-shot mid-circuit measurements need shots: their snippets run with the feature's own.
ANALYTIC = [name for name, f in FEATURES.items() if not f.shot_vector and f.mcm_method != "one-shot"]
ONE_SHOT = [name for name, f in FEATURES.items() if f.mcm_method == "one-shot"]
#: The snippet runs autograd backprop, except where matrix.yaml declares that wrong: the
#: exponential of a Sum under autograd backprop (note backprop-evolution-autograd) and
#: qml.exp's complex coefficient (exp-complex-coefficient) are right under jax backprop.
SNIPPET_INTERFACE = {"op-evolve": "jax", "op-exp": "jax", "templates-amplitude-embedding-sparse": "torch"}
#: At a zero feature every method that decomposes the embedding returns NaN (note
#: amplitude-embedding-zero-feature); torch's backprop applies the state directly, without
#: autograd's complex-cast warning, and is right.
SNIPPET_METHOD = {"templates-amplitude-embedding-sparse": "backprop"}


def _run_snippet(cell: FeatureCell) -> dict:
    from supportmatrix.features.failure import feature_snippet

    namespace: dict = {}
    # Executing the snippet is the point of these tests: the suite itself never does.
    exec(compile(feature_snippet(cell), f"<{cell.id} snippet>", "exec"), namespace)  # noqa: S102
    return namespace


def _plain(value: object) -> np.ndarray:
    """A snippet's array as NumPy (a torch tensor that requires grad is detached first)."""
    detach = getattr(value, "detach", None)
    return np.asarray(detach() if detach is not None else value)


@pytest.mark.parametrize("name", ANALYTIC)
def test_the_snippet_builds_the_feature_and_runs(name: str) -> None:
    """The failure report's snippet, executed, gives the oracle's value and Jacobian (and
    Hessian), with parameters of the feature's dtype."""
    pytest.importorskip("pennylane")
    from supportmatrix.features import tolerance
    from supportmatrix.features.oracle import feature_reference, hessian_of

    feature = FEATURES[name]
    interface = SNIPPET_INTERFACE.get(name, "autograd")
    # tree-traversal under autograd's backprop raises (PennyLane #6541, declared): its
    # snippet is run with finite differences, which the page documents for it.
    # A channel needs a mixed-state device, where backprop through a damping channel is NaN
    # (note mixed-backprop-damping-nan): the snippet runs there with finite differences.
    # Backprop through an embedding warns of a complex cast (an error here): parameter-shift.
    channel = any(g.name in density.CHANNELS for g in feature.gates)
    if name in SNIPPET_METHOD:
        method = SNIPPET_METHOD[name]
    elif channel or feature.mcm_method == "tree-traversal":
        method = "finite-diff"
    else:
        method = "parameter-shift" if density.needs_density(feature) else "backprop"
    device = "default.mixed" if channel else "default.qubit"
    namespace = _run_snippet(FeatureCell(device, interface, method, name, None))
    x = namespace["x"]
    assert _plain(x).dtype == np.dtype(feature.dtype)
    ref = feature_reference(name)
    atol = max(1e-12, float(np.max(tolerance.forward_tolerance(feature))))
    assert np.allclose(_plain(namespace["f"](x)), ref.value, atol=atol)
    assert np.allclose(
        _plain(namespace["jac"]),
        ref.jacobian,
        atol=max(1e-9, float(np.max(tolerance.analytic_tolerance(method, feature)))),
    )
    if feature.derivative == 2:
        assert np.allclose(namespace["hess"], hessian_of(feature), atol=1e-8)


@pytest.mark.filterwarnings("ignore:Support for the TensorFlow interface is deprecated")
@pytest.mark.parametrize("interface", ["autograd", "torch", "tf", "jax", "jax-jit"])
def test_every_interfaces_hessian_snippet_differentiates_twice(interface: str) -> None:
    """The Hessian lines of each interface's snippet (`hessian.SECOND_ORDER`) run as written."""
    pytest.importorskip("pennylane")
    from supportmatrix.check.interfaces import ADAPTERS, to_numpy
    from supportmatrix.features.oracle import hessian_of

    pytest.importorskip(ADAPTERS[interface].requires)
    namespace = _run_snippet(FeatureCell("default.qubit", interface, "backprop", "hessian-probs", None))
    assert np.allclose(to_numpy(namespace["hess"]), hessian_of(FEATURES["hessian-probs"]), atol=1e-8)


def test_the_shot_vector_snippet_returns_one_result_per_partition() -> None:
    pytest.importorskip("pennylane")
    from supportmatrix.features import tolerance
    from supportmatrix.features.oracle import feature_reference

    feature = FEATURES["shot-vector"]
    cell = FeatureCell("default.qubit", "autograd", "parameter-shift", "shot-vector", 10000)
    namespace = _run_snippet(cell)
    values, jac = np.asarray(namespace["f"](namespace["x"])), np.asarray(namespace["jac"])
    parts = len(feature.shot_vector)
    assert values.shape == (parts,) and jac.shape == (parts, len(feature.params))
    ref = feature_reference("shot-vector")
    p = FAMILY_FAILURE / CHECKS_PER_SHOT_CELL
    for k, shots in enumerate(feature.shot_vector):
        assert np.all(np.abs(values[k] - ref.value) <= tolerance.shots_forward_tolerance(feature, shots, p))


@pytest.mark.parametrize("name", ONE_SHOT)
def test_a_one_shot_snippet_runs_the_features_own_shots(name: str) -> None:
    """A one-shot feature's finite-shot cell (the shots axis' 10000) runs the feature's own
    shots, and its snippet says so and comes out within that many shots' bound."""
    pytest.importorskip("pennylane")
    from supportmatrix.features import tolerance
    from supportmatrix.features.failure import feature_snippet
    from supportmatrix.features.oracle import feature_reference

    feature = FEATURES[name]
    assert feature.shots is not None and feature.shots < 10000
    cell = FeatureCell("lightning.qubit", "autograd", "parameter-shift", name, 10000)
    assert f"shots={feature.shots}" in feature_snippet(cell).replace(" ", "")
    namespace = _run_snippet(cell)
    values = np.asarray(namespace["f"](namespace["x"]))
    p = FAMILY_FAILURE / CHECKS_PER_SHOT_CELL
    bound = tolerance.shots_forward_tolerance(feature, feature.shots, p)
    assert np.all(np.abs(values - feature_reference(name).value) <= bound)
