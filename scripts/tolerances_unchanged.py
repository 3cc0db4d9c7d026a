"""Check that a refactoring left every tolerance of every cell bit for bit as it was.

For every cell of every family in ``matrix.yaml`` this computes, without running
PennyLane, every tolerance the family's runner would compute for the cell (the oracle's
reference is NumPy): the QNode family's analytic, forward and shot bounds (the bias
check's too), the features family's per partition and its Hessian and bias bounds, the
qjit family's first- and second-derivative bounds, the hybrid family's loss and gradient
bounds. The shot bounds use the per-check probability the plugin gives a family
(``FAMILY_FAILURE / family_size``, `plugin.family_size`). A cell whose diff method is
``best`` (resolved only when PennyLane runs) gets every method's bounds. Each feature is
also bounded at other parameters (``dataclasses.replace``, as the property tests do).
An error a tolerance raises (no error model, no shot-noise model) is recorded as well.
Values are written as ``float.hex`` strings, so the comparison is exact.

    git stash; python scripts/tolerances_unchanged.py --write /tmp/tolerances-before.json
    git stash pop; python scripts/tolerances_unchanged.py --compare /tmp/tolerances-before.json

Exit code 1 when any value differs (or a cell or a tolerance appears or disappears),
naming the cells and the largest relative difference.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from supportmatrix.check import tolerance as shared
from supportmatrix.matrix.load import load_matrix

#: A tolerance, computed when called (with no arguments). `...`, not `[]`: mypy cannot
#: infer a lambda whose default arguments bind loop variables against `Callable[[], Any]`.
Compute = Callable[..., Any]

#: What "best" may stand for once PennyLane resolves it: every method with a bound.
ALL_METHODS = (
    "adjoint",
    "backprop",
    "device",
    "direct-hadamard",
    "finite-diff",
    "hadamard",
    "parameter-shift",
    "reversed-direct-hadamard",
    "reversed-hadamard",
    "spsa",
)
#: Other parameters for each feature (the property tests' kind of change).
PARAM_SHIFT = 0.3125


def _encode(value: Any) -> Any:
    """A tolerance as exact JSON: shape and each entry's ``float.hex``."""
    arr = np.asarray(value, dtype=float)
    return {"shape": list(arr.shape), "hex": [float(v).hex() for v in arr.reshape(-1)]}


def _entries(compute: Compute) -> Any:
    try:
        value = compute()
    except (ValueError, shared.NoStatisticalModel) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, bool):
        return {"bool": value}
    return _encode(value)


def _methods(diff_method: str) -> tuple[str, ...]:
    return ALL_METHODS if diff_method == "best" else (diff_method,)


def _family_p(cells: list[Any]) -> float:
    """The per-check probability of `plugin.family_size` for a family of ``cells``."""
    return shared.FAMILY_FAILURE / (shared.CHECKS_PER_SHOT_CELL * sum(c.shots is not None for c in cells))


def _with_reference(cells: list[Any]) -> Iterator[tuple[Any, Any, float]]:
    """Each cell of the matrix's circuit whose measurement has a reference, with it and
    the family's per-check probability."""
    from supportmatrix.check.oracle import reference

    p = _family_p(cells)
    for cell in cells:
        ref = reference(cell.measurement)
        if ref is not None:
            yield cell, ref, p


def _forward(cell: Any, ref: Any, p: float) -> Iterator[tuple[str, str, Compute]]:
    """The forward value's bound of a QNode or qjit cell (the matrix's circuit)."""
    if cell.shots is None:
        yield cell.id, "forward", lambda: shared.forward_tolerance(ref)
    else:
        yield (
            cell.id,
            "shots forward",
            lambda: shared.shots_forward_tolerance(cell.measurement, ref, cell.shots, p),
        )


