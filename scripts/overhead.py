"""Where a cell's time goes: the user's own calls against the oracle, tolerances, checks and pytest.

A user who asks "does this configuration work?" builds a QNode (or a layer), runs the
forward pass and takes the framework's Jacobian (or trains). A cell does that and also
computes the oracle's reference, derives tolerances, compares, and goes through pytest.
`STAGES` names, per family of the registry (`families.FAMILIES`), the functions that are
each stage, as ``module:attribute`` references into the family's runner; ``module:*``
stands for every function the module defines. `install` wraps each in a timer, and the
runner reference of the family itself (`Family.runner`), so that one run of sampled cells
in this process gives, per family: the whole cell (pytest's setup, call and teardown), the
runner, and each stage. What is in the runner but in no stage is "other suite code"; what
is in the whole cell but not the runner is pytest's part (fixtures, reports, the
declaration's comparison, the record).

Nested timed calls count once, for the outermost: the bias checks' extra QNode runs are
part of the checks, not of the user's calls, because a user makes them only to check.
Keras layers run in a worker process (`hybrid.keras_backends`), out of these timers'
reach: their cells are not sampled, and `sample` says so.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

#: The stages of a cell, in the order the tables give them.
STAGE_NAMES = ("user calls", "oracle", "tolerance", "checks")
USER, ORACLE, TOLERANCE, CHECKS = STAGE_NAMES

#: Per family: each stage's functions. A family of the registry missing here is an error.
STAGES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "qnode": {
        USER: ("supportmatrix.qnode.runner:cell_qnode", "supportmatrix.qnode.runner:forward_and_jacobian"),
        ORACLE: ("supportmatrix.qnode.runner:reference",),
        TOLERANCE: ("supportmatrix.check.tolerance:*", "supportmatrix.check.bounds:check_probability"),
        CHECKS: (
            "supportmatrix.qnode.runner:compare_values",
            "supportmatrix.qnode.runner:dtype_check",
            "supportmatrix.qnode.runner:_bias_check",
        ),
    },
    "features": {
        USER: (
            "supportmatrix.features.runner:feature_qnode",
            "supportmatrix.features.runner:forward_and_jacobian",
            "supportmatrix.features.runner:second_derivatives",
        ),
        ORACLE: (
            "supportmatrix.features.runner:reference_of",
            "supportmatrix.features.runner:hessian_of",
            "supportmatrix.features.runner:tape_jacobian_of",
        ),
        TOLERANCE: (
            "supportmatrix.features.tolerance:*",
            "supportmatrix.features.hessian_tolerance:*",
            "supportmatrix.features.runner:spsa_matches",
            "supportmatrix.features.runner:check_probability",
        ),
        CHECKS: (
            "supportmatrix.features.runner:compare_values",
            "supportmatrix.features.runner:dtype_check",
            "supportmatrix.features.runner:_bias_checks",
        ),
    },
    "hybrid": {
        USER: (
            "supportmatrix.hybrid.torch_driver:TorchDriver.build",
            "supportmatrix.hybrid.torch_driver:TorchDriver.loss",
            "supportmatrix.hybrid.torch_driver:TorchDriver.gradient",
            "supportmatrix.hybrid.runner:_train",
        ),
        ORACLE: (
            "supportmatrix.hybrid.reference:loss",
            "supportmatrix.hybrid.reference:reference_gradient",
        ),
        TOLERANCE: (
            "supportmatrix.hybrid.reference:loss_tolerance",
            "supportmatrix.hybrid.reference:gradient_tolerance",
        ),
        CHECKS: (
            "supportmatrix.hybrid.runner:compare_values",
            "supportmatrix.hybrid.runner:dtype_check",
            "supportmatrix.hybrid.runner:_round_trip_check",
        ),
    },
    # Its forward and derivative programs are attributes of the `Program` that
    # build_program returns (compiled there): only the build and compilation are timed.
    "qjit": {
        USER: ("supportmatrix.qjit.runner:build_program",),
        ORACLE: ("supportmatrix.qjit.runner:reference",),
        TOLERANCE: ("supportmatrix.qjit.tolerance:*", "supportmatrix.qjit.runner:check_probability"),
        CHECKS: ("supportmatrix.qjit.runner:compare_values",),
    },
}


@dataclass
class Clock:
    """Seconds per (family, stage) of the timed calls, outermost call only."""

    seconds: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    active: list[str] = field(default_factory=list)

    @contextmanager
    def timing(self, family: str, stage: str) -> Iterator[None]:
        """Time the block under ``stage`` unless a timed block encloses it."""
        if self.active:
            yield
            return
        self.active.append(stage)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[(family, stage)] += time.perf_counter() - start
            self.active.pop()


def targets(reference: str) -> list[tuple[Any, str]]:
    """The (owner, attribute) pairs a ``module:attr``, ``module:Class.attr`` or ``module:*``
    reference names; `LookupError` if it names nothing, so a renamed function is loud."""
    module_name, _, path = reference.partition(":")
    module = importlib.import_module(module_name)
    if path == "*":
        found = [
            (module, name)
            for name, value in vars(module).items()
            if inspect.isfunction(value) and value.__module__ == module_name
        ]
        if not found:
            raise LookupError(f"{reference}: the module defines no function")
        return found
    *owners, attribute = path.split(".")
    owner: Any = module
    for name in owners:
        owner = getattr(owner, name)
    if not callable(getattr(owner, attribute, None)):
        raise LookupError(f"{reference} names no function")
    return [(owner, attribute)]


def _timed(clock: Clock, family: str, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        with clock.timing(family, stage):
            return function(*args, **kwargs)

    return timed


def install(clock: Clock, families: Sequence[Any]) -> Callable[[], None]:
    """Wrap every stage function of ``families`` and each one's runner in ``clock``'s timers;
    returns the function that takes the wrappers off again."""
    undo: list[tuple[Any, str, Any]] = []
    for family in families:
        stages = {**STAGES[family.name], "runner": (family.runner,)}
        for stage, references in stages.items():
            for reference in references:
                for owner, attribute in targets(reference):
                    original = inspect.getattr_static(owner, attribute)
                    undo.append((owner, attribute, original))
                    function = getattr(owner, attribute)
                    wrapped = _timed(clock, family.name, stage, function)
                    if stage == "runner":  # the runner encloses the stages: never "outermost"
                        wrapped = _runner_timed(clock, family.name, function)
                    setattr(owner, attribute, wrapped)

    def uninstall() -> None:
        for owner, attribute, original in reversed(undo):
            setattr(owner, attribute, original)

    return uninstall


def _runner_timed(clock: Clock, family: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            clock.seconds[(family, "runner")] += time.perf_counter() - start

    return timed


@dataclass(frozen=True)
class FamilyOverhead:
    """One family's sampled cells: seconds in total over the sample."""

    family: str
    cells: int
    whole: float
    runner: float
    stages: Mapping[str, float]

    @property
    def overhead(self) -> float:
        """Everything but the user's calls."""
        return self.whole - self.stages.get(USER, 0.0)

    def share(self, part: str) -> float:
        """``part``'s fraction of the whole cell: a stage, "other suite code" or "pytest"."""
        if part == "pytest":
            seconds = self.whole - self.runner
        elif part == "other suite code":
            seconds = self.runner - sum(self.stages.values())
        else:
            seconds = self.stages.get(part, 0.0)
        return seconds / self.whole if self.whole else 0.0


