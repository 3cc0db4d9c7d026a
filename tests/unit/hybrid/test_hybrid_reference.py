"""Unit tests for `supportmatrix.hybrid.reference`, the hybrid family's oracle.

Its outputs are checked against a closed form worked out by hand. On RX(a)|0> x RX(b)|0>,
<X> = 0 on each wire, so conjugating Z through the circuit (CNOT keeps Z0, maps Z1 to
Z0 Z1; RX(t) maps Z to cos t Z + sin t Y, whose Y parts meet an X and vanish) leaves

    <Z0> = cos(u0 + w00) cos(w10),    <Z1> = cos(w10) cos(u1 + w01 + w11),

with ``u = x W1 + b1`` and ``w`` the two layers' rotation angles. Its gradient, by the
chain rule on that closed form, checks the stencil; PennyLane's own run of
`models.qnode_body` checks that the closed form is the circuit the cells train.
"""

from __future__ import annotations

import numpy as np
import pytest

from supportmatrix.check.tolerance import EXACT_METHODS, FINITE_DIFF_STEP, ROUNDING, SAFETY
from supportmatrix.hybrid import reference
from supportmatrix.hybrid.models import PARAM_SHAPES, Params, initial_params, qnode_body

STEP = reference.STEP


def _params(seed: int) -> Params:
    """Parameters with every entry nonzero and of either sign, from a local generator."""
    rng = np.random.default_rng(seed)
    return {name: rng.uniform(-2.0, 2.0, size=shape) for name, shape in PARAM_SHAPES.items()}


def _points(seed: int, n: int = 6) -> np.ndarray:
    return np.random.default_rng([seed, 1]).uniform(-1.5, 1.5, size=(n, 2))


def _one_hot(seed: int, n: int = 6) -> np.ndarray:
    return np.eye(2)[np.random.default_rng([seed, 2]).integers(0, 2, size=n)]


def _closed_form_z(params: Params, x: np.ndarray) -> tuple[np.ndarray, ...]:
    """(<Z0>, <Z1>) per point, and the angles A = u0 + w00, C = w10, D = u1 + w01 + w11."""
    u = x @ params["dense1.kernel"] + params["dense1.bias"]
    w = params["quantum.weights"]
    a, c, d = u[:, 0] + w[0, 0], w[1, 0], u[:, 1] + w[0, 1] + w[1, 1]
    return np.cos(a) * np.cos(c), np.cos(c) * np.cos(d), a, c, d


def _closed_form_outputs(params: Params, x: np.ndarray) -> np.ndarray:
    z0, z1, *_ = _closed_form_z(params, x)
    return np.stack([z0, z1], axis=-1) @ params["dense2.kernel"] + params["dense2.bias"]


def _closed_form_gradient(params: Params, x: np.ndarray, y: np.ndarray) -> Params:
    """dL/dtheta by the chain rule on the closed form, L = mean over points and outputs."""
    z0, z1, a, c, d = _closed_form_z(params, x)
    q = np.stack([z0, z1], axis=-1)
    g_out = 2 * (_closed_form_outputs(params, x) - y) / y.size
    g_q = g_out @ params["dense2.kernel"].T
    g_a = g_q[:, 0] * -np.sin(a) * np.cos(c)
    g_c = g_q[:, 0] * np.cos(a) * -np.sin(c) + g_q[:, 1] * -np.sin(c) * np.cos(d)
    g_d = g_q[:, 1] * np.cos(c) * -np.sin(d)
    g_u = np.stack([g_a, g_d], axis=-1)
    return {
        "dense1.kernel": x.T @ g_u,
        "dense1.bias": g_u.sum(axis=0),
        "quantum.weights": np.array([[g_a.sum(), g_d.sum()], [g_c.sum(), g_d.sum()]]),
        "dense2.kernel": q.T @ g_out,
        "dense2.bias": g_out.sum(axis=0),
    }


def _loss_bound_by_hand(params: Params) -> float:
    a = np.abs(params["dense2.kernel"]).sum(axis=0) + np.abs(params["dense2.bias"]) + 1
    return float(np.mean(a**2))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_outputs_match_the_closed_form(seed: int) -> None:
    params, x = _params(seed), _points(seed)
    np.testing.assert_allclose(
        reference.outputs(params, x), _closed_form_outputs(params, x), rtol=0, atol=1e-14
    )


