"""The exception a runner raises when a cell's run ends with no observation at all."""


class CellCrashed(RuntimeError):
    """A cell's run ended without an observation (a worker process died); its message
    says how. Imports nothing: worker processes import it at start."""
