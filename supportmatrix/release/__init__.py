"""Checking a PennyLane release: results files, recording them, observing a run, drift between runs, updating matrix.yaml."""
