"""Every hybrid-model cell of matrix.yaml, built, differentiated, trained and judged."""

from supportmatrix.cell_tests import test_hybrid_cell  # noqa: F401 - collected here
