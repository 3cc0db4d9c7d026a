"""Every Catalyst cell of matrix.yaml (``qjit:``), compiled, differentiated and judged.

Not part of the default run: ``pytest --qjit tests/test_qjit.py`` or ``tox -e qjit``."""

from supportmatrix.cell_tests import test_qjit_cell  # noqa: F401 - collected here
