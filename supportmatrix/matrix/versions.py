"""Installed versions of the packages `matrix.yaml` rules may gate on, and specifier matching.

A rule's ``where`` may say e.g. ``pennylane: ">=0.44"``; the loader asks `specifier_matches`
whether the installed version satisfies it. A package that is not installed matches nothing.
"""

from __future__ import annotations

import functools
from importlib import metadata
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion

from supportmatrix.matrix.axes import VERSIONED_PACKAGES


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


def pinned_versions(constraints: str | Path) -> dict[str, str | None]:
    """The installed versions, with every ``name==version`` pin of a pip constraints file put
    over them: the versions a generated table documents, whatever is installed. A ``-c FILE``
    (or ``-r FILE``) line includes another file, relative to this one, as pip reads it."""
    versions = dict(installed_versions())
    versions.update(_pins(Path(constraints), seen=()))
    return versions


def constraint_pins(constraints: str | Path) -> dict[str, str]:
    """Only the ``name==version`` pins a constraints file (with its includes) makes, of the
    packages a rule may gate on: what a page generated for it can name without depending
    on the machine it was made on."""
    return _pins(Path(constraints), seen=())


def _pins(path: Path, *, seen: tuple[Path, ...]) -> dict[str, str]:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    if path.resolve() in seen:
        raise ValueError(f"{path}: includes itself through {seen[-1]}")
    pins: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        option, _, included = text.partition(" ")
        if option in ("-c", "-r", "--constraint", "--requirement"):
            pins.update(_pins(path.parent / included.strip(), seen=(*seen, path.resolve())))
            continue
        try:
            requirement = Requirement(text)
        except InvalidRequirement as exc:
            raise ValueError(f"{path}:{number}: not a requirement: {exc}") from None
        exact = [s.version for s in requirement.specifier if s.operator == "=="]
        name = canonicalize_name(requirement.name)
        if len(exact) == 1 and name in VERSIONED_PACKAGES:
            pins[name] = exact[0]
    return pins