def qnode(cells: list[Any]) -> Iterator[tuple[str, str, Compute]]:
    """What `qnode.runner` computes per cell (at the matrix's circuit and parameters)."""
    for cell, ref, p in _with_reference(cells):
        yield from _forward(cell, ref, p)
        if cell.shots is None:
            yield cell.id, "reference_vouches", lambda ref=ref: shared.reference_vouches(ref)
        else:
            yield (
                cell.id,
                "bias",
                lambda c=cell, ref=ref, p=p: shared.shots_forward_tolerance(
                    c.measurement, ref, c.shots, p, shared.BIAS_REPEATS
                ),
            )
        for method in _methods(cell.diff_method):
            if cell.shots is None:
                yield (
                    cell.id,
                    f"analytic {method}",
                    lambda m=method, ref=ref: shared.analytic_tolerance(m, ref),
                )
            else:
                yield (
                    cell.id,
                    f"shots jacobian {method}",
                    lambda m=method, c=cell, ref=ref, p=p: shared.shots_jacobian_tolerance(
                        m, c.measurement, ref, c.shots, p
                    ),
                )


def _feature_tolerances(
    cell: Any, feature: Any, p: float, suffix: str = ""
) -> Iterator[tuple[str, str, Compute]]:
    from supportmatrix.features import hessian_tolerance, partitions, tolerance

    if cell.shots is None:
        yield cell.id, f"forward{suffix}", lambda: tolerance.forward_tolerance(feature)
    else:
        for shots in partitions.shot_partitions(feature, cell.shots):
            yield (
                cell.id,
                f"shots forward {shots}{suffix}",
                lambda s=shots: tolerance.shots_forward_tolerance(feature, s, p),
            )
            yield (
                cell.id,
                f"bias {shots}{suffix}",
                lambda s=shots: tolerance.shots_forward_tolerance(feature, s, p, shared.BIAS_REPEATS),
            )
            yield (
                cell.id,
                f"all partitions equal {shots}{suffix}",
                lambda s=shots: tolerance.all_partitions_equal_bound(s, shared.BIAS_REPEATS),
            )
    for method in _methods(cell.diff_method):
        if cell.shots is None:
            yield (
                cell.id,
                f"analytic {method}{suffix}",
                lambda m=method: tolerance.analytic_tolerance(m, feature),
            )
        else:
            for shots in partitions.shot_partitions(feature, cell.shots):
                yield (
                    cell.id,
                    f"shots jacobian {method} {shots}{suffix}",
                    lambda m=method, s=shots: tolerance.shots_jacobian_tolerance(m, feature, s, p),
                )
        if feature.derivative != 2:
            continue
        if cell.shots is None:
            yield (
                cell.id,
                f"analytic hessian {method}{suffix}",
                lambda m=method: hessian_tolerance.analytic_hessian_tolerance(m, feature),
            )
            yield (
                cell.id,
                f"hessian vouches {method}{suffix}",
                lambda m=method: hessian_tolerance.vouches(
                    feature, hessian_tolerance.analytic_hessian_tolerance(m, feature)
                ),
            )
        else:
            yield (
                cell.id,
                f"shots hessian {method}{suffix}",
                lambda m=method: hessian_tolerance.shots_hessian_tolerance(m, feature, cell.shots, p),
            )


def features(cells: list[Any]) -> Iterator[tuple[str, str, Compute]]:
    """What `features.runner` computes per cell, at the catalog's parameters and at others."""
    from supportmatrix.features.catalog import FEATURES

    p = _family_p(cells)
    for cell in cells:
        feature = FEATURES[cell.feature]
        yield from _feature_tolerances(cell, feature, p)
        params = np.array(feature.params, dtype=float) + PARAM_SHIFT
        if feature.dtype == "float32":
            params = params.astype(np.float32)
        moved = dataclasses.replace(feature, params=_as_params(params))
        yield from _feature_tolerances(cell, moved, p, suffix=" (moved)")


def _as_params(params: np.ndarray) -> Any:
    if params.ndim == 1:
        return tuple(float(v) for v in params)
    return tuple(tuple(float(v) for v in row) for row in params)


def qjit(cells: list[Any]) -> Iterator[tuple[str, str, Compute]]:
    """What `qjit.runner` computes per cell."""
    from supportmatrix.qjit import tolerance

    for cell, ref, p in _with_reference(cells):
        yield from _forward(cell, ref, p)
        if cell.derivative == "second":
            href = tolerance.hessian_reference(cell.measurement)
            if cell.shots is not None:
                yield (
                    cell.id,
                    "shots hessian",
                    lambda c=cell, h=href, p=p: tolerance.shots_hessian_tolerance(
                        h, c.measurement, c.shots, p
                    ),
                )
            else:
                kind = "fd" if cell.method == "fd" else "exact"
                yield (cell.id, f"hessian {kind}", lambda h=href, k=kind: tolerance.hessian_tolerance(h, k))
                yield cell.id, "hessian error", lambda h=href: h.error
        elif cell.shots is not None:
            yield (
                cell.id,
                "shots jacobian",
                lambda c=cell, ref=ref, p=p: shared.shots_jacobian_tolerance(
                    "parameter-shift", c.measurement, ref, c.shots, p
                ),
            )
        elif cell.method == "fd":
            yield cell.id, "fd", lambda ref=ref: tolerance.fd_tolerance(ref)
        else:
            yield cell.id, "analytic adjoint", lambda ref=ref: shared.analytic_tolerance("adjoint", ref)


