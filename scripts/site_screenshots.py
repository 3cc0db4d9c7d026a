"""Screenshot the built documentation site's table page and findings page in headless
Chromium (docs/site-table-screenshot.png, docs/site-findings-screenshot.png).

    .venv/bin/python scripts/docs_site.py docs/_build/html      # build the site first
    .venv/bin/python scripts/site_screenshots.py docs/_build/html

Uses the browser module of the HTML report's browser tests (`supportmatrix.report.browser`:
Debian's chromium and chromedriver by path, nothing downloaded). Each page is scrolled so
that the part it shows is at the top (`SHOTS`). Before saving
the table page, it checks that the page draws its outcomes as icons of different shapes,
which read without an emoji font. Bad input is one line and exit code 2.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from supportmatrix.report.browser import chromium, console_errors, find_browser

ROOT = Path(__file__).resolve().parents[1]
#: What the theme's scripts call from its CDN scripts: offline, these are undefined.
CDN_GLOBALS = re.compile(
    r"\b(hljs|bootstrap|OverlayScrollbars|OverlayScrollbarsGlobal)\b.*"
    r"(is not defined|undefined)"
)
#: (built page, XPath of what to scroll to the top, screenshot): the first device table's
#: autograd rows (its rows for interface None are all one colour); the findings' summary
#: table (after the table of pinned versions).
SHOTS = (
    (
        "table-support.html",
        "(//table)[1]//tr[td[normalize-space()='\"autograd\"']]",
        ROOT / "docs" / "site-table-screenshot.png",
    ),
    ("findings.html", "(//table)[2]", ROOT / "docs" / "site-findings-screenshot.png"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site, e.g. docs/_build/html")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args(argv)
    paths = find_browser()
    try:
        if isinstance(paths, str):
            raise ValueError(paths)
        with chromium(paths, width=args.width, height=args.height) as driver:
            for page, target, output in SHOTS:
                source = args.site / page
                if not source.is_file():
                    raise ValueError(
                        f"{source} does not exist; build the site first (python scripts/docs_site.py DIR)"
                    )
                driver.get(source.resolve().as_uri())
                found = driver.find_elements("xpath", target)
                if not found:
                    raise ValueError(f"{page} has nothing at {target}")
                driver.execute_script(
                    "arguments[0].scrollIntoView({block: 'start'});window.scrollBy(0, -90);", found[0]
                )
                if page == "table-support.html":
                    _check_marks(driver)
                # The theme loads fonts, icons, Bootstrap and highlight.js from CDNs;
                # offline those fail to load, and the theme's calls into them fail, which
                # is no error of the page itself.
                errors = [
                    e for e in console_errors(driver) if "net::ERR_" not in e and not CDN_GLOBALS.search(e)
                ]
                if errors:
                    raise ValueError(f"console error in {page}: {errors[0]}")
                if not driver.save_screenshot(str(output)):
                    raise OSError(f"cannot write {output}")
                print(f"wrote {output.relative_to(ROOT)}")
    except (OSError, ValueError) as exc:
        print(f"site_screenshots.py: error: {' '.join(str(exc).splitlines())}", file=sys.stderr)
        return 2
    return 0


def _check_marks(driver: Any) -> None:
    """Every outcome the page shows is an icon, and no two outcomes share a shape."""
    shapes = driver.execute_script(
        "const seen = {};"
        "for (const svg of document.querySelectorAll('svg.outcome-mark')) {"
        "  seen[svg.dataset.key] = svg.querySelector('path').getAttribute('d'); }"
        "return seen;"
    )
    if len(shapes) < 4 or len(set(shapes.values())) != len(shapes):
        raise ValueError(f"the table page's outcome icons are missing or alike: {shapes}")


if __name__ == "__main__":
    sys.exit(main())
