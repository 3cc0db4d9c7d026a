"""Hypothesis profiles for the property tests, registered once for every test module.

``SUPPORTMATRIX_PROFILE`` picks one:

* ``ci`` (default): derandomized, 2 examples per class, no example database, so every
  run and every xdist worker draws the same examples;
* ``thorough``: 200 random examples per class, e.g.
  ``SUPPORTMATRIX_PROFILE=thorough .venv/bin/pytest -n auto tests/test_properties.py``.

The profile is loaded at configuration, before any test module is imported, so the
property modules' ``@given`` tests take it without naming it. Any other value is a usage
error naming the allowed ones.

It also pins ``PYTHONHASHSEED`` (default ``0``) for the xdist workers, which start after
configuration and inherit the environment: PennyLane builds ``qml.ops.qubit.__all__``
from a set of names, so its order, and with it which operator ``Exp``'s decomposition
tries first (``ops/op_math/exp.py``'s ``_get_has_generator_types``), follows the
interpreter's string-hash seed. Unpinned, a cell such as
``lightning.qubit-autograd-direct-hadamard-trainable-unitary-analytic`` errors in some
processes and passes in others (docs/features.md, "Outcomes that follow the hash seed").
A process's own seed is fixed when it starts, so single-process runs export it
themselves, as ``.ci/run`` does.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

PROFILE_VARIABLE = "SUPPORTMATRIX_PROFILE"
HASH_SEED_VARIABLE = "PYTHONHASHSEED"
DEFAULT_HASH_SEED = "0"
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
    os.environ.setdefault(HASH_SEED_VARIABLE, DEFAULT_HASH_SEED)