def test_outputs_at_zero_angles_are_the_second_layer_on_plus_one() -> None:
    params = {name: np.zeros(shape) for name, shape in PARAM_SHAPES.items()}
    params["dense2.kernel"] = np.array([[1.0, -2.0], [0.5, 3.0]])
    params["dense2.bias"] = np.array([0.25, -1.0])
    # every angle is 0: <Z0> = <Z1> = 1, so each output is its kernel column's sum plus bias
    np.testing.assert_array_equal(reference.outputs(params, np.ones((3, 2))), np.tile([1.75, 0.0], (3, 1)))


def test_outputs_are_pennylanes_run_of_the_cells_circuit() -> None:
    qml = pytest.importorskip("pennylane", reason="pennylane is not installed")
    params, x = initial_params(), _points(0, n=3)
    qnode = qml.QNode(qnode_body, qml.device("default.qubit", wires=2))
    u = x @ params["dense1.kernel"] + params["dense1.bias"]
    q = np.array([[float(v) for v in qnode(ui, params["quantum.weights"])] for ui in u])
    expected = q @ params["dense2.kernel"] + params["dense2.bias"]
    np.testing.assert_allclose(reference.outputs(params, x), expected, rtol=0, atol=1e-12)


def test_outputs_broadcast_over_leading_probe_dimensions() -> None:
    probes = [_params(seed) for seed in range(3)]
    stacked = {name: np.stack([p[name] for p in probes]) for name in PARAM_SHAPES}
    x = _points(0)
    got = reference.outputs(stacked, x)
    assert got.shape == (3, len(x), 2)
    for k, params in enumerate(probes):
        np.testing.assert_allclose(got[k], _closed_form_outputs(params, x), rtol=0, atol=1e-14)
    assert reference.loss(stacked, x, _one_hot(0)).shape == (3,)


