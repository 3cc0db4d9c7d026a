"""The features' independent NumPy simulation and its reference: exact outputs, the 5-point stencil Jacobian and Hessian.

A `model.Feature` is simulated from its own data with `gates`' matrices on a batch of
parameter vectors (wire 0 most significant: `statevector`; with mid-circuit measurements
branch by branch: `branches`), and `check.oracle.stencil_reference` turns
that into a `Reference` exactly as for the matrix's circuit. Nothing here imports PennyLane.
"""

from __future__ import annotations

import functools

import numpy as np

from supportmatrix.check.oracle import Reference, stencil_hessian, stencil_reference
from supportmatrix.features import branches, density
from supportmatrix.features.catalog import FEATURES
from supportmatrix.features.model import Feature, element, tape_feature
from supportmatrix.features.statevector import measure, states


def outputs(feature: Feature, params: np.ndarray) -> np.ndarray:
    """Exact outputs (batch, outputs): each measurement's probabilities or expectation
    value, concatenated in the order they are returned."""
    params = np.asarray(params, dtype=float)
    if density.needs_density(feature):  # channels, embeddings: a density matrix
        return density.outputs(feature, params)
    if feature.mcm_method is not None:
        return branches.outputs(feature, params)
    psi = states(feature, params)
    return np.concatenate([measure(m, psi, params) for m in feature.measurements], axis=1)


def _reference(feature: Feature) -> Reference:
    ref = stencil_reference(
        lambda points: outputs(feature, points),
        np.array(feature.params, dtype=float),
        gates=feature.work - feature.amplitudes,
        amplitudes=feature.amplitudes,
    )
    assert ref is not None
    return ref


@functools.lru_cache(maxsize=256)
def hessian_of(feature: Feature) -> np.ndarray:
    """The reference Hessian of an unbatched ``feature``, (outputs, params, params):
    `check.oracle.stencil_hessian` over the simulation (its error: `tolerance`)."""
    return stencil_hessian(lambda points: outputs(feature, points), np.array(feature.params, dtype=float))


def feature_reference(name: str) -> Reference:
    """The reference of feature ``name`` at its own parameters (`reference_of`)."""
    return reference_of(FEATURES[name])


@functools.lru_cache(maxsize=256)
def reference_of(feature: Feature) -> Reference:
    """The reference of ``feature`` at its parameters (another circuit's, or other
    parameters than the catalog's, for the property tests); cached per process.

    A broadcast feature's is assembled from its batch elements' own references: values
    (batch * outputs,) in batch order, and a Jacobian (batch * outputs, params, batch) that
    is block diagonal, since element ``b``'s outputs depend on element ``b``'s values only.
    """
    if not feature.batch:
        return _reference(feature)
    refs = [_reference(element(feature, b)) for b in range(feature.batch)]
    out, n = refs[0].jacobian.shape
    jac = np.zeros((feature.batch * out, n, feature.batch))
    truncation = np.zeros_like(jac)
    for b, ref in enumerate(refs):
        jac[b * out : (b + 1) * out, :, b] = ref.jacobian
        truncation[b * out : (b + 1) * out, :, b] = ref.truncation
    return Reference(
        value=np.concatenate([r.value for r in refs]),
        jacobian=jac,
        scale=np.concatenate([r.scale for r in refs]),
        truncation=truncation,
        gates=refs[0].gates,
        amplitudes=refs[0].amplitudes,
    )


def tape_jacobian(name: str) -> np.ndarray:
    """The reference Jacobian of feature ``name`` with respect to its tape parameters."""
    return tape_jacobian_of(FEATURES[name])


@functools.lru_cache(maxsize=256)
def tape_jacobian_of(feature: Feature) -> np.ndarray:
    """The reference Jacobian of ``feature`` with respect to its tape parameters
    (`model.tape_feature`), shape (outputs, tape parameters)."""
    tape = tape_feature(feature)
    ref = stencil_reference(
        lambda points: outputs(tape, points),
        np.array(tape.params),
        gates=tape.work - tape.amplitudes,
        amplitudes=tape.amplitudes,
    )
    assert ref is not None
    return ref.jacobian
