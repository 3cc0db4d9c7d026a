"""Every features-family cell of matrix.yaml, run for real and judged against its declaration."""

from supportmatrix.cell_tests import test_features_cell  # noqa: F401 - collected here
