"""The HTML report in a real browser: headless Chromium through selenium.

Pages are generated from the real `matrix.yaml` and from small synthetic results files,
loaded from ``file://`` (the page fetches nothing), and every test fails on a console
error (a script error, or a blocked fetch: the page's Content-Security-Policy refuses
any). They skip only when no Chromium or chromedriver can be found, and ``.ci/run`` sets
``SUPPORTMATRIX_REQUIRE_BROWSER=1``, which turns that skip into a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from supportmatrix.check.circuits import reproduction_snippet
from supportmatrix.matrix.families import FAMILIES, Family
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Matrix
from supportmatrix.matrix.versions import pinned_versions
from supportmatrix.report import html_data
from supportmatrix.report.browser import chromium, console_errors, find_browser
from supportmatrix.report.html import build_report
from supportmatrix.report.vocabulary import shown
from tests.unit.report import report_results as rr

ROOT = Path(__file__).resolve().parents[3]
CELLS = ".cell[data-i]"
#: The ids of the cells the browser really displays (not hidden, nor inside a hidden row,
#: column or table).
DISPLAYED_IDS = (
    f"return Array.from(document.querySelectorAll('{CELLS}'))"
    ".filter(e => e.offsetParent !== null).map(e => e.dataset.id);"
)


@pytest.fixture(scope="session")
def driver() -> Iterator[Any]:
    paths = find_browser()
    if isinstance(paths, str):
        if os.environ.get("SUPPORTMATRIX_REQUIRE_BROWSER"):
            pytest.fail(f"SUPPORTMATRIX_REQUIRE_BROWSER is set, but {paths}")
        pytest.skip(paths)
    with chromium(paths, width=1400, height=900) as browser:
        yield browser


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    directory = tmp_path_factory.mktemp("pages")
    versions = pinned_versions(ROOT / "constraints.txt")
    real = load_matrix(ROOT / "matrix.yaml", versions=versions)
    small = rr.load(rr.write_matrix(directory))
    old, new = (rr.document(small), rr.document(small, rr.drifted_run))
    files = {
        "real": build_report(matrix=real, versions=versions),
        "results": build_report(documents=[(old, "old.json")]),
        "drift": build_report(documents=[(old, "old.json"), (new, "new.json")], with_plots=False),
        "catalyst-drift": build_report(
            documents=[
                (rr.with_qjit_record(old), "old.json"),
                (rr.with_qjit_record(old, rr.QJIT_FAILURE), "new.json"),
            ],
            with_plots=False,
        ),
    }
    for name, text in files.items():
        (directory / f"{name}.html").write_text(text, encoding="utf-8")
    return {"dir": directory, "real": real}


def _open(driver: Any, pages: dict[str, Any], name: str) -> None:
    console_errors(driver)  # drop what an earlier page logged; each test reads its own
    driver.get((pages["dir"] / f"{name}.html").as_uri())
    # The first family's tables are drawn at once, the others in tasks of their own.
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.body.dataset.ready"))


def _no_console_errors(driver: Any) -> None:
    __tracebackhide__ = True
    errors = console_errors(driver)
    assert not errors, "console errors:\n" + "\n".join(errors)


def _displayed(driver: Any) -> list[str]:
    return driver.execute_script(DISPLAYED_IDS)


def _table_order(family: Family, matrix: Matrix, keep: Any = lambda cell: True) -> list[str]:
    """The ids of a family's cells (tested or not applicable) for which ``keep`` holds, in
    the order its tables show them: by section, row, column, then paired value."""
    cells = matrix.family(family.name)
    layout = family.layout
    placed = [*layout.sections, *layout.rows, *layout.columns, *([layout.paired] if layout.paired else [])]

    def position(cell: Any) -> tuple[int, ...]:
        return tuple(cells.axes[axis].index(cell.axis_value(axis)) for axis in placed)

    drawn = [item.cell for item in (*cells.cells, *cells.not_applicable) if keep(item.cell)]
    return [cell.id for cell in sorted(drawn, key=position)]


def _page_order(matrix: Matrix, keep: Any = lambda cell: True) -> list[str]:
    return [i for family in FAMILIES for i in _table_order(family, matrix, keep)]


def test_the_real_matrix_renders_every_cell(driver: Any, pages: dict[str, Any]) -> None:
    _open(driver, pages, "real")
    real = pages["real"]
    for family in FAMILIES:
        drawn = driver.execute_script(
            f"return Array.from(document.querySelectorAll("
            f"'section.family[data-family={family.name}] {CELLS}'), e => e.dataset.id)"
        )
        assert drawn == _table_order(family, real), family.name
    assert (len(real.family("qnode").cells), len(real.family("hybrid").cells)) == (3168, 120)
    assert _displayed(driver) == _page_order(real)
    not_applicable = driver.find_elements("css selector", ".cell[data-i].k-not-applicable")
    assert len(not_applicable) == len(real.family("features").not_applicable) > 0
    assert {e.text for e in not_applicable} == {"n/a"}
    images = driver.execute_script("return Array.from(document.images).map(i => i.naturalWidth)")
    assert len(images) == 1 and images[0] > 0  # the outcome counts, decoded from its data: URI
    _no_console_errors(driver)


def test_a_filter_click_hides_exactly_its_cells(driver: Any, pages: dict[str, Any]) -> None:
    _open(driver, pages, "real")
    real = pages["real"]
    driver.find_element("css selector", "input[data-axis=interface][value=torch]").click()
    # The families with no interface axis (hybrid, Catalyst) are untouched.
    expected = _page_order(real, lambda cell: getattr(cell, "interface", None) != "torch")
    assert _displayed(driver) == expected
    assert driver.find_element("id", "shown-count").text == str(len(expected))

    driver.find_element("css selector", "input[data-axis=measurement][value=probs]").click()
    driver.find_element("css selector", "input[data-axis=layer][value=torch-layer]").click()
    expected = _page_order(
        real,
        lambda cell: (
            getattr(cell, "interface", None) != "torch"
            and getattr(cell, "measurement", None) != "probs"
            and getattr(cell, "layer", None) != "torch-layer"
        ),
    )
    assert _displayed(driver) == expected
    headers = driver.find_elements("xpath", "//section[@data-family='qnode']//th[text()='probs']")
    assert headers and not any(h.is_displayed() for h in headers)  # the emptied column goes

    driver.find_element("css selector", "input[data-axis=device][value='default.qubit']").click()
    section = driver.find_element("css selector", "section[data-device='default.qubit']")
    assert not section.is_displayed()  # a table with nothing left in it goes
    _no_console_errors(driver)


def test_opening_a_cell_shows_its_exact_error_and_reproduction(driver: Any, pages: dict[str, Any]) -> None:
    _open(driver, pages, "results")
    driver.find_element("css selector", f".cell[data-id='{rr.HOSTILE_CELL}']").click()
    panel = driver.find_element("id", "detail")
    assert panel.is_displayed()
    message = panel.find_element("css selector", ".error-message")
    assert message.get_property("textContent") == rr.HOSTILE_MESSAGE  # markup shown, not run
    assert driver.execute_script("return document.querySelectorAll('#detail b, #detail script').length") == 0
    cell = next(
        rc.cell
        for rc in rr.load(pages["dir"] / "matrix.yaml").family("qnode").cells
        if rc.cell.id == rr.HOSTILE_CELL
    )
    repro = panel.find_element("css selector", "pre.repro").get_property("textContent")
    assert repro == reproduction_snippet(cell)
    assert "pennylane" in panel.text and "0.45.1" in panel.text  # versions of the run

    driver.find_element(
        "css selector", ".cell[data-id='default.qubit-autograd-adjoint-expval-shots100']"
    ).click()
    ratios = [td.text for td in panel.find_elements("css selector", "td.ratio")]
    assert ratios == ["0.250", "3.00"]
    _no_console_errors(driver)


def test_the_drift_is_grouped_and_its_cells_highlighted(driver: Any, pages: dict[str, Any]) -> None:
    _open(driver, pages, "drift")
    for key, cell_id in rr.DRIFTED.items():
        group = driver.find_element("css selector", f"#drift details[data-group='{key}']")
        assert cell_id in group.get_property("textContent")
        assert (
            "changed"
            in driver.find_element("css selector", f".cell[data-id='{cell_id}']")
            .get_attribute("class")
            .split()
        )
    driver.find_element("css selector", "#drift details[data-group='newly-failing'] a").click()
    panel = driver.find_element("id", "detail")
    messages = [m.get_property("textContent") for m in panel.find_elements("css selector", ".error-message")]
    assert messages == [rr.NEW_FAILURE.removeprefix("ValueError: ")]  # the old side had none
    driver.find_element("css selector", "input[data-toggle=changed]").click()
    assert sorted(_displayed(driver)) == sorted(rr.DRIFTED.values())
    _no_console_errors(driver)


def test_a_screenshot_of_an_open_cell(driver: Any, pages: dict[str, Any], tmp_path: Path) -> None:
    _open(driver, pages, "results")
    driver.find_element("css selector", f".cell[data-id='{rr.HOSTILE_CELL}']").click()
    shot = tmp_path / "report.png"
    assert driver.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    _no_console_errors(driver)


#: The kinds the Markdown tables draw as emoji (✅ ❌ ▶️ ⛔ 🐞) and the features' n/a.
MARKED_KINDS = (
    "supported",
    "forward-raises",
    "gradient-raises",
    "no-gradient",
    "incorrect",
    "not-applicable",
)


def test_outcomes_are_told_apart_without_colour_or_an_emoji_font(driver: Any, pages: dict[str, Any]) -> None:
    # This machine's Chromium has no emoji font: ✅ ❌ 🐞 as text are the same box (and ⛔
    # nearly so). Each kind's mark is compared as drawn, in black on no background and no
    # border, so that only its shape tells it apart.
    from io import BytesIO

    from PIL import Image

    _open(driver, pages, "real")
    driver.execute_script(
        "document.querySelectorAll('.legend .swatch').forEach(e => {"
        "e.style.background = 'none'; e.style.border = '0'; e.style.color = '#000'; });"
    )
    drawn = {}
    for key in MARKED_KINDS:
        swatch = driver.find_element("css selector", f".legend .swatch.k-{key}")
        image = Image.open(BytesIO(swatch.screenshot_as_png)).convert("RGB")
        assert any(low != high for low, high in image.getextrema()), f"the {key} mark draws nothing"
        drawn[key] = image.tobytes()
    alike = [
        (a, b) for i, a in enumerate(MARKED_KINDS) for b in MARKED_KINDS[i + 1 :] if drawn[a] == drawn[b]
    ]
    assert not alike, f"drawn the same: {alike}"
    # and screen readers are told each cell's kind in words
    labels = driver.execute_script(
        f"return Array.from(document.querySelectorAll('{CELLS}'), "
        "e => [e.dataset.id, e.getAttribute('aria-label')])"
    )
    by_id = {rc.cell.id: rc for rc in pages["real"].resolved()}
    first = next(iter(by_id))
    assert dict(labels)[first] == f"{first}: {shown(by_id[first].expectation).value}"
    _no_console_errors(driver)


def test_the_real_page_draws_every_cell_of_every_family(driver: Any, pages: dict[str, Any]) -> None:
    # 9,000+ cells: the first family's tables are drawn before the first paint, the others
    # in later tasks; once the page says it is ready, every cell is there. (How long that
    # takes is measured, not asserted: docs/report.md.)
    _open(driver, pages, "real")
    real = pages["real"]
    expected = len(real.resolved()) + sum(len(real.family(f.name).not_applicable) for f in FAMILIES)
    assert driver.execute_script("return document.body.dataset.ready") is not None
    assert len(driver.find_elements("css selector", CELLS)) == expected
    timing = driver.execute_script(
        "return [performance.getEntriesByName('first-contentful-paint')[0].startTime,"
        " Number(document.body.dataset.readyMs)]"
    )
    print(f"{expected} cells: first paint {timing[0]:.0f} ms, every table drawn {timing[1]:.0f} ms")
    _no_console_errors(driver)


def test_a_not_applicable_cell_opens_with_its_reason(driver: Any, pages: dict[str, Any]) -> None:
    _open(driver, pages, "real")
    na = pages["real"].family("features").not_applicable[0]
    node = driver.find_element("css selector", f".cell[data-id='{na.cell.id}']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", node)
    node.click()
    panel = driver.find_element("id", "detail")
    assert "Not applicable" in panel.text
    reason = " ".join(pages["real"].notes[na.note].split()).replace("`", "")
    assert reason[:60] in " ".join(panel.text.split())
    _no_console_errors(driver)


def test_a_catalyst_drift_is_listed_with_its_family(driver: Any, pages: dict[str, Any]) -> None:
    _open(driver, pages, "catalyst-drift")
    group = driver.find_element("css selector", "#drift details[data-group='newly-failing']")
    assert f"{rr.QJIT_CELL.id} (Catalyst)" in group.get_property("textContent")
    group.find_element("css selector", "a").click()
    panel = driver.find_element("id", "detail")
    assert panel.find_element("css selector", "h2").text == rr.QJIT_CELL.id
    assert [m.get_property("textContent") for m in panel.find_elements("css selector", ".error-message")] == [
        rr.QJIT_FAILURE.message
    ]
    section = driver.find_element("css selector", "section.family[data-family=qjit]")
    assert section.find_element("css selector", "h2").text.startswith("Catalyst")
    _no_console_errors(driver)


def test_a_family_the_registry_does_not_have_is_drawn(
    driver: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html_data, "FAMILIES", (*FAMILIES, rr.TOY))
    matrix = rr.toy_matrix()
    page = tmp_path / "toy.html"
    page.write_text(build_report(matrix=matrix, versions=rr.VERSIONS, with_plots=False), encoding="utf-8")
    console_errors(driver)
    driver.get(page.as_uri())
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.body.dataset.ready"))
    parts = driver.find_elements("css selector", "section.family[data-family=toy] section.part")
    assert [p.get_attribute("data-colour") for p in parts] == ["red", "blue"]
    # sections by colour, a row per size, each table cell the shots values side by side
    rows = parts[0].find_elements("css selector", "tbody tr")
    assert [r.find_element("css selector", "th").text for r in rows] == ["S", "M", "L"]
    assert [[c.get_attribute("data-id") for c in r.find_elements("css selector", CELLS)] for r in rows] == [
        [f"toy-red-{size}-analytic", f"toy-red-{size}-100"] for size in ("S", "M", "L")
    ]
    assert _displayed(driver) == [rc.cell.id for rc in matrix.family("toy").cells]
    driver.find_element("css selector", "input[data-axis=size][value=L]").click()
    assert _displayed(driver) == [rc.cell.id for rc in matrix.family("toy").cells if rc.cell.size != "L"]
    _no_console_errors(driver)
