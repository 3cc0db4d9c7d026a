"""The 5-point central-difference stencil behind both references (QNode and hybrid).

``f'(x) ~ sum_k w_k f(x + k h) / h`` over ``k = -2, -1, 1, 2``. With antisymmetric
weights (``w_-k = -w_k``) every even Taylor term cancels; the first and third moments
fix the rest: ``sum_k w_k k = 1`` and ``sum_k w_k k**3 = 0`` give ``w_1 = 8/12`` and
``w_2 = -1/12``. The leading error is then the fifth moment,
``sum_k w_k k**5 / 5! = -4/120``, so the truncation error is ``h**4/30 * |f^(5)|``; and a
rounding error ``delta`` in each value grows to ``sum_k |w_k| delta / h = 1.5 delta / h``.
`tolerance` and `hybrid.reference` write their bounds with these two constants.
"""

from __future__ import annotations

#: (offset k, weight w_k) pairs.
STENCIL: tuple[tuple[int, float], ...] = ((-2, 1 / 12), (-1, -8 / 12), (1, 8 / 12), (2, -1 / 12))
