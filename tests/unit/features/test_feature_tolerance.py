"""The features' derived tolerances: the reference passes, and a zero, sign-flipped or
0.1%-scaled derivative fails every analytic method class of every feature."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest

from supportmatrix.check.tolerance import CHECKS_PER_SHOT_CELL, FAMILY_FAILURE, spsa_matches
from supportmatrix.features import tolerance
from supportmatrix.features.catalog import FEATURES
from supportmatrix.features.oracle import feature_reference, tape_jacobian

#: A whole features run: 6 features x 2 devices x 6 interfaces x 11 methods at 10000 shots.
P = FAMILY_FAILURE / (CHECKS_PER_SHOT_CELL * 792)
NAMES = list(FEATURES)
UNBATCHED = [name for name in NAMES if not FEATURES[name].batch]


def _passes(method: str, name: str, jac: np.ndarray) -> bool:
    """The analytic Jacobian verdict `features.runner` gives."""
    feature = FEATURES[name]
    ref = feature_reference(name).jacobian
    tol = tolerance.analytic_tolerance(method, feature)
    if method != "spsa":
        return bool(np.all(np.abs(jac - ref) <= tol))
    k = feature.classical_jacobian
    if k.shape[0] == k.shape[1] and np.array_equal(k, np.eye(len(k))):
        return bool(np.all(spsa_matches(jac, ref, tol)))
    return tolerance.spsa_matches_through(jac, tape_jacobian(name), k, tol)


@pytest.mark.parametrize("method", ["parameter-shift", "finite-diff", "spsa"])
@pytest.mark.parametrize("name", UNBATCHED)
def test_the_reference_passes_and_wrong_derivatives_fail(method: str, name: str) -> None:
    ref = feature_reference(name).jacobian
    assert _passes(method, name, ref)
    assert not _passes(method, name, np.zeros_like(ref)), "zero gradient passed"
    assert not _passes(method, name, -ref), "sign-flipped gradient passed"
    assert not _passes(method, name, ref * (1 - 1e-3)), "0.1%-scaled gradient passed"
    for column in range(ref.shape[1]):  # each parameter's derivative on its own
        for fault in (0.0, -1.0, 1 - 1e-3):
            wrong = ref.copy()
            wrong[:, column] *= fault
            assert not _passes(method, name, wrong), (column, fault)


@pytest.mark.parametrize("name", UNBATCHED)
def test_every_spsa_estimate_passes(name: str) -> None:
    """Whatever direction PennyLane draws over the tape parameters, its estimate passes."""
    feature = FEATURES[name]
    g, k = tape_jacobian(name), feature.classical_jacobian
    for d in product((1.0, -1.0), repeat=g.shape[1]):
        d = np.array(d)
        assert _passes("spsa", name, np.outer(g @ d, d @ k)), d


def test_classical_spsa_is_not_of_the_plain_form() -> None:
    """Why `spsa_matches_through` exists: through RX(2 x0 + x1), a correct SPSA estimate is
    not (J . d) d for any d over the QNode's parameters."""
    feature = FEATURES["classical"]
    g, k = tape_jacobian("classical"), feature.classical_jacobian
    estimate = np.outer(g @ np.array([1.0, -1.0]), np.array([1.0, -1.0]) @ k)
    ref = feature_reference("classical").jacobian
    assert not spsa_matches(estimate, ref, tolerance.analytic_tolerance("spsa", feature)).all()


def test_frequencies_and_chain_rule_coefficients() -> None:
    assert list(FEATURES["classical"].frequencies) == [2.0, 2.0]
    assert list(FEATURES["controlled"].frequencies) == [1.0, 1.0, 1.0]
    ps = tolerance.gradient_coefficients("parameter-shift", FEATURES["controlled"])
    assert ps == pytest.approx([3 / 8] * 3)  # the four-term rule
    assert tolerance.gradient_coefficients("parameter-shift", FEATURES["classical"]) == pytest.approx(
        [4 * 0.5, 0.5 + 0.5]
    )  # RX(2 x0 + x1), RY(x1)
    assert tolerance.gradient_coefficients("hadamard", FEATURES["rot"]) == pytest.approx([4.0] * 3)
    assert tolerance.gradient_coefficients("direct-hadamard", FEATURES["two-qubit"]) == pytest.approx(
        [0.5] * 3
    )
    assert tolerance.gradient_coefficients("backprop", FEATURES["controlled"]) == pytest.approx(ps)


def test_hamiltonian_width_is_four_times_the_sum_of_squared_coefficients() -> None:
    assert tolerance.output_width_sq(FEATURES["hamiltonian"]) == pytest.approx([4 * 0.9])
    assert FEATURES["hamiltonian"].magnitude == pytest.approx(1.6)
    assert list(tolerance.output_width_sq(FEATURES["two-qubit"])) == [1.0] * 4


@pytest.mark.parametrize("method", ["parameter-shift", "hadamard", "direct-hadamard"])
@pytest.mark.parametrize("name", NAMES)
def test_finite_shot_tolerances_catch_zero_and_flipped_gradients(method: str, name: str) -> None:
    feature = FEATURES[name]
    ref = feature_reference(name).jacobian
    tol = tolerance.shots_jacobian_tolerance(method, feature, 10000, P)
    for wrong in (np.zeros_like(ref), -ref):
        assert not np.all(np.abs(wrong - ref) <= tol)


def test_the_all_partitions_equal_bound_is_far_below_any_budget() -> None:
    assert tolerance.all_partitions_equal_bound(10000, 25) < 1e-30 < P


@pytest.mark.parametrize("method", ["backprop", "finite-diff"])
def test_broadcast_wrong_derivatives_fail(method: str) -> None:
    """Each batch element's derivatives, zeroed, flipped or scaled, and a leak between
    elements (an output depending on another element's values) fail."""
    feature = FEATURES["broadcast"]
    ref = feature_reference("broadcast").jacobian
    tol = tolerance.analytic_tolerance(method, feature)
    assert tol.shape == ref.shape and np.all(np.abs(ref - ref) <= tol)
    for b in range(feature.batch):
        for fault in (0.0, -1.0, 1 - 1e-3):
            wrong = ref.copy()
            wrong[b, :, b] *= fault
            assert not np.all(np.abs(wrong - ref) <= tol), (b, fault)
    leak = ref.copy()
    leak[0, :, 1] = ref[1, :, 1]
    assert not np.all(np.abs(leak - ref) <= tol)
