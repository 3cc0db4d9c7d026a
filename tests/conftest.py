"""Hypothesis profiles for the property tests, registered once for every test module.

``SUPPORTMATRIX_PROFILE`` picks one:

* ``ci`` (default): derandomized, 2 examples per class, no example database, so every
  run and every xdist worker draws the same examples;
* ``thorough``: 200 random examples per class, e.g.
  ``SUPPORTMATRIX_PROFILE=thorough .venv/bin/pytest -n auto tests/test_properties.py``.

The profile is loaded at configuration, before any test module is imported, so the
property modules' ``@given`` tests take it without naming it. Any other value is a usage
error naming the allowed ones.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

PROFILE_VARIABLE = "SUPPORTMATRIX_PROFILE"
DEFAULT_PROFILE = "ci"
PROFILES = {
    "ci": settings(
        max_examples=2,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=[HealthCheck.too_slow],
    ),
    # derandomize is explicit: a profile inherits the settings current when it is made,
    # and with CI set hypothesis's own default is derandomized.
    "thorough": settings(
        max_examples=200,
        derandomize=False,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    ),
}
for _name, _profile in PROFILES.items():
    settings.register_profile(_name, _profile)


def pytest_configure(config: pytest.Config) -> None:
    name = os.environ.get(PROFILE_VARIABLE, DEFAULT_PROFILE)
    if name not in PROFILES:
        raise pytest.UsageError(
            f"{PROFILE_VARIABLE}={name!r}: unknown hypothesis profile; allowed: {', '.join(PROFILES)}"
        )
    settings.load_profile(name)
