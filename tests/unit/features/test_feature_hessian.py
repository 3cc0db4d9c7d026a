"""The Hessian features: the reference against closed forms, the derived tolerances (a zero,
sign-flipped or 0.1%-scaled second derivative fails), and each framework's own double
differentiation on a plain function."""

from __future__ import annotations

import numpy as np
import pytest

from supportmatrix.check.scaffold import Observation
from supportmatrix.check.tolerance import CHECKS_PER_SHOT_CELL, FAMILY_FAILURE, discriminates
from supportmatrix.features import hessian_tolerance as ht
from supportmatrix.features.catalog import FEATURES
from supportmatrix.features.gate_rules import GATE_RULES
from supportmatrix.features.oracle import hessian_of, outputs
from supportmatrix.matrix.axes import KNOWN_FEATURE_AXIS_VALUES

#: A whole features run: every feature x 2 devices x 6 interfaces x 11 methods at 10000 shots.
P = FAMILY_FAILURE / (CHECKS_PER_SHOT_CELL * len(KNOWN_FEATURE_AXIS_VALUES["feature"]) * 132)
HESSIANS = [name for name, f in FEATURES.items() if f.derivative == 2]
FAULTS = (0.0, -1.0, 1 - 1e-3)


def test_there_are_hessian_features_of_an_expectation_and_of_probabilities() -> None:
    assert HESSIANS == ["hessian", "hessian-probs"]
    assert set(HESSIANS) <= set(KNOWN_FEATURE_AXIS_VALUES["feature"])
    assert KNOWN_FEATURE_AXIS_VALUES["feature"] == tuple(FEATURES)  # the runner builds every known value
    assert {m.kind for name in HESSIANS for m in FEATURES[name].measurements} == {"expval", "probs"}
    assert all(FEATURES[name].device_wires == 4 for name in HESSIANS)


def test_the_hessian_reference_is_the_closed_form_within_its_bound() -> None:
    """<Z1> after RY(x0), CRX(x1) is (1 + cos x0)/2 + (1 - cos x0)/2 cos x1."""
    x0, x1 = FEATURES["hessian"].params
    exact = np.array(
        [
            [-np.cos(x0) / 2 + np.cos(x0) * np.cos(x1) / 2, -np.sin(x0) * np.sin(x1) / 2],
            [-np.sin(x0) * np.sin(x1) / 2, -(1 - np.cos(x0)) / 2 * np.cos(x1)],
        ]
    )
    error = np.abs(hessian_of(FEATURES["hessian"])[0] - exact)
    assert np.all(error <= ht.reference_error(FEATURES["hessian"]))
    # probabilities of the matrix circuit: p00 = (1 + cos x0)(1 + cos x1) / 4
    y0, y1 = FEATURES["hessian-probs"].params
    h00 = hessian_of(FEATURES["hessian-probs"])[0]
    assert h00[0, 1] == pytest.approx(np.sin(y0) * np.sin(y1) / 4, abs=1e-9)
    assert h00[0, 0] == pytest.approx(-np.cos(y0) * (1 + np.cos(y1)) / 4, abs=1e-9)


@pytest.mark.parametrize("name", HESSIANS)
def test_every_hessian_entry_is_alive(name: str) -> None:
    """A zero entry would let a zero second derivative of that pair pass."""
    hess = hessian_of(FEATURES[name])
    assert np.all(np.max(np.abs(hess), axis=0) > 2e-2), hess


def _fails(wrong: np.ndarray, ref: np.ndarray, tol: np.ndarray) -> bool:
    return not np.all(np.abs(wrong - ref) <= tol)