SHARES = (USER, ORACLE, TOLERANCE, CHECKS, "other suite code", "pytest")


def markdown(rows: Sequence[FamilyOverhead]) -> str:
    """The overhead table: per family, the sample, the user's calls and the overhead per
    cell, and each part's share of the whole cell."""
    header = "| family | cells | whole cell ms | user calls ms | overhead ms | " + " | ".join(
        f"{part} %" for part in SHARES
    )
    lines = [header + " |", "|---|" + "---:|" * (4 + len(SHARES))]
    for r in rows:
        per = 1000 / r.cells
        shares = " | ".join(f"{100 * r.share(part):.1f}" for part in SHARES)
        lines.append(
            f"| {r.family} | {r.cells} | {per * r.whole:.0f} | {per * r.stages.get(USER, 0.0):.0f} | "
            f"{per * r.overhead:.0f} | {shares} |"
        )
    return "\n".join(lines)


def sample(matrix: Any, families: Sequence[Any], per_family: int) -> tuple[dict[str, list[str]], list[str]]:
    """Up to ``per_family`` cells of each family, drawn at random (seeded by the family's
    name) and in the matrix's order, as pytest node ids; and one line per family or cell
    kind left out, why."""
    from supportmatrix.hybrid.keras_backends import KERAS_BACKEND_OF

    chosen: dict[str, list[str]] = {}
    left_out = []
    for family in families:
        if not family.runs_by_default:
            left_out.append(f"{family.name}: not in the default run")
            continue
        missing = family.load("missing")
        cells = [rc for rc in matrix.family(family.name).cells if missing(rc.cell) is None]
        if family.name == "hybrid":
            cells = [rc for rc in cells if rc.cell.layer not in KERAS_BACKEND_OF]
            left_out.append("hybrid: Keras layers train in a worker process, out of the timers' reach")
        if not cells:
            left_out.append(f"{family.name}: no cell can run here")
            continue
        # Drawn, not strided: a stride can fall in step with an axis (every other cell is
        # analytic) and miss half the family. Seeded by the family's name, so reproducible.
        picked = [
            cells[i]
            for i in sorted(random.Random(family.name).sample(range(len(cells)), min(per_family, len(cells))))
        ]
        chosen[family.name] = [f"{family.test_file}::test_{family.name}_cell[{rc.cell.id}]" for rc in picked]
    return chosen, left_out


