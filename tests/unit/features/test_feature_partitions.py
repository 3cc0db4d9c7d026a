"""Shot-vector partitions and float32 parameters: each partition judged at its own shots, the
bias check per partition, and float32's round-off bar."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from supportmatrix.check.tolerance import BIAS_REPEATS, CHECKS_PER_SHOT_CELL, FAMILY_FAILURE
from supportmatrix.features import partitions, tolerance
from supportmatrix.features.catalog import FEATURES
from supportmatrix.features.oracle import feature_reference

P = FAMILY_FAILURE / (CHECKS_PER_SHOT_CELL * 12 * 132)
FEATURE = FEATURES["shot-vector"]
SHOTS = FEATURE.shot_vector


def _jacobian_checks(jac: np.ndarray) -> list:
    ref = feature_reference("shot-vector").jacobian
    return partitions.partition_checks(
        "Jacobian",
        jac,
        ref,
        SHOTS,
        lambda shots: tolerance.shots_jacobian_tolerance("parameter-shift", FEATURE, shots, P),
    )


def test_the_partitions_are_the_vector_or_the_cells_shots() -> None:
    assert partitions.shot_partitions(FEATURE, 10000) == (1000, 2000, 5000)
    assert partitions.shot_partitions(FEATURES["controlled"], 10000) == (10000,)
    # a feature with shots of its own (one-shot) runs those, one partition
    one_shot = FEATURES["mcm-reset-one-shot"]
    assert one_shot.shots is not None
    assert partitions.shot_partitions(one_shot, 10000) == (one_shot.shots,)
    assert partitions.label((10000,), 0) == ""
    assert partitions.label(SHOTS, 1) == ", partition 2 of 3 (2000 shots)"


def test_each_partition_has_its_own_tolerance_and_check() -> None:
    ref = feature_reference("shot-vector").jacobian
    checks = _jacobian_checks(np.concatenate([ref] * 3))
    assert [c.what for c in checks] == [
        f"Jacobian, partition {k + 1} of 3 ({s} shots)" for k, s in enumerate(SHOTS)
    ]
    assert all(c.passed for c in checks)
    widths = [float(np.max(c.tolerance)) for c in checks]
    # Hoeffding: the tolerance shrinks as 1/sqrt(shots)
    assert widths[0] / widths[2] == pytest.approx(np.sqrt(5000 / 1000))


@pytest.mark.parametrize("fault", [0.0, -1.0])
@pytest.mark.parametrize("partition", range(3))
def test_a_zeroed_or_flipped_partition_fails_alone(partition: int, fault: float) -> None:
    ref = feature_reference("shot-vector").jacobian
    blocks = [ref.copy() for _ in SHOTS]
    blocks[partition] *= fault
    passed = [c.passed for c in _jacobian_checks(np.concatenate(blocks))]
    assert passed == [k != partition for k in range(3)]


def test_the_bias_check_runs_per_partition_and_needs_independent_partitions() -> None:
    value = feature_reference("shot-vector").value
    rng = np.random.default_rng(5)
    noise = [rng.normal(scale=0.5 / np.sqrt(s), size=(BIAS_REPEATS, 1)) for s in SHOTS]
    results = [value + noise[k][r] for r in range(BIAS_REPEATS) for k in range(3)]
    checks = partitions.bias_checks(FEATURE, SHOTS, results, lambda r: r, value, P)
    assert [c.what for c in checks][:2] == [
        "shot-vector partitions, partition 1 of 3 (1000 shots), max - min",
        "forward value, mean of repeats, partition 1 of 3 (1000 shots)",
    ]
    assert len(checks) == 6 and all(c.passed for c in checks)
    # a device that returns one estimate for every repeat of the second partition
    same = [value + (noise[k][0] if k == 1 else noise[k][r]) for r in range(BIAS_REPEATS) for k in range(3)]
    checks = partitions.bias_checks(FEATURE, SHOTS, same, lambda r: r, value, P)
    assert not checks[-1].passed and "partition 2 of 3" in checks[-1].what


def test_float32s_bar_is_its_round_off_and_catches_what_float64s_does() -> None:
    f32 = FEATURES["float32"]
    as64 = dataclasses.replace(f32, dtype="float64")
    assert tolerance.rounding(f32) / tolerance.rounding(as64) == pytest.approx(2.0**29)
    ref = feature_reference("float32").jacobian
    for method in ("parameter-shift", "finite-diff", "spsa", "backprop"):
        tol = tolerance.analytic_tolerance(method, f32)
        assert np.all(tol < 1e-3 * np.max(np.abs(ref)))  # a 0.1% error of the largest entry fails
        assert np.all(tol > 1e3 * tolerance.analytic_tolerance("parameter-shift", as64))
    # no 1/h amplification: finite-diff gets only its truncation beyond the common bar
    gap = tolerance.analytic_tolerance("finite-diff", f32) - tolerance.analytic_tolerance("adjoint", f32)
    assert np.all(gap <= 10 * 1e-7 / 2 * 1.0 + 1e-18)
    assert tolerance.FLOAT32_DTYPES == ("float32", "float64")


def test_the_float32_features_parameters_are_float32_numbers() -> None:
    values = np.array(FEATURES["float32"].params)
    assert np.array_equal(values.astype(np.float32).astype(np.float64), values)


def test_a_trainable_coefficients_shot_width_is_its_terms() -> None:
    """d<H>/dc_j = <P_j>: one Pauli term's estimate (width 2), whatever the gates' rule."""
    width = tolerance.jacobian_width_sq("parameter-shift", FEATURES["hamiltonian"])
    assert list(width[0, 2:]) == [4.0, 4.0, 4.0]
    assert width[0, 0] == pytest.approx(0.5 * 4 * 0.9)
    assert FEATURES["hamiltonian"].coefficient_params == (2, 3, 4)