@pytest.mark.parametrize("method", ["parameter-shift", "backprop", "adjoint", "hadamard"])
@pytest.mark.parametrize("name", HESSIANS)
def test_the_reference_passes_and_wrong_second_derivatives_fail(method: str, name: str) -> None:
    feature = FEATURES[name]
    ref = hessian_of(feature)
    tol = ht.analytic_hessian_tolerance(method, feature)
    assert tol.shape == ref.shape and not _fails(ref, ref, tol)
    assert ht.vouches(feature, tol)
    for fault in FAULTS:
        assert _fails(ref * fault, ref, tol), fault
        n = ref.shape[1]
        for i in range(n):  # each pair's second derivative on its own
            for j in range(n):
                wrong = ref.copy()
                wrong[:, i, j] *= fault
                assert _fails(wrong, ref, tol), (i, j, fault)


@pytest.mark.parametrize("name", HESSIANS)
def test_nested_central_differences_reject_zero_and_flips_but_cannot_vouch(name: str) -> None:
    """spsa's bound fails a zero or flipped Hessian, not a 0.1%-scaled one: it cannot vouch."""
    feature = FEATURES[name]
    ref = hessian_of(feature)
    tol = ht.analytic_hessian_tolerance("spsa", feature)
    assert not _fails(ref, ref, tol) and _fails(0 * ref, ref, tol) and _fails(-ref, ref, tol)
    assert not ht.vouches(feature, tol)


def test_spsas_rank_one_estimate_is_not_accepted() -> None:
    """Nested SPSA's (d^T H d) d d^T is held to H, and no direction passes."""
    feature = FEATURES["hessian"]
    ref = hessian_of(feature)
    tol = ht.analytic_hessian_tolerance("spsa", feature)
    for d in ([1.0, 1.0], [1.0, -1.0]):
        d = np.array(d)
        rank_one = (d @ ref[0] @ d) * np.outer(d, d)
        assert _fails(rank_one[None], ref, tol), d


@pytest.mark.parametrize("name", HESSIANS)
def test_nested_forward_differences_cannot_be_vouched_for(name: str) -> None:
    """At h = 1e-7 the nested forward difference's own bound exceeds every entry."""
    feature = FEATURES[name]
    tol = ht.analytic_hessian_tolerance("finite-diff", feature)
    assert not discriminates(hessian_of(feature), tol) and not ht.vouches(feature, tol)
    assert float(np.min(tol)) > 1.0


def test_the_nested_rules_merged_squares() -> None:
    """Two-term rule nested: shifts pi, 0, -pi with 1/4, -1/2, 1/4 once merged: 3/8 > 1/4."""
    assert GATE_RULES["RY"].nested_shift_sq == pytest.approx(3 / 8)
    four = GATE_RULES["CRX"]
    merged: dict[float, float] = {}
    for ck, sk in four.rule:
        for cl, sl in four.rule:
            merged[round(sk + sl, 9)] = merged.get(round(sk + sl, 9), 0.0) + ck * cl
    assert four.nested_shift_sq == pytest.approx(max(sum(v**2 for v in merged.values()), four.shift_sq**2))


def test_the_nested_rule_is_the_oracles_second_derivative() -> None:
    """The merged two-term rule (f(x + pi) - 2 f(x) + f(x - pi)) / 4 is d^2 f / dx0^2."""
    feature = FEATURES["hessian-probs"]
    x = np.array(feature.params)
    e = np.array([1.0, 0.0])
    f = lambda s: outputs(feature, (x + s * e)[None, :])[0]  # noqa: E731
    rule = (f(np.pi) - 2 * f(0.0) + f(-np.pi)) / 4
    assert np.allclose(rule, hessian_of(feature)[:, 0, 0], atol=1e-8)


def test_shot_hessian_widths() -> None:
    ps = ht.hessian_width_sq("parameter-shift", FEATURES["hessian-probs"])
    assert ps == pytest.approx(np.array([[3 / 8, 1 / 4], [1 / 4, 3 / 8]]))
    crx = ht.hessian_width_sq("parameter-shift", FEATURES["hessian"])
    assert crx[0, 1] == pytest.approx(0.5 * 3 / 8) and crx[1, 1] > (3 / 8) ** 2
    hadamard = ht.hessian_width_sq("hadamard", FEATURES["hessian"])
    assert hadamard == pytest.approx(np.array([[32.0, 16.0], [16.0, 32.0]]))
    assert ht.hessian_width_sq("spsa", FEATURES["hessian"]) == pytest.approx(crx)