class ItemClock:
    """A pytest plugin: each cell test's whole time (setup, call, teardown, reports)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.cells: dict[str, int] = defaultdict(int)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
        from supportmatrix.plugin import FAMILY_ATTRIBUTE

        family = getattr(getattr(item, "function", None), FAMILY_ATTRIBUTE, None)
        start = time.perf_counter()
        yield
        if family is not None:
            self.clock.seconds[(family.name, "whole")] += time.perf_counter() - start
            self.cells[family.name] += 1


def measure(root: Path, per_family: int) -> tuple[list[FamilyOverhead], list[str], int]:
    """Run a sample of every family's cells in this process with the timers on; the rows,
    what was left out, and pytest's exit code."""
    from supportmatrix.matrix.families import FAMILIES
    from supportmatrix.matrix.load import load_matrix

    matrix = load_matrix(root / "matrix.yaml")
    chosen, left_out = sample(matrix, FAMILIES, per_family)
    families = [f for f in FAMILIES if f.name in chosen]
    nodeids = [nodeid for family in families for nodeid in chosen[family.name]]
    # The timers import the suite before pytest can rewrite its asserts; that is expected.
    args = [
        *("-q", "-p", "no:randomly", "-p", "no:xdist", "-p", "no:cacheprovider"),
        *("-W", "ignore::pytest.PytestAssertRewriteWarning", "--rootdir", str(root), *nodeids),
    ]
    # A first pass untimed: the frameworks' imports and first compilations are paid once per
    # worker in the reference run, over thousands of cells, not once per sampled cell.
    pytest.main(args)
    clock = Clock()
    items = ItemClock(clock)
    uninstall = install(clock, families)
    try:
        exit_code = int(pytest.main(args, plugins=[items]))
    finally:
        uninstall()
    rows = [
        FamilyOverhead(
            f.name,
            items.cells[f.name],
            clock.seconds[(f.name, "whole")],
            clock.seconds[(f.name, "runner")],
            {stage: clock.seconds[(f.name, stage)] for stage in STAGE_NAMES},
        )
        for f in families
        if items.cells[f.name]
    ]
    return rows, left_out, exit_code
