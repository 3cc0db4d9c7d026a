"""Failure text every family shares: a multi-line exception in full, and unjudged warnings."""

from __future__ import annotations

from supportmatrix.check.classify import Observed, ObservedWarning


def detail_lines(observed: Observed, warnings: tuple[ObservedWarning, ...]) -> list[str]:
    """A multi-line exception message in full, and the warnings no declaration judges."""
    lines = []
    if observed.error is not None and "\n" in observed.error.message.strip():
        lines.append("  full exception message:")
        lines += [f"    {line}" for line in observed.error.message.strip().splitlines()]
    third_party = [w for w in warnings if not w.pennylane]
    if third_party:
        lines.append("  third-party warnings (recorded, not judged):")
        lines += [f"    {w.describe()} at {w.filename}:{w.lineno}" for w in third_party]
    return lines