@pytest.mark.parametrize("method", ["parameter-shift", "hadamard", "direct-hadamard", "spsa"])
@pytest.mark.parametrize("name", HESSIANS)
def test_finite_shot_tolerances_catch_zero_and_flipped_hessians(method: str, name: str) -> None:
    feature = FEATURES[name]
    ref = hessian_of(feature)
    tol = ht.shots_hessian_tolerance(method, feature, 10000, P)
    for wrong in (np.zeros_like(ref), -ref):
        assert _fails(wrong, ref, tol)


# --------------------------------------------------------------------------- the adapters


def _f(x):  # no annotations: a plain function every framework runs
    import pennylane as qml

    return qml.math.stack([qml.math.sin(x[0]) * x[1] ** 2, qml.math.cos(x[0] * x[1])])


def _exact(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = x
    value = np.array([np.sin(a) * b**2, np.cos(a * b)])
    jac = np.array([[np.cos(a) * b**2, 2 * np.sin(a) * b], [-b * np.sin(a * b), -a * np.sin(a * b)]])
    c = np.cos(a * b)
    hess = np.array(
        [
            [[-np.sin(a) * b**2, 2 * np.cos(a) * b], [2 * np.cos(a) * b, 2 * np.sin(a)]],
            [[-b * b * c, -np.sin(a * b) - a * b * c], [-np.sin(a * b) - a * b * c, -a * a * c]],
        ]
    )
    return value, jac, hess


@pytest.mark.parametrize("interface", ["autograd", "torch", "tf", "jax", "jax-jit"])
def test_each_framework_differentiates_twice(interface: str) -> None:
    from supportmatrix.check.interfaces import ADAPTERS
    from supportmatrix.features.hessian import second_derivatives

    adapter = ADAPTERS[interface]
    pytest.importorskip(adapter.requires)
    values = [0.3, -0.7]
    obs = Observation()
    forward, jac, hess = second_derivatives(interface, _f, adapter.params(values), obs)
    value, exact_jac, exact_hess = _exact(np.array(values))
    assert np.allclose(forward, value) and np.allclose(jac, exact_jac)
    assert np.allclose(hess, exact_hess), hess
    assert obs.stage.value == "gradient"


def test_numpy_parameters_have_no_derivatives() -> None:
    from supportmatrix.check.interfaces import ADAPTERS, NO_GRADIENT
    from supportmatrix.features.hessian import second_derivatives

    with pytest.warns(UserWarning, match="no trainable parameters"):
        forward, jac, hess = second_derivatives(
            "None", _f, ADAPTERS["None"].params([0.3, -0.7]), Observation()
        )
    assert jac is NO_GRADIENT and hess is NO_GRADIENT and forward.shape == (2,)


def test_a_torch_jacobian_without_a_graph_is_no_second_derivative() -> None:
    """torch's functional Jacobian would turn a disconnected Jacobian into zeros; the adapter
    reports it as no gradient instead."""
    torch = pytest.importorskip("torch")
    from supportmatrix.check.interfaces import NO_GRADIENT
    from supportmatrix.features.hessian import second_derivatives

    def linear(x):  # d/dx is a constant: the Jacobian has no graph
        return x * torch.tensor([2.0, 3.0], dtype=torch.float64)

    x = torch.tensor([0.3, -0.7], dtype=torch.float64, requires_grad=True)
    _, jac, hess = second_derivatives("torch", linear, x, Observation())
    assert np.allclose(jac, np.diag([2.0, 3.0])) and hess is NO_GRADIENT
