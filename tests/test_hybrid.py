"""Every hybrid-model cell of matrix.yaml, built, differentiated, trained and judged."""

from supportmatrix.matrix_test import test_hybrid_cell  # noqa: F401 - collected here
