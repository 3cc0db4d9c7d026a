"""Every features-family cell of matrix.yaml, run for real and judged against its declaration."""

from supportmatrix.matrix_test import test_feature_cell  # noqa: F401 - collected here
