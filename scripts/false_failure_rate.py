"""Measure how often the finite-shot cells fail although PennyLane is right.

Runs every finite-shot cell of the matrix whose verdict rests on value checks
that must pass (declared `supported`, or `no-gradient` with a forward value to
check) once per seed, with independent device seeds (`seeds.cell_seed(cell,
run=seed)`, which also reseeds spsa's directions in both families), and counts the runs in which a
cell disagrees with matrix.yaml. Both the QNode cells and the features family's
(``--family``: its shot vectors, Hessians with shots, float32 with shots and the
rest) are covered; each family has its own budget: `tolerance` promises at most
FAMILY_FAILURE (1e-3) for a whole run of each.

Cells declared `incorrect` with shots (finite-diff and spsa) are left out: their
checks must fail, and do so by four orders of magnitude, so noise cannot pass
them. Cells without value checks (`errors`, `forward-only`) do not depend on
the samples.

Work shared by all seeds is done once per worker process: imports, the loaded
matrix and the oracle's references. What a seed changes (the device's samples)
is recomputed in full through `runner.run_qnode_cell`, exactly as pytest runs a cell.

    nice -n 10 .venv/bin/python scripts/false_failure_rate.py --seeds 200 --jobs 2
    .venv/bin/python scripts/false_failure_rate.py --family features --seeds 5 --jobs 1

The JSON file is rewritten every minute while the run goes on (``"complete":
false``, counting whole seeds only). Besides the failure counts, it keeps, per check, the largest ratio of
observed error to tolerance over all seeds: how close the checks came to failing.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
import warnings
from pathlib import Path

from supportmatrix.check.threads import one_thread_per_process

one_thread_per_process()  # before any framework loads

from tqdm import tqdm  # noqa: E402

from supportmatrix.check.classify import mismatches  # noqa: E402
from supportmatrix.check.tolerance import CHECKS_PER_SHOT_CELL, FAMILY_FAILURE  # noqa: E402
from supportmatrix.matrix.load import load_matrix  # noqa: E402
from supportmatrix.matrix.model import Matrix, Outcome, ResolvedCell  # noqa: E402
from supportmatrix.release.codec import error_to_tolerance  # noqa: E402

_JUDGED = (Outcome.SUPPORTED, Outcome.NO_GRADIENT)
FAMILIES = ("qnode", "features")


def judged_cells(matrix: Matrix, family: str = "qnode") -> list[ResolvedCell] | list[ResolvedCell]:
    """The finite-shot cells of ``family`` whose verdict rests on checks that must pass."""
    cells = matrix.family("qnode").cells if family == "qnode" else matrix.family("features").cells
    return [rc for rc in cells if rc.cell.shots is not None and rc.expectation.outcome in _JUDGED]


def family_size(matrix: Matrix, family: str) -> int:
    """The finite-shot checks of a whole run of ``family``, as the pytest plugin counts them."""
    cells = matrix.family("qnode").cells if family == "qnode" else matrix.family("features").cells
    return CHECKS_PER_SHOT_CELL * sum(rc.cell.shots is not None for rc in cells)


_WORKER: dict = {}


def _init_worker(matrix_path: str) -> None:
    warnings.simplefilter("ignore")  # PennyLane's warnings are judged by mismatches, not shown
    matrix = load_matrix(matrix_path)
    _WORKER["cells"] = {
        (family, rc.cell.id): rc for family in FAMILIES for rc in judged_cells(matrix, family)
    }
    _WORKER["family"] = {family: family_size(matrix, family) for family in FAMILIES}


def _run_seed_cell(task: tuple[int, str, str]) -> dict:
    from supportmatrix.features.runner import run_feature_cell
    from supportmatrix.qnode.runner import run_qnode_cell

    seed, family, cell_id = task
    rc = _WORKER["cells"][(family, cell_id)]
    runner = run_qnode_cell if family == "qnode" else run_feature_cell
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = runner(rc.cell, family_size=_WORKER["family"][family], run=seed)
    problems = mismatches(rc.expectation, run.observed, run.warnings)
    ratios = {}
    for check in run.checks:
        # None for a dtype check (no values) and for an exact one (the partitions' max - min)
        ratio = error_to_tolerance(check)
        if ratio is not None:
            ratios[check.what] = ratio
    return {
        "seed": seed,
        "family": family,
        "cell": cell_id,
        "problems": problems,
        "ratios": ratios,
        "seconds": run.seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200, help="runs to make (default %(default)s)")
    parser.add_argument(
        "--first-seed",
        type=int,
        default=1,
        help="first run number; run 0 is the suite's own seeds (default %(default)s)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default %(default)s)")
    parser.add_argument("--matrix", default="matrix.yaml", help="matrix file (default %(default)s)")
    parser.add_argument(
        "--family",
        choices=("all", *FAMILIES),
        default="all",
        help="which family's finite-shot cells (default %(default)s)",
    )
    parser.add_argument(
        "-k", dest="select", default="", help="only cells whose id contains this text (a quick trial)"
    )
    parser.add_argument(
        "-o",
        "--output",
        default="results-false-failure.json",
        help="JSON file for the results (default %(default)s)",
    )
    args = parser.parse_args(argv)

    matrix = load_matrix(args.matrix)
    families = FAMILIES if args.family == "all" else (args.family,)
    cells = [
        (family, rc.cell.id)
        for family in families
        for rc in judged_cells(matrix, family)
        if args.select in rc.cell.id
    ]
    if not cells:
        print(f"false_failure_rate: no finite-shot cell to judge matches {args.select!r}", file=sys.stderr)
        return 2
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    # seed-major order: a run that is stopped early still has whole seeds done
    tasks = [(seed, family, cell) for seed in seeds for family, cell in cells]

    start = time.perf_counter()
    failures: list[dict] = []
    worst: dict[str, dict] = {}
    done_per_seed = dict.fromkeys(seeds, 0)
    cell_seconds = 0.0
    last_save = start

    def summary(complete: bool) -> dict:
        # Rates count whole seeds only, so a checkpoint of a stopped run is still exact.
        whole = [seed for seed, done in done_per_seed.items() if done == len(cells)]
        counted = [f for f in failures if f["seed"] in whole]
        failed_seeds = sorted({f["seed"] for f in counted})
        cell_runs = len(whole) * len(cells)
        return {
            "command": " ".join(
                ["scripts/false_failure_rate.py", *(argv if argv is not None else sys.argv[1:])]
            ),
            "complete": complete,
            "matrix": args.matrix,
            "seeds_requested": [seeds.start, seeds.stop - 1],
            "seeds_done": len(whole),
            "cells": len(cells),
            "cells_per_family": {f: sum(fam == f for fam, _ in cells) for f in families},
            "cell_runs": cell_runs,
            "failed_cell_runs": len(counted),
            "false_failure_rate_per_cell_run": len(counted) / cell_runs if cell_runs else None,
            "runs_with_any_failure": len(failed_seeds),
            "false_failure_rate_per_run": len(failed_seeds) / len(whole) if whole else None,
            "promised_per_run_at_most": FAMILY_FAILURE,
            "largest_error_over_tolerance": worst,
            "wall_seconds": round(time.perf_counter() - start, 1),
            "cell_seconds": round(cell_seconds, 1),
            "failures": failures,
        }

    ctx = multiprocessing.get_context("spawn")  # no forked framework state
    with ctx.Pool(args.jobs, initializer=_init_worker, initargs=(args.matrix,)) as pool:
        results = pool.imap_unordered(_run_seed_cell, tasks, chunksize=8)
        for result in tqdm(results, total=len(tasks), unit="cell", smoothing=0.05):
            cell_seconds += result["seconds"]
            done_per_seed[result["seed"]] += 1
            if result["problems"]:
                failures.append(result)
                tqdm.write(f"FAIL seed {result['seed']} {result['cell']}: {result['problems'][0]}")
            for what, ratio in result["ratios"].items():
                key = f"{result['family']}: {what}"
                if ratio > worst.get(key, {"ratio": 0.0})["ratio"]:
                    worst[key] = {"ratio": ratio, "cell": result["cell"], "seed": result["seed"]}
            if time.perf_counter() - last_save > 60:
                Path(args.output).write_text(json.dumps(summary(False), indent=2) + "\n")
                last_save = time.perf_counter()

    final = summary(True)
    Path(args.output).write_text(json.dumps(final, indent=2) + "\n")
    failed_seeds = final["runs_with_any_failure"]
    print(f"{len(seeds)} runs x {len(cells)} finite-shot cells = {len(tasks)} cell runs")
    print(f"failed cell runs: {len(failures)} ({final['false_failure_rate_per_cell_run']:.2e})")
    print(
        f"runs with any failure: {failed_seeds} / {len(seeds)} "
        f"(promised at most {FAMILY_FAILURE:g} per whole run of each family)"
    )
    for what, entry in sorted(worst.items()):
        print(
            f"largest |error| / tolerance, {what}: {entry['ratio']:.3f} "
            f"({entry.get('cell')}, seed {entry.get('seed')})"
        )
    print(f"results written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
