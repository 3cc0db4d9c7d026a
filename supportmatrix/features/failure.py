"""Failure messages for features cells: what was declared, what happened, and a snippet that reproduces the cell."""

from __future__ import annotations

import inspect

from supportmatrix.check import compat
from supportmatrix.check.circuits import DEVICE_WIRES, to_real_vector
from supportmatrix.check.failure import detail_lines
from supportmatrix.check.interfaces import ADAPTERS
from supportmatrix.features.build import circuit_source, fixed_arrays_source
from supportmatrix.features.catalog import FEATURES, Feature
from supportmatrix.features.runner import FeatureRun, feature_seed, feature_vector
from supportmatrix.matrix.model import Expectation, FeatureCell


def feature_snippet(cell: FeatureCell, feature: Feature | None = None) -> str:
    """Python source that rebuilds the cell's QNode and computes its Jacobian (with
    ``feature``'s parameters when given)."""
    feature = feature or FEATURES[cell.feature]
    adapter = ADAPTERS[cell.interface]
    interface = "None" if cell.interface == "None" else repr(cell.interface)
    lines = [
        "import numpy as np",
        "import pennylane as qml",
        *adapter.snippet_imports,
        "",
        *fixed_arrays_source(feature),
        *compat.qnode_source(device=cell.device, wires=DEVICE_WIRES, seed=feature_seed(cell),
                             interface=interface, diff_method=cell.diff_method, shots=cell.shots),
        *circuit_source(feature),
        "",
        inspect.getsource(to_real_vector),
        inspect.getsource(feature_vector).replace(
            "    import pennylane as qml\n\n", ""),
        "def f(x):",
        "    return feature_vector(circuit(x))",
        "",
        *adapter.snippet_body(list(feature.params)),
    ]
    return "\n".join(lines)


def feature_failure_message(run: FeatureRun, expectation: Expectation, problems: list[str]) -> str:
    """The text pytest shows when a features cell's observation disagrees with matrix.yaml."""
    cell = run.cell
    lines = [f"[{cell.id}]", *(f"  {p}" for p in problems)]
    lines.append(f"  declared: {expectation.describe()}")
    lines.append(f"  observed: {run.observed.describe()}")
    if run.resolved_method and run.resolved_method != cell.diff_method:
        lines.append(f"  diff_method {cell.diff_method!r} resolved to {run.resolved_method!r}")
    lines += detail_lines(run.observed, run.warnings)
    lines.append("  reproduce with:")
    lines += [f"    {line}" if line else ""
              for line in feature_snippet(cell, run.feature).splitlines()]
    lines.append("  if PennyLane's new behaviour is right, declare it under features: in "
                 "matrix.yaml and regenerate docs/support-table.md.")
    return "\n".join(lines)
