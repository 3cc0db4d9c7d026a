"""Headless Chromium through selenium, for the HTML report's browser tests and its screenshot.

The browser and its driver are named by path (``SUPPORTMATRIX_CHROMIUM`` and
``SUPPORTMATRIX_CHROMEDRIVER``, else Debian's ``chromium`` and ``chromedriver`` on PATH), so
selenium-manager is never asked to find or download either. Each session gets a fresh
profile directory, removed with the session, and keeps the browser's console log so that a
page's console errors can be read back.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

BROWSER_NAMES = ("chromium", "chromium-browser")
DRIVER_NAMES = ("chromedriver",)

#: Chromium switches for a quiet, offline, reproducible headless run (no first-run UI, no
#: background traffic, no component or sync downloads).
CHROMIUM_ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


@dataclass(frozen=True)
class BrowserPaths:
    """Where the Chromium binary and its chromedriver are."""

    chromium: str
    chromedriver: str


def find_browser() -> BrowserPaths | str:
    """The browser and driver to use, or a sentence saying which one is missing."""
    chromium = _find("SUPPORTMATRIX_CHROMIUM", BROWSER_NAMES)
    driver = _find("SUPPORTMATRIX_CHROMEDRIVER", DRIVER_NAMES)
    if chromium is None or driver is None:
        missing = [name for name, path in (("chromium", chromium), ("chromedriver", driver)) if path is None]
        return (
            f"no {' and no '.join(missing)} found (set SUPPORTMATRIX_CHROMIUM / "
            "SUPPORTMATRIX_CHROMEDRIVER, or apt-get install chromium chromium-driver)"
        )
    return BrowserPaths(chromium, driver)


def _find(variable: str, names: tuple[str, ...]) -> str | None:
    named = os.environ.get(variable)
    if named:
        return named if os.access(named, os.X_OK) else None
    return next((path for path in map(shutil.which, names) if path), None)


@contextmanager
def chromium(paths: BrowserPaths, *, width: int = 1400, height: int = 900) -> Iterator[Any]:
    """A headless Chromium WebDriver with a fresh profile; quit (and the profile removed) on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="supportmatrix-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = paths.chromium
    for argument in (*CHROMIUM_ARGUMENTS, f"--window-size={width},{height}", f"--user-data-dir={profile}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = None
    try:
        driver = webdriver.Chrome(service=Service(paths.chromedriver), options=options)
        yield driver
    finally:
        if driver is not None:
            driver.quit()  # ends chromedriver and every Chromium process it started
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver: Any) -> list[str]:
    """The SEVERE entries of the browser's console log since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
