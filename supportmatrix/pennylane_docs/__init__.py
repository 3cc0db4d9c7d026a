"""PennyLane's own documented support table: reading its RST page and comparing it with a matrix."""
