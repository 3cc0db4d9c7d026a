"""Installed versions of the packages `matrix.yaml` rules may gate on, and specifier matching.

A rule's ``where`` may say e.g. ``pennylane: ">=0.44"``; the loader asks `specifier_matches`
whether the installed version satisfies it. A package that is not installed matches nothing.
"""

from __future__ import annotations

import functools
from importlib import metadata

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion

from supportmatrix.model import VERSIONED_PACKAGES


@functools.cache
def installed_versions() -> dict[str, str | None]:
    """Map each of `VERSIONED_PACKAGES` to its installed distribution version, or None.

    Cached: the environment does not change during a run, and the loader calls this on every
    xdist worker at collection. The returned dict is shared; do not mutate it.
    """
    return {name: _distribution_version(name) for name in VERSIONED_PACKAGES}


def _distribution_version(name: str) -> str | None:
    # importlib.metadata normalises "pennylane-lightning" vs "pennylane_lightning" itself.
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def specifier_matches(spec: SpecifierSet, version: str | None) -> bool:
    """Whether ``version`` satisfies ``spec``; False when the package is not installed.

    Pre-releases are allowed: a dev build of PennyLane (``0.45.0.dev3``) must still be gated
    by ``>=0.44``, which packaging would otherwise refuse to match.
    """
    if version is None:
        return False
    try:
        return spec.contains(version, prereleases=True)
    except InvalidVersion:
        # A non-PEP 440 version string (some vendor builds) cannot be compared; treat as no match.
        return False
