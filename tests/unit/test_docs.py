"""The README and the documentation site: short, runnable, no machine's folders, and a
site that builds with warnings as errors and whose every internal link resolves."""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from supportmatrix.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
#: The README stays what a newcomer reads first; everything else is on the site.
README_MAX_LINES = 250

#: An absolute path: a slash at the start of a word, then a root folder of a Unix system.
ABSOLUTE = re.compile(
    r"(?<![\w.~$})\]/-])/(?:tmp|root|work|home|usr|opt|var|etc|mnt|srv|proc|path|Users|private|"
    r"bin|sbin|lib|dev|media|run|nix|snap)(?:/[\w.+*@-]*)*"
)
#: Absolute paths that are the same on every Linux machine, each with the reason.
ALLOWED = {
    "/usr/bin/time": "GNU time, where Debian installs it (the shell's `time` takes no -f)",
    "/dev/null": "the null device",
    "/proc/self/clear_refs": "the kernel's interface the benchmark describes, not a folder",
    "/proc/self/task": "the kernel's per-thread view the benchmark reads threads from, on any Linux",
}


def committed_docs() -> list[Path]:
    """README.md and every Markdown and RST file under docs/ (Sphinx's output aside)."""
    docs = ROOT / "docs"
    found = [
        p
        for p in sorted(docs.rglob("*"))
        if p.suffix in (".md", ".rst") and "_build" not in p.relative_to(docs).parts
    ]
    return [README, *found]


def absolute_paths(text: str) -> list[str]:
    """``line N: PATH`` for every absolute path in ``text`` that is not in `ALLOWED`."""
    return [
        f"line {number}: {match.group()}"
        for number, line in enumerate(text.splitlines(), 1)
        for match in ABSOLUTE.finditer(line)
        if match.group() not in ALLOWED
    ]


def test_the_path_finder_finds_absolute_paths_and_nothing_else() -> None:
    text = (
        "run `cd /tmp/obs2` then PYTHONPATH=/work/wt supportmatrix\n"
        "see docs/drift/x.md, https://example.org/tmp/x, 1/2, δ/h, and/or $HOME/tmp\n"
        "`/usr/bin/time -f %e`, PATH=/root/.pyenv/bin:$PATH\n"
    )
    assert absolute_paths(text) == ["line 1: /tmp/obs2", "line 1: /work/wt", "line 3: /root/.pyenv/bin"]


@pytest.mark.parametrize("path", committed_docs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_docs_name_no_absolute_path(path: Path) -> None:
    found = absolute_paths(path.read_text(encoding="utf-8"))
    assert not found, (
        f"{path.relative_to(ROOT)} names absolute paths outside the repository "
        f"({'; '.join(found)}): write them relative to a fresh clone"
    )


def test_readme_is_short() -> None:
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= README_MAX_LINES, (
        f"README.md has {lines} lines, over {README_MAX_LINES}: move the detail to a page under docs/"
    )


def _readme_commands() -> list[list[str]]:
    """Every command line of the README's bash blocks, comments stripped, split as a shell does."""
    text = README.read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                commands.append(words)
    return commands


def test_readme_commands_name_real_subcommands_options_and_files() -> None:
    parser = build_parser()
    checked = 0
    for words in _readme_commands():
        program = Path(words[0]).name
        if program == "supportmatrix":
            # parse_args exits on an unknown subcommand or option: that is the failure
            parser.parse_args(words[1:])
            checked += 1
        elif (program.startswith("python") and words[1].startswith("scripts/")) or program == "bash":
            assert (ROOT / words[1]).is_file(), f"README runs {words[1]}, which does not exist"
            checked += 1
        elif program == "pytest" and "--matrix" in words:
            matrix = words[words.index("--matrix") + 1]
            assert (ROOT / matrix).is_file(), f"README runs the cells of {matrix}, which does not exist"
            checked += 1
    assert checked >= 8, f"only {checked} README commands were recognised; has the README changed?"


def test_readme_explain_commands_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's `explain` example names a real cell: run it as a reader would."""
    from supportmatrix.cli import main

    monkeypatch.chdir(ROOT)
    examples = [
        words
        for words in _readme_commands()
        if Path(words[0]).name == "supportmatrix" and words[1] == "explain"
    ]
    assert examples, "the README shows no `supportmatrix explain` command"
    for words in examples:
        assert main(words[1:]) == 0, capsys.readouterr().err
        assert f"{words[2]}: a " in capsys.readouterr().out


def test_readme_links_resolve() -> None:
    text = README.read_text(encoding="utf-8")
    targets = [t for t in re.findall(r"\]\(([^)]+)\)", text) if "://" not in t]
    missing = [t for t in targets if not (ROOT / t.split("#")[0]).exists()]
    assert targets and not missing, f"README links to missing files: {missing}"


def _docs_site():
    spec = importlib.util.spec_from_file_location("docs_site", ROOT / "scripts" / "docs_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_link_check_finds_missing_files_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="sub/page.html#here">ok</a><a href="sub/page.html#gone">x</a>'
        '<img src="missing.png"><a href="https://example.org/none">far</a>',
        encoding="utf-8",
    )
    (tmp_path / "sub" / "page.html").write_text(
        '<h1 id="here">x</h1><a href="../index.html">up</a>', encoding="utf-8"
    )
    assert _docs_site().broken_links(tmp_path) == [
        "index.html: sub/page.html#gone (no such anchor)",
        "index.html: missing.png (no such file)",
    ]


def test_the_site_builds_with_warnings_as_errors_and_its_links_resolve(tmp_path: Path) -> None:
    # The docs extra (in `all`); environments made without it (tox -e pl-dev) skip, naming it.
    for module in ("sphinx", "myst_parser", "sphinxarg", "xanadu_sphinx_theme"):
        pytest.importorskip(module, reason=f"{module} (the docs extra) is not installed")
    out = tmp_path / "html"
    # In a process of its own: myst-parser's include directive reads an attribute Sphinx 9
    # deprecates, a Python warning this suite's pytest settings turn into an error; Sphinx's
    # own warnings are errors there too (-W).
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "docs_site.py"), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, f"scripts/docs_site.py failed:\n{done.stdout}{done.stderr}"
    # every generated table is embedded, not copied: its text is in the built page
    for page, source in [
        ("table-support.html", "support-table.md"),
        ("table-qjit.html", "qjit-table.md"),
        ("findings.html", "findings.md"),
    ]:
        html = (out / page).read_text(encoding="utf-8")
        first_heading = re.search(
            r"^# (.+)$", (ROOT / "docs" / source).read_text(encoding="utf-8"), re.M
        ).group(1)
        assert first_heading.split("`")[0].strip() in html, f"{page} does not embed {source}"
    # outcomes are drawn as icons, which read without an emoji font (docs/_ext/outcome_marks.py)
    for page in ("table-support.html", "table-support-rst.html", "table-qjit.html"):
        html = (out / page).read_text(encoding="utf-8")
        keys = set(re.findall(r'<svg class="outcome-mark" data-key="([\w-]+)"', html))
        assert {"supported", "forward-raises", "gradient-raises", "no-gradient"} <= keys, page
        assert not re.search("[✅❌⛔🐞🚧💾]", re.sub(r"<(pre|code)\b.*?</\1>", "", html, flags=re.S)), (
            f"{page} still shows an outcome emoji, which Chromium without an emoji font draws as a box"
        )
