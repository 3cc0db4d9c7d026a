"""Write the plots of `supportmatrix.report.plots` as SVG files, for docs/ and the README.

    .venv/bin/python scripts/plots.py outcomes --versions constraints.txt -o docs/outcome-counts.svg
    .venv/bin/python scripts/plots.py ratios --from results.json -o docs/error-to-tolerance.svg

``outcomes``: the declared outcomes per device x interface, byte-stable (committed, and
checked for staleness by tests/unit/report/test_plots.py). ``ratios``: the distribution of
observed error / tolerance over every value check of one results file. Bad input is one
line on stderr and exit code 2, as with the ``supportmatrix`` command.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from supportmatrix.matrix.load import MatrixError, load_matrix
from supportmatrix.matrix.versions import pinned_versions
from supportmatrix.output import write_atomic
from supportmatrix.release.results import ResultsError, load_results
from supportmatrix.report import plots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("outcomes", "ratios"))
    parser.add_argument("--matrix", default="matrix.yaml", help="outcomes: the matrix file")
    parser.add_argument(
        "--versions",
        metavar="CONSTRAINTS",
        help="outcomes: resolve version gates for this pip constraints file",
    )
    parser.add_argument("--from", dest="results", metavar="RESULTS", help="ratios: the results file")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.svg")
    args = parser.parse_args(argv)
    try:
        if args.kind == "outcomes":
            versions = None if args.versions is None else pinned_versions(args.versions)
            svg = plots.declared_outcome_counts_svg(load_matrix(args.matrix, versions=versions))
        elif args.results is None:
            raise ValueError("ratios needs --from RESULTS")
        else:
            svg = plots.results_ratio_histogram_svg(
                load_results(args.results), source=Path(args.results).name
            )
        write_atomic(Path(args.output), svg)
    except (MatrixError, ResultsError, OSError, ValueError) as exc:
        reason = f"{exc.filename}: {exc.strerror}" if isinstance(exc, OSError) and exc.filename else str(exc)
        print(f"plots.py: error: {' '.join(reason.splitlines())}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
