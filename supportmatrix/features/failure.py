"""What a features cell's failure text adds to the shared one: a snippet that rebuilds the cell."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from supportmatrix.check import compat
from supportmatrix.check.circuits import function_source, to_real_vector
from supportmatrix.check.interfaces import ADAPTERS
from supportmatrix.check.run import CellRun
from supportmatrix.check.seeds import cell_seed, spsa_source
from supportmatrix.check.snippet_oracle import comparison_lines
from supportmatrix.features.build import circuit_source, fixed_arrays_source
from supportmatrix.features.catalog import FEATURES
from supportmatrix.features.hessian import SECOND_ORDER
from supportmatrix.features.model import Feature
from supportmatrix.features.oracle import hessian_of, reference_of
from supportmatrix.features.runner import FeatureInputs, cell_shots, feature_vector, partitions_vector
from supportmatrix.matrix.model import FeatureCell, ResolvedCell


def feature_snippet(cell: FeatureCell, feature: Feature | None = None, run: int = 0) -> str:
    """Python source that rebuilds the cell's QNode and computes its Jacobian, and its
    Hessian for a Hessian feature (with ``feature``'s parameters and ``run``'s seed when
    given)."""
    feature = feature or FEATURES[cell.feature]
    adapter = ADAPTERS[cell.interface]
    interface = "None" if cell.interface == "None" else repr(cell.interface)
    shot_vector = cell.shots is not None and bool(feature.shot_vector)
    vector = partitions_vector if shot_vector else feature_vector
    lines = [
        "import numpy as np",
        "import pennylane as qml",
        *adapter.snippet_imports,
        "",
        *fixed_arrays_source(feature),
        *compat.qnode_source(
            device=cell.device,
            wires=feature.device_wires,
            seed=cell_seed(cell, run=run),
            interface=interface,
            diff_method=cell.diff_method,
            shots=cell_shots(cell, feature),
            max_diff=feature.derivative,
            gradient_kwargs=spsa_source(cell, run),
            mcm_method=feature.mcm_method,
        ),
        *circuit_source(feature),
        "",
        function_source(to_real_vector),
        _source(feature_vector),
        *([_source(partitions_vector)] if shot_vector else []),
        "def f(x):",
        f"    return {vector.__name__}(circuit(x))",
        "",
    ]
    values = feature.params
    if feature.derivative == 2:
        lines += [
            adapter.snippet_params_line(values, feature.dtype),
            *SECOND_ORDER[cell.interface].snippet,
            "print(f(x))",
            "print(jac)",
            "print(hess)",
        ]
    else:
        lines += adapter.snippet_body(values, feature.dtype)
    return "\n".join(lines)


def _source(function: Callable[..., Any]) -> str:
    """A function's source as the snippet quotes it: without its local PennyLane import
    (the snippet imports it at the top)."""
    return function_source(function).replace("    import pennylane as qml\n\n", "")


def failure_lines(run: CellRun, rc: ResolvedCell) -> tuple[list[str], list[str]]:
    """Context lines (none: the shared text says all) and reproduction lines for
    `check.failure.failure_message`."""
    inputs = run.extras or FeatureInputs()
    return [], feature_snippet(run.cell, inputs.feature, inputs.run).splitlines()


def oracle_lines(cell: FeatureCell) -> list[str]:
    """Lines to append to the cell's snippet: its value, Jacobian (and Hessian) next to the
    oracle's; a shot vector's partitions each against the same reference."""
    feature = FEATURES[cell.feature]
    ref = reference_of(feature)
    copies = len(feature.shot_vector) if cell.shots is not None and feature.shot_vector else 1
    pairs = [
        ("value", "f(x)", np.tile(ref.value, copies)),
        ("Jacobian", "jac", np.concatenate([ref.jacobian] * copies)),
    ]
    if feature.derivative == 2:
        pairs.append(("Hessian", "hess", hessian_of(feature)))
    return comparison_lines(pairs)