def test_loss_is_the_mean_squared_error_over_points_and_outputs() -> None:
    params, x = _params(4), _points(4)
    y = _one_hot(4)
    expected = (
        sum(
            (o - t) ** 2
            for row, target in zip(_closed_form_outputs(params, x), y, strict=True)
            for o, t in zip(row, target, strict=True)
        )
        / y.size
    )
    assert reference.loss(params, x, y) == pytest.approx(expected, rel=1e-13, abs=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_reference_gradient_is_the_chain_rule_on_the_closed_form(seed: int) -> None:
    params, x, y = _params(seed), _points(seed), _one_hot(seed)
    got = reference.reference_gradient(params, x, y)
    expected = _closed_form_gradient(params, x, y)
    assert list(got) == list(PARAM_SHAPES)
    for name in PARAM_SHAPES:
        # The stencil's own error (module docstring) is ~1e-12 here; 1e-9 is far tighter
        # than any error in the chain rule or the circuit would leave.
        np.testing.assert_allclose(got[name], expected[name], rtol=0, atol=1e-9, err_msg=name)


def test_the_reference_gradient_is_within_its_own_tolerance_of_the_chain_rule() -> None:
    params, x, y = _params(5), _points(5), _one_hot(5)
    got, expected = reference.reference_gradient(params, x, y), _closed_form_gradient(params, x, y)
    tolerance = reference.gradient_tolerance("backprop", params, x)
    for name in PARAM_SHAPES:
        assert np.all(np.abs(got[name] - expected[name]) <= tolerance[name]), name


def test_loss_tolerance_is_safety_times_rounding_times_the_loss_bound() -> None:
    params = _params(0)
    params["dense2.kernel"] = np.array([[1.0, -2.0], [0.5, 0.0]])
    params["dense2.bias"] = np.array([0.25, -1.0])
    # A = (1 + 0.5 + 0.25 + 1, 2 + 0 + 1 + 1) = (2.75, 4); M = (2.75**2 + 4**2) / 2
    assert reference.loss_tolerance(params) == pytest.approx(SAFETY * ROUNDING * 11.78125, rel=1e-15)


@pytest.mark.parametrize("seed", range(4))
def test_the_loss_bound_bounds_every_points_loss_at_any_angles(seed: int) -> None:
    params = _params(seed)
    rng = np.random.default_rng([seed, 3])
    params["quantum.weights"] = rng.uniform(-np.pi, np.pi, size=(200, 2, 2))
    params["dense1.bias"] = rng.uniform(-np.pi, np.pi, size=(200, 2))
    for name in ("dense1.kernel", "dense2.kernel", "dense2.bias"):
        params[name] = np.broadcast_to(params[name], (200, *params[name].shape))
    x, y = _points(seed), _one_hot(seed)
    per_point = np.mean((reference.outputs(params, x) - y) ** 2, axis=-1)
    bound = _loss_bound_by_hand(_params(seed))
    assert per_point.max() <= bound
    # ... and is not so loose that any bound would pass: the loss reaches a fair share of it
    assert per_point.max() >= bound / 10


def test_gradient_tolerance_of_the_second_layer_has_no_truncation_term() -> None:
    params, x = _params(0), _points(0)
    m = _loss_bound_by_hand(params)
    tolerance = reference.gradient_tolerance("adjoint", params, x)
    expected = SAFETY * (1.5 * ROUNDING * m / STEP + ROUNDING * 2 * m)
    for name in ("dense2.kernel", "dense2.bias"):
        np.testing.assert_allclose(tolerance[name], np.full(PARAM_SHAPES[name], expected), rtol=1e-14)


def test_gradient_tolerance_of_the_first_kernel_follows_each_inputs_size() -> None:
    params = _params(0)
    x = np.array([[1.0, 0.0], [-0.5, 0.0]])  # input 1 is always 0: its angle never moves
    m = _loss_bound_by_hand(params)
    rounding = 1.5 * ROUNDING * m / STEP
    tolerance = reference.gradient_tolerance("parameter-shift", params, x)["dense1.kernel"]
    sigma = np.array([2.0, 1.0])  # 2 |x_b0|
    row0 = SAFETY * (STEP**4 / 30 * np.mean(sigma**5) * m + rounding + ROUNDING * np.mean(sigma) * m)
    np.testing.assert_allclose(tolerance, [[row0, row0], [SAFETY * rounding] * 2], rtol=1e-14)


def test_gradient_tolerance_of_the_biases_and_rotations_takes_slope_one() -> None:
    params, x = _params(0), _points(0)
    m = _loss_bound_by_hand(params)
    expected = SAFETY * (STEP**4 / 30 * 2**5 * m + 1.5 * ROUNDING * m / STEP + ROUNDING * 2 * m)
    tolerance = reference.gradient_tolerance("backprop", params, x)
    for name in ("dense1.bias", "quantum.weights"):
        np.testing.assert_allclose(tolerance[name], np.full(PARAM_SHAPES[name], expected), rtol=1e-14)


def test_finite_diff_tolerance_adds_the_forward_differences_error() -> None:
    params, x = _params(0), _points(0)
    exact = reference.gradient_tolerance("backprop", params, x)
    fd = reference.gradient_tolerance("finite-diff", params, x)
    extra = FINITE_DIFF_STEP / 2 + 2 * ROUNDING / FINITE_DIFF_STEP - ROUNDING
    m = _loss_bound_by_hand(params)
    np.testing.assert_allclose(fd["dense2.bias"] - exact["dense2.bias"], SAFETY * extra * 2 * m, rtol=1e-9)


@pytest.mark.parametrize("method", sorted(EXACT_METHODS))
def test_every_exact_method_gets_the_same_tolerance(method: str) -> None:
    params, x = _params(0), _points(0)
    got = reference.gradient_tolerance(method, params, x)
    expected = reference.gradient_tolerance("backprop", params, x)
    for name in PARAM_SHAPES:
        np.testing.assert_array_equal(got[name], expected[name])


@pytest.mark.parametrize("method", ["spsa", "best", "nonesuch"])
def test_a_method_without_an_error_model_is_refused(method: str) -> None:
    with pytest.raises(ValueError, match=f"no error model for diff method '{method}'"):
        reference.gradient_tolerance(method, _params(0), _points(0))


def test_flatten_follows_the_order_of_param_shapes() -> None:
    params = {name: np.full(shape, k, dtype=float) for k, (name, shape) in enumerate(PARAM_SHAPES.items())}
    sizes = [int(np.prod(shape)) for shape in PARAM_SHAPES.values()]
    np.testing.assert_array_equal(
        reference.flatten(params), np.repeat(np.arange(len(sizes), dtype=float), sizes)
    )


def test_flatten_never_casts() -> None:
    params = {name: np.zeros(shape) for name, shape in PARAM_SHAPES.items()}
    params["dense1.bias"] = np.array([1j, 2.0])
    assert reference.flatten(params).dtype == np.complex128
    params["dense1.bias"] = np.ones(2, dtype=np.float32)
    assert reference.flatten(params).dtype == np.float64
