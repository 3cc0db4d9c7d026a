"""Write (or check) the "Layout" block of the site's architecture page: the package tree,
one line per module.

Each line is the module's path and the first line of its docstring, so the tree says
what each module owns in the module's own words and cannot drift from the code;
`tests/unit/test_architecture.py` fails when the page's copy is stale. (The block lived in
the README until the README was cut down to what a newcomer reads first.)

    python scripts/readme_layout.py            # print the section
    python scripts/readme_layout.py --write    # rewrite it in docs/architecture.md
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "supportmatrix"
PAGE = ROOT / "docs" / "architecture.md"
BEGIN = "<!-- layout: begin (scripts/readme_layout.py writes this block) -->"
END = "<!-- layout: end -->"


def summary(path: Path) -> str:
    """The first line of a module's docstring (``-`` for none)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    return doc.strip().splitlines()[0] if doc else "-"


def _entries(folder: Path) -> list[Path]:
    """Modules first, then subpackages, each alphabetically; ``__init__`` speaks for its folder."""
    modules = sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")
    data = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix == ".json")
    packages = sorted(p for p in folder.iterdir() if (p / "__init__.py").exists())
    return [*modules, *data, *packages]


def tree_lines(folder: Path = PACKAGE, prefix: str = "") -> list[tuple[str, str]]:
    """``(drawn path, summary)`` pairs for everything below ``folder``."""
    rows: list[tuple[str, str]] = []
    entries = _entries(folder)
    for position, entry in enumerate(entries):
        last = position == len(entries) - 1
        branch, extension = ("└── ", "    ") if last else ("├── ", "│   ")
        if entry.is_dir():
            rows.append((f"{prefix}{branch}{entry.name}/", summary(entry / "__init__.py")))
            rows += tree_lines(entry, prefix + extension)
        elif entry.suffix == ".json":
            rows.append((f"{prefix}{branch}{entry.name}", "JSON Schema of the results file"))
        else:
            rows.append((f"{prefix}{branch}{entry.name}", summary(entry)))
    return rows


def section() -> str:
    """The whole block between the markers, markers included."""
    rows = [("supportmatrix/", summary(PACKAGE / "__init__.py")), *tree_lines()]
    width = max(len(path) for path, _ in rows) + 2
    body = "\n".join(f"{path.ljust(width)}{text}".rstrip() for path, text in rows)
    return f"{BEGIN}\n```text\n{body}\n```\n{END}"


def stored_block(text: str) -> str:
    """The block as it stands in the page's text; `ValueError` when the markers are missing."""
    if BEGIN not in text or END not in text:
        raise ValueError(f"{PAGE.name} has no layout block ({BEGIN!r} ... {END!r})")
    start = text.index(BEGIN)
    return text[start : text.index(END, start) + len(END)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the block in docs/architecture.md")
    args = parser.parse_args(argv)
    if not args.write:
        print(section())
        return 0
    text = PAGE.read_text(encoding="utf-8")
    PAGE.write_text(text.replace(stored_block(text), section()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
