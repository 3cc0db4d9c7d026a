"""Choose the hybrid cells' training target from repeated, differently seeded runs.

Trains the hybrid model of `supportmatrix.hybrid_models` with its training setup for
several seeds (each seed draws the data set, the initial parameters and the batch order)
and prints, after each epoch, the lowest, median and highest training accuracy over the
seeds. The target in matrix.yaml is set below the lowest accuracy seen at the declared
epoch bound, so that the seed the cells use is not a lucky one (see docs/hybrid.md).

    .venv/bin/python scripts/hybrid_training_threshold.py                   # torch-layer
    .venv/bin/python scripts/hybrid_training_threshold.py --layer keras3-tensorflow --seeds 10
"""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np

from supportmatrix.hybrid.models import TRAINING, TrainingSetup
from supportmatrix.hybrid.runner import run_training_curve
from supportmatrix.matrix.model import HybridCell


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layer", default="torch-layer")
    parser.add_argument("--device", default="default.qubit")
    parser.add_argument("--diff-method", default="backprop")
    parser.add_argument("--seeds", type=int, default=30, help="seeds 0 .. N-1 (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=TRAINING.batch_size)
    parser.add_argument("--learning-rate", type=float, default=TRAINING.learning_rate)
    args = parser.parse_args(argv)

    warnings.simplefilter("ignore")  # PennyLane's TF deprecation warning, once per run
    cell = HybridCell(args.layer, args.device, args.diff_method)
    setup = TrainingSetup(batch_size=args.batch_size, learning_rate=args.learning_rate)
    curves = []
    for seed in range(args.seeds):
        curve = run_training_curve(cell, seed=seed, epochs=args.epochs, setup=setup)
        curves.append(curve)
        print(f"seed {seed:3d}: " + " ".join(f"{a:.3f}" for a in curve), file=sys.stderr)
    table = np.array(curves)
    print(
        f"{cell.id}, batch size {setup.batch_size}, learning rate {setup.learning_rate}, {args.seeds} seeds"
    )
    print("epoch  min    median max")
    for epoch in range(args.epochs):
        column = table[:, epoch]
        print(f"{epoch + 1:5d}  {column.min():.3f}  {np.median(column):.3f}  {column.max():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
