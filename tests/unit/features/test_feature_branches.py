"""The mid-circuit measurement oracle (`features.branches`) against closed forms derived by hand."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from supportmatrix.features.branches import branches, kept_probability
from supportmatrix.features.catalog import FEATURES, MCM_METHODS
from supportmatrix.features.oracle import outputs

RNG_POINTS = np.random.default_rng(5).uniform(-3, 3, size=(7, 2))


def _cs(points: np.ndarray) -> tuple[np.ndarray, ...]:
    half = points / 2
    return np.cos(half[:, 0]), np.sin(half[:, 0]), np.cos(half[:, 1]), np.sin(half[:, 1])


@pytest.mark.parametrize("method", MCM_METHODS)
def test_the_conditioned_rotation_acts_in_the_outcome_1_branch_only(method: str) -> None:
    c0, s0, _, _ = _cs(RNG_POINTS)
    expected = c0**2 + s0**2 * np.cos(RNG_POINTS[:, 1])
    assert outputs(FEATURES[f"mcm-cond-{method}"], RNG_POINTS)[:, 0] == pytest.approx(expected, abs=1e-13)


def test_postselection_renormalises_by_the_kept_probability() -> None:
    feature = FEATURES["mcm-postselect-deferred"]
    c0, s0, c1, s1 = _cs(RNG_POINTS)
    kept = c0**2 * s1**2 + s0**2 * c1**2
    assert kept_probability(feature, RNG_POINTS) == pytest.approx(kept, abs=1e-13)
    expected = (c0**2 * s1**2 - s0**2 * c1**2) / kept
    assert outputs(feature, RNG_POINTS)[:, 0] == pytest.approx(expected, abs=1e-12)
    # Only the postselected outcome survives.
    assert {b.outcomes for b in branches(feature, RNG_POINTS)} == {(1,)}


def test_statistics_of_an_outcome_are_its_probabilities() -> None:
    one = (1 - np.cos(RNG_POINTS[:, 0]) * np.cos(RNG_POINTS[:, 1])) / 2
    out = outputs(FEATURES["mcm-stats-tree-traversal"], RNG_POINTS)
    assert out == pytest.approx(np.stack([one, 1 - one, one], axis=1), abs=1e-13)


def test_reset_projects_then_flips_back_to_zero() -> None:
    c0, s0, c1, s1 = _cs(RNG_POINTS)
    expected = np.stack([c0**2 * c1**2, s0**2 * c1**2, c0**2 * s1**2, s0**2 * s1**2], axis=1)
    assert outputs(FEATURES["mcm-reset-tree-traversal"], RNG_POINTS) == pytest.approx(expected, abs=1e-13)
    # Just after the reset, both branches hold wire 0 in |0>, wire 1 in the outcome's state.
    feature = FEATURES["mcm-reset-deferred"]
    ends = branches(dataclasses.replace(feature, gates=feature.gates[:3]), RNG_POINTS)
    for branch in ends:
        assert np.all(branch.psi[:, 1, :] == 0)
        assert np.all(branch.psi[:, 0, 1 - branch.outcomes[0]] == 0)


def test_without_postselection_nothing_is_discarded() -> None:
    for name in ("mcm-cond-deferred", "mcm-stats-deferred", "mcm-reset-deferred"):
        assert kept_probability(FEATURES[name], RNG_POINTS) == pytest.approx(1.0, abs=1e-13)
