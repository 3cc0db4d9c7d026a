"""Choosing the representative cell of each features class that the property tests run."""

from __future__ import annotations

from supportmatrix.features.representatives import supported_feature_classes
from supportmatrix.matrix.model import Expectation, FamilyCells, FeatureCell, Matrix, Outcome, ResolvedCell

SUPPORTED = Expectation(Outcome.SUPPORTED)
INCORRECT = Expectation(Outcome.INCORRECT, note="wrong")


def _rc(
    interface: str,
    method: str,
    feature: str = "controlled",
    expectation: Expectation = SUPPORTED,
    shots: int | None = None,
) -> ResolvedCell:
    return ResolvedCell(FeatureCell("default.qubit", interface, method, feature, shots), expectation)


def test_the_cheapest_supported_analytic_unbatched_cell_of_each_class() -> None:
    cells = (
        _rc("None", "backprop", expectation=INCORRECT),
        _rc("torch", "backprop", shots=10000),  # finite shots: not sampled
        _rc("torch", "backprop"),
        _rc("jax", "backprop"),  # torch comes first in the file
        _rc("None", "adjoint", feature="rot"),
        _rc("jax", "backprop", feature="broadcast"),  # batched: its own cells check it
        _rc("tf", "parameter-shift", expectation=INCORRECT),  # no supported cell: no class
        # tf comes first in the file, jax is cheaper (`INTERFACE_COST`), as for QNode cells
        _rc("tf", "adjoint", feature="two-qubit"),
        _rc("jax", "adjoint", feature="two-qubit"),
    )
    matrix = Matrix("m.yaml", {}, {"features": FamilyCells({}, cells)})
    assert [rc.cell.id for rc in supported_feature_classes(matrix)] == [
        "default.qubit-torch-backprop-controlled-analytic",
        "default.qubit-None-adjoint-rot-analytic",
        "default.qubit-jax-adjoint-two-qubit-analytic",
    ]


def test_features_with_narrower_domains_have_classes_and_edge_features_none() -> None:
    cells = tuple(
        _rc("autograd", "parameter-shift", feature=name)
        for name in (
            "noise-amplitude-damping",
            "templates-amplitude-embedding",
            "mcm-postselect-deferred",
            "mcm-stats-tree-traversal",
            "mcm-certain-tree-traversal",  # its point is a branch of round-off probability
            "templates-amplitude-embedding-sparse",  # its point has a zero feature
        )
    )
    matrix = Matrix("m.yaml", {}, {"features": FamilyCells({}, cells)})
    assert [rc.cell.feature for rc in supported_feature_classes(matrix)] == [
        "noise-amplitude-damping",
        "templates-amplitude-embedding",
        "mcm-postselect-deferred",
        "mcm-stats-tree-traversal",
    ]
