"""Compare PennyLane's mid-circuit measurement table (`mcm_table`) with the ``mcm-*`` cells a matrix declares or observed.

A cell ``mcm-<shape>-<mcm method>`` (device, interface, diff method, shots) is documented
by its technique's row: the table's claim for its mcm method, diff method, shots and
whether its shape postselects (``mcm-postselect-*``). A claim of "supported" is
contradicted by any other outcome (an error, no gradient, or a wrong value); a claim of
"no" (one-shot's analytic column) by a cell that works. Cells the table says nothing
about are counted, never compared. Only trainable interfaces are compared: with
``interface=None`` nothing is differentiated.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from supportmatrix.matrix.devices import PYTHON_STATEVECTOR
from supportmatrix.matrix.model import Matrix, Outcome, ResolvedCell
from supportmatrix.pennylane_docs.mcm_table import SOURCE, McmClaim, McmTable

DEFAULT_DEVICE = PYTHON_STATEVECTOR  # the device PennyLane's page describes
#: The shape whose measurement is postselected.
POSTSELECTED_SHAPE = "postselect"


@dataclass(frozen=True)
class McmDisagreement:
    """One cell whose declaration contradicts the documented claim."""

    cell_id: str
    claim: McmClaim
    declared: str

    def line(self) -> str:
        said = "supported" if self.claim.supported else "not supported (raises)"
        return f"- `{self.cell_id}`: documented {said} ({self.claim.why}, line {self.claim.line}); declared {self.declared}"


def mcm_cells(matrix: Matrix, device: str = DEFAULT_DEVICE) -> list[ResolvedCell]:
    """The matrix's ``mcm-*`` cells on ``device`` with a trainable interface, in matrix order."""
    return [
        rc
        for rc in matrix.resolved()
        if str(getattr(rc.cell, "feature", "")).startswith("mcm-")
        and rc.cell.device == device
        and rc.cell.interface != "None"
    ]


def _configuration(feature: str, table: McmTable) -> tuple[str, bool]:
    """A feature's mcm method and whether it postselects, from its name."""
    for method in sorted(table.rows, key=len, reverse=True):
        if feature.endswith(f"-{method}"):
            shape = feature.removeprefix("mcm-").removesuffix(f"-{method}")
            return method, shape == POSTSELECTED_SHAPE
    raise ValueError(f"{feature!r} names no mcm method of the table ({', '.join(table.rows)})")


def compare_mcm(
    table: McmTable, matrix: Matrix, device: str = DEFAULT_DEVICE
) -> tuple[list[McmDisagreement], int]:
    """Every disagreement, and how many cells the table documents."""
    found, documented = [], 0
    for rc in mcm_cells(matrix, device):
        cell = rc.cell
        method, postselect = _configuration(cell.feature, table)
        claim = table.claim(method, cell.diff_method, cell.shots, postselect)
        if claim.supported is None:
            continue
        documented += 1
        works = rc.expectation.outcome is Outcome.SUPPORTED
        if works != claim.supported:
            declared = rc.expectation.outcome.value + (
                f" ({rc.expectation.note})" if rc.expectation.note else ""
            )
            found.append(McmDisagreement(cell.id, claim, declared))
    return found, documented


def render_mcm_comparison(table: McmTable, matrix: Matrix, device: str = DEFAULT_DEVICE) -> str:
    """The Markdown report: source, counts, then one line per disagreement."""
    if not mcm_cells(matrix, device):
        raise ValueError(f"the matrix has no mcm-* cells on device {device!r}")
    found, documented = compare_mcm(table, matrix, device)
    reasons = Counter(d.declared for d in found)
    lines = [
        "# PennyLane's mid-circuit measurement table against the mcm cells",
        "",
        f"Table: {SOURCE} (read from `{table.path}`).",
        "",
        f"{documented} {device} cells are documented by the table; {len(found)} disagree with it.",
        "",
        "| declared | cells |",
        "|---|---|",
        *[f"| {declared} | {count} |" for declared, count in reasons.most_common()],
        "",
        *[d.line() for d in found],
    ]
    return "\n".join(lines) + "\n"
