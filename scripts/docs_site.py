"""Build the documentation site with warnings as errors, then check its links, offline.

    python scripts/docs_site.py docs/_build/html

runs ``sphinx-build -W --keep-going -n -b html docs OUT`` (nitpicky: every reference must
resolve), writes the HTML report of the declared matrix (``supportmatrix report``, version
gates resolved for constraints.txt) into ``OUT/html-report/index.html``, which the site's
pages link to, then reads every built page and fails on a relative ``href`` or ``src``
that names no file of the built site, or an ``#anchor`` that no element of its page
carries. Nothing is fetched: addresses with a scheme (``https:``, ``mailto:``) are not
checked. Exit code 0 when all pass, 1 otherwise, with one line per broken link.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


class _Page(HTMLParser):
    """The links and the ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append(value)
            elif name in ("id", "name"):
                self.ids.add(value)


def _parsed(page: Path) -> _Page:
    parser = _Page()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path) -> list[str]:
    """``page: link`` for every relative link of the built ``site`` that resolves to nothing."""
    pages = {page: _parsed(page) for page in sorted(site.rglob("*.html"))}
    broken = []
    for page, parsed in pages.items():
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("//"):
                continue  # another site: never fetched
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {link} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parsed(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(site)}: {link} (no such anchor)")
    return broken


def build(out: Path) -> int:
    """Sphinx's exit code for the nitpicky, warnings-as-errors build into ``out``."""
    from sphinx.cmd.build import build_main

    return build_main(["-W", "--keep-going", "-n", "-q", "-b", "html", str(DOCS), str(out)])


#: Where the HTML report goes inside the built site (docs/report.md links to it).
REPORT = Path("html-report") / "index.html"


def write_report(out: Path) -> int:
    """``supportmatrix report``'s exit code, writing the declared matrix's page into ``out``."""
    target = out / REPORT
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "supportmatrix",
        "report",
        "--versions",
        "constraints.txt",
        "-o",
        str(target.resolve()),
    ]
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(command, cwd=ROOT, env=environment).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the folder to build into, e.g. docs/_build/html")
    args = parser.parse_args(argv)
    if build(args.out) != 0:
        print("docs: sphinx-build failed (warnings are errors)", file=sys.stderr)
        return 1
    if write_report(args.out) != 0:
        print("docs: supportmatrix report failed", file=sys.stderr)
        return 1
    broken = broken_links(args.out)
    for line in broken:
        print(f"docs: broken link: {line}", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
