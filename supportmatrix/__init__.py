"""supportmatrix: PennyLane's support table, measured instead of hand-written."""

__version__ = "0.1.0"
