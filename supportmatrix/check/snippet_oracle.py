"""Lines a reproduction snippet ends with: PennyLane's result printed next to the oracle's.

A snippet that reproduces a wrong value must show it in a fresh environment, where this
package is not installed; so the oracle's values are written into the snippet as
literals, and the snippet prints, for each quantity, PennyLane's dtype and entries, the
oracle's entries and the largest difference between them. ``supportmatrix findings``
appends these lines to each family's reproduction snippet.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["AS_ARRAY", "DIFFERENCE_LABEL", "WRONG_ABOVE", "comparison_lines"]

#: Turns whatever a framework returned into a NumPy array without a cast (torch tensors
#: that require grad must be detached first; tf, jax and autograd convert directly).
AS_ARRAY = [
    "def as_array(t):",
    "    return np.asarray(t.detach() if hasattr(t, 'detach') else t)",
]

#: How each comparison's last line starts; tests read the number after it.
DIFFERENCE_LABEL = "largest difference"
#: A difference above this is no round-off: the exact methods' tolerances
#: (`check.tolerance`) are about 2e-10, and the smallest wrong value a finding reports,
#: lightning.qubit's float32 expectation values, is off by about 6e-9.
WRONG_ABOVE = 1e-9


def comparison_lines(pairs: Sequence[tuple[str, str, np.ndarray]]) -> list[str]:
    """Snippet lines comparing ``(label, expression, oracle value)`` triples: the
    expression is evaluated in the snippet (e.g. ``jac``), the value is the oracle's.

    Each comparison prints three lines; the last one is ``<label> largest difference: X``
    (``sizes differ`` when PennyLane's result has another number of entries).
    """
    lines = [
        "",
        "# The right values: supportmatrix's independent NumPy oracle "
        "(5-point stencil), at the same parameters.",
        *AS_ARRAY,
    ]
    for label, expression, right in pairs:
        name = label.replace(" ", "_")
        # 12 decimals: the reference's own error is about 1e-12, and more digits would
        # make the text depend on the machine's last-bit rounding.
        literal = np.array2string(
            np.asarray(right, dtype=float).ravel(),
            separator=", ",
            precision=12,
            floatmode="maxprec",
            suppress_small=True,
            threshold=10**6,
            max_line_width=10**6,
        )
        lines += [
            f"{name}_right = np.array({literal})",
            f"{name}_got = as_array({expression})",
            f"print('{label} PennyLane:', {name}_got.dtype, {name}_got.ravel())",
            f"print('{label} oracle:   ', {name}_right)",
            f"print('{label} {DIFFERENCE_LABEL}:', np.max(np.abs({name}_got.ravel() - "
            f"{name}_right)) if {name}_got.size == {name}_right.size else 'sizes differ')",
        ]
    return lines
