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

from supportmatrix.check.circuits import reproduction_snippet
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.versions import pinned_versions
from supportmatrix.report.browser import chromium, console_errors, find_browser
from supportmatrix.report.html import build_report
from tests.unit.report import report_results as rr

ROOT = Path(__file__).resolve().parents[3]
CELLS = ".cell[data-i]"
#: The ids of the cells the browser really displays (not hidden, nor inside a hidden row,
#: column or table).
DISPLAYED_IDS = (f"return Array.from(document.querySelectorAll('{CELLS}'))"
                 ".filter(e => e.offsetParent !== null).map(e => e.dataset.id);")


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
    }
    for name, text in files.items():
        (directory / f"{name}.html").write_text(text, encoding="utf-8")
    return {"dir": directory, "real": real}


def _open(driver: Any, pages: dict[str, Any], name: str) -> None:
    console_errors(driver)  # drop what an earlier page logged; each test reads its own
    driver.get((pages["dir"] / f"{name}.html").as_uri())
    assert driver.execute_script("return document.body.dataset.ready") == "true"


def _no_console_errors(driver: Any) -> None:
    __tracebackhide__ = True
    errors = console_errors(driver)
    assert not errors, "console errors:\n" + "\n".join(errors)


def _displayed(driver: Any) -> list[str]:
    return driver.execute_script(DISPLAYED_IDS)


def test_the_real_matrix_renders_every_cell(driver: Any, pages: dict[str, Any]) -> None:
    _open(driver, pages, "real")
    real = pages["real"]
    qnode = driver.find_elements("css selector", f"section[data-family=qnode] {CELLS}")
    hybrid = driver.find_elements("css selector", f"section[data-family=hybrid] {CELLS}")
    assert (len(qnode), len(hybrid)) == (len(real.family("qnode").cells), len(real.family("hybrid").cells)) == (3168, 80)
    assert _displayed(driver) == [rc.cell.id for rc in (*real.family("qnode").cells, *real.family("hybrid").cells)]
    images = driver.execute_script("return Array.from(document.images).map(i => i.naturalWidth)")
    assert len(images) == 1 and images[0] > 0  # the outcome counts, decoded from its data: URI
    _no_console_errors(driver)


def test_a_filter_click_hides_exactly_its_cells(driver: Any, pages: dict[str, Any]) -> None:
    _open(driver, pages, "real")
    real = pages["real"]
    driver.find_element("css selector", "input[data-axis=interface][value=torch]").click()
    expected = [rc.cell.id for rc in real.family("qnode").cells if rc.cell.interface != "torch"]
    hybrid = [rc.cell.id for rc in real.family("hybrid").cells]  # no interface axis: untouched
    assert _displayed(driver) == expected + hybrid
    assert driver.find_element("id", "shown-count").text == str(len(expected) + len(hybrid))

    driver.find_element("css selector", "input[data-axis=measurement][value=probs]").click()
    driver.find_element("css selector", "input[data-axis=layer][value=torch-layer]").click()
    expected = [rc.cell.id for rc in real.family("qnode").cells
                if rc.cell.interface != "torch" and rc.cell.measurement != "probs"]
    hybrid = [rc.cell.id for rc in real.family("hybrid").cells if rc.cell.layer != "torch-layer"]
    assert _displayed(driver) == expected + hybrid
    headers = driver.find_elements("xpath", "//section[@data-family='qnode']//th[text()='probs']")
    assert headers and not any(h.is_displayed() for h in headers)  # the emptied column goes

    driver.find_element("css selector", "input[data-axis=device][value='default.qubit']").click()
    section = driver.find_element("css selector", "section[data-device='default.qubit']")
    assert not section.is_displayed()  # a table with nothing left in it goes
    _no_console_errors(driver)


def test_opening_a_cell_shows_its_exact_error_and_reproduction(driver: Any,
                                                               pages: dict[str, Any]) -> None:
    _open(driver, pages, "results")
    driver.find_element("css selector", f".cell[data-id='{rr.HOSTILE_CELL}']").click()
    panel = driver.find_element("id", "detail")
    assert panel.is_displayed()
    message = panel.find_element("css selector", ".error-message")
    assert message.get_property("textContent") == rr.HOSTILE_MESSAGE  # markup shown, not run
    assert driver.execute_script("return document.querySelectorAll('#detail b, #detail script').length") == 0
    cell = next(rc.cell for rc in rr.load(pages["dir"] / "matrix.yaml").family("qnode").cells if rc.cell.id == rr.HOSTILE_CELL)
    repro = panel.find_element("css selector", "pre.repro").get_property("textContent")
    assert repro == reproduction_snippet(cell)
    assert "pennylane" in panel.text and "0.45.1" in panel.text  # versions of the run

    driver.find_element("css selector",
                        ".cell[data-id='default.qubit-autograd-adjoint-expval-shots100']").click()
    ratios = [td.text for td in panel.find_elements("css selector", "td.ratio")]
    assert ratios == ["0.250", "3.00"]
    _no_console_errors(driver)


def test_the_drift_is_grouped_and_its_cells_highlighted(driver: Any, pages: dict[str, Any]) -> None:
    _open(driver, pages, "drift")
    for key, cell_id in rr.DRIFTED.items():
        group = driver.find_element("css selector", f"#drift details[data-group='{key}']")
        assert cell_id in group.get_property("textContent")
        assert "changed" in driver.find_element(
            "css selector", f".cell[data-id='{cell_id}']").get_attribute("class").split()
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
