"""Seed 004's TorchLayer model trained per device and diff method, each in a fresh process: its table.

The model, its data and the measurement are `supportmatrix/bench/seed004.py`'s, which
``supportmatrix bench`` also runs as part of the benchmark; this prints only the seed's table:

    .venv/bin/python scripts/seed004_benchmark.py
"""

from __future__ import annotations

import sys

from supportmatrix.bench.run import measure_seed004
from supportmatrix.bench.tables import seed004_table


def main() -> int:
    print(seed004_table({"seed004": measure_seed004(timeout=600)}), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
