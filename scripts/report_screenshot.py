"""Screenshot the HTML report with one cell open, for the README and the site (docs/report-screenshot.png).

Builds the page with the code ``supportmatrix report`` uses, opens it in headless Chromium
with the browser module the browser tests use (`supportmatrix.report.browser`), clicks the
cell, and saves the window as PNG:

    .venv/bin/python scripts/report_screenshot.py --from results.json \
        --cell lightning.qubit-torch-adjoint-probs-shots10000 -o docs/report-screenshot.png

Without ``--from`` the page is the declared matrix (``--matrix``, version gates resolved for
``--versions``). The cells' marks are inline SVG, so no emoji font is needed. Bad input is
one line and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from selenium.webdriver.support.ui import WebDriverWait

from supportmatrix.matrix.load import MatrixError, load_matrix
from supportmatrix.matrix.versions import installed_versions, pinned_versions
from supportmatrix.release.results import ResultsError, load_results
from supportmatrix.report.browser import chromium, console_errors, find_browser
from supportmatrix.report.html import build_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="results", metavar="RESULTS")
    parser.add_argument("--matrix", default="matrix.yaml")
    parser.add_argument("--versions", metavar="CONSTRAINTS")
    parser.add_argument("--cell", required=True, help="id of the cell to open")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("-o", "--output", required=True, metavar="FILE.png")
    args = parser.parse_args(argv)
    paths = find_browser()
    try:
        if isinstance(paths, str):
            raise ValueError(paths)
        if args.results is not None:
            text = build_report(documents=[(load_results(args.results), Path(args.results).name)])
        else:
            versions = installed_versions() if args.versions is None else pinned_versions(args.versions)
            text = build_report(matrix=load_matrix(args.matrix, versions=versions), versions=versions)
        with tempfile.TemporaryDirectory(prefix="supportmatrix-shot-") as directory:
            page = Path(directory) / "report.html"
            page.write_text(text, encoding="utf-8")
            with chromium(paths, width=args.width, height=args.height) as driver:
                driver.get(page.as_uri())
                # every family's tables drawn (the first at once, the others in later tasks)
                WebDriverWait(driver, 120).until(
                    lambda d: d.execute_script("return document.body.dataset.ready")
                )
                cells = driver.find_elements("css selector", f".cell[data-id='{args.cell}']")
                if not cells:
                    raise ValueError(f"the page has no cell {args.cell!r}")
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", cells[0])
                cells[0].click()
                errors = console_errors(driver)
                if errors:
                    raise ValueError(f"console error in the page: {errors[0]}")
                if not driver.save_screenshot(str(Path(args.output).resolve())):
                    raise OSError(f"cannot write {args.output}")
    except (MatrixError, ResultsError, OSError, ValueError) as exc:
        print(f"report_screenshot.py: error: {' '.join(str(exc).splitlines())}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