def hybrid(cells: list[Any]) -> Iterator[tuple[str, str, Compute]]:
    """What `hybrid.runner` computes per cell (its methods: none with shots)."""
    from supportmatrix.hybrid import reference
    from supportmatrix.hybrid.models import GRADIENT_POINTS, initial_params, moons

    params = initial_params()
    x, _ = moons()
    xg = x[:GRADIENT_POINTS]
    for cell in cells:
        yield cell.id, "loss", lambda: reference.loss_tolerance(params)
        for method in _methods(cell.diff_method):
            yield (
                cell.id,
                f"gradient {method}",
                lambda m=method: reference.gradient_tolerance(m, params, xg),
            )


FAMILIES = {"qnode": qnode, "features": features, "qjit": qjit, "hybrid": hybrid}


def tolerances(path: str) -> dict[str, dict[str, dict[str, Any]]]:
    """Per family, per cell id, per tolerance name: its exact value (or its error)."""
    matrix = load_matrix(path)
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for name, generate in FAMILIES.items():
        cells = [rc.cell for rc in matrix.family(name).cells]
        family: dict[str, dict[str, Any]] = {}
        for cell_id, what, compute in generate(cells):
            family.setdefault(cell_id, {})[what] = _entries(compute)
        found[name] = family
    return found


def _largest_relative(old: Any, new: Any) -> float:
    if not (
        isinstance(old, dict)
        and isinstance(new, dict)
        and "hex" in old
        and "hex" in new
        and old["shape"] == new["shape"]
    ):
        return float("inf")
    a = np.array([float.fromhex(v) for v in old["hex"]])
    b = np.array([float.fromhex(v) for v in new["hex"]])
    scale = np.maximum(np.abs(a), np.finfo(float).tiny)
    return float(np.max(np.abs(a - b) / scale, initial=0.0))


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, float]]:
    """(cell id, tolerance, largest relative difference) for every value that differs."""
    out: list[tuple[str, str, float]] = []
    for cell_id in sorted(set(old) | set(new)):
        before, after = old.get(cell_id, {}), new.get(cell_id, {})
        for what in sorted(set(before) | set(after)):
            if before.get(what) != after.get(what):
                out.append((cell_id, what, _largest_relative(before.get(what), after.get(what))))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matrix", default="matrix.yaml")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", metavar="JSON", help="write every cell's tolerances here")
    action.add_argument(
        "--compare", metavar="JSON", help="compare every cell's tolerances with those written there"
    )
    args = parser.parse_args(argv)
    found = tolerances(args.matrix)
    counts = ", ".join(
        f"{name}: {len(cells)} cells, {sum(len(v) for v in cells.values())} tolerances"
        for name, cells in found.items()
    )
    if args.write:
        with open(args.write, "w") as f:
            json.dump(found, f, sort_keys=True)
        print(f"wrote {args.write} ({counts})")
        return 0
    with open(args.compare) as f:
        old = json.load(f)
    failed = False
    for name in sorted(set(old) | set(found)):
        diffs = _differences(old.get(name, {}), found.get(name, {}))
        if not diffs:
            continue
        failed = True
        cells = sorted({d[0] for d in diffs})
        worst = max(d[2] for d in diffs)
        print(
            f"{name}: {len(diffs)} tolerances of {len(cells)} cells differ "
            f"(largest relative difference {worst:.3g}):"
        )
        for cell_id, what, rel in diffs[:20]:
            print(f"  {cell_id}: {what} (relative {rel:.3g})")
        if len(diffs) > 20:
            print(f"  ... and {len(diffs) - 20} more")
    if failed:
        return 1
    print(f"every tolerance identical, bit for bit ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
