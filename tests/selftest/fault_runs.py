"""Running one of the suite's cell tests in process under an injected fault, and checking
that exactly the cells the fault was predicted to touch fail."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from _pytest.pytester import SysModulesSnapshot

from supportmatrix.check import compat

ROOT = Path(__file__).resolve().parents[2]
MATRIX_PATH = ROOT / "matrix.yaml"


def assert_fault_fails_exactly(
    fault: Callable[[pytest.MonkeyPatch], Callable[[Any], bool]],
    cells: Sequence[Any],
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    *,
    test_file: str,
    test_function: str,
    matrix_path: Path = MATRIX_PATH,
    touches: bool = True,
) -> None:
    """Inject ``fault``, run ``test_function`` of ``tests/<test_file>`` on ``cells`` of
    ``matrix_path`` and require the failing cells to be those ``fault``'s predicate selects,
    and every cell to run; ``touches=False``: a slice the fault must leave alone."""
    # pytester drops the modules an in-process run imported; native ones (lightning,
    # jax's and torch's submodules) crash when imported again, so keep them all. The
    # test module then needs a name of its own per fault.
    monkeypatch.setattr(SysModulesSnapshot, "restore", lambda self: None)
    module = f"{Path(test_file).stem}_{fault.__name__}_{Path(matrix_path).stem.replace('.', '_')}"
    api = compat.qnode_takes_shots.__wrapped__()
    affected = fault(monkeypatch)
    # compat caches what it detects of PennyLane's API for the whole process: a fault
    # that changed it would leak into every cell this worker runs later.
    assert compat.qnode_takes_shots.__wrapped__() == api, (
        "the fault changes where PennyLane appears to take shots (compat.qnode_takes_shots)"
    )
    expected = {rc.cell.id for rc in cells if affected(rc)}
    assert bool(expected) == touches, (
        "the fault must touch at least one cell of its slice"
        if touches
        else "the slice the fault must leave alone has cells it touches"
    )
    pytester.makepyfile(**{module: (ROOT / "tests" / test_file).read_text()})
    ids = {rc.cell.id for rc in cells}
    reprec = pytester.inline_run(
        "-p",
        "no:cacheprovider",
        "--matrix",
        str(matrix_path),
        "-W",
        "ignore",
        *(f"{module}.py::{test_function}[{i}]" for i in sorted(ids)),
    )
    passed, _, failed = reprec.listoutcomes()
    ran = {_cell_id(r.nodeid) for r in (*passed, *failed)}
    assert ran == ids, f"cells that did not run: {sorted(ids - ran)}"
    got = {_cell_id(r.nodeid) for r in failed}
    assert got == expected, f"missed: {sorted(expected - got)}\nunexpected failures: {sorted(got - expected)}"


def _cell_id(nodeid: str) -> str:
    return nodeid.split("[", 1)[1].rstrip("]")
