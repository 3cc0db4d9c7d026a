"""The 5-point central-difference stencil behind every reference (QNode, hybrid, Catalyst, features), once and nested.

``f'(x) ~ sum_k w_k f(x + k h) / h`` over ``k = -2, -1, 1, 2``. With antisymmetric
weights (``w_-k = -w_k``) every even Taylor term cancels; the first and third moments
fix the rest: ``sum_k w_k k = 1`` and ``sum_k w_k k**3 = 0`` give ``w_1 = 8/12`` and
``w_2 = -1/12``. The leading error is then the fifth moment,
``sum_k w_k k**5 / 5! = -4/120``, so the truncation error is ``h**4/30 * |f^(5)|``; and a
rounding error ``delta`` in each value grows to ``sum_k |w_k| delta / h = 1.5 delta / h``.
`tolerance` and `hybrid.reference` write their bounds with these two constants.

Nested, along coordinates ``i`` and ``j`` (`oracle.stencil_hessian`), the stencil
estimates a second derivative: ``D_i D_j f ~ d_i d_j f`` with
``D_i g = sum_k w_k g(x + k h e_i) / h``. Its error splits as
``D_i (D_j f - d_j f) + (D_i d_j f - d_i d_j f)``: the second term is one stencil's
truncation, at most ``h**4/30 * sup |d_i**5 d_j f|``; in the first, ``D_i`` of a function
``g`` is ``sum_k w_k (g(x + k h e_i) - g(x)) / h`` (the weights sum to 0), at most
``sum_k |w_k| |k| * sup |d_i g| = 5/3 * sup |d_i g|`` (`WEIGHTED_OFFSETS`), and
``d_i g = D_j (d_i f) - d_j d_i f`` is again one stencil's truncation,
``h**4/30 * sup |d_j**5 d_i f|``. So the truncation is at most
``h**4/30 * (sup |d_i**5 d_j f| + 5/3 sup |d_j**5 d_i f|)``, rigorously; and a rounding
error ``delta`` in each value grows to ``(sum_k |w_k|)**2 delta / h**2 = 2.25 delta / h**2``
(`NESTED_WEIGHTS`). ``h = HESSIAN_STEP = 5e-3`` balances the two near 1e-9 for derivatives
of order 1 and a float64 round-off of a few dozen eps.
"""

from __future__ import annotations

#: (offset k, weight w_k) pairs.
STENCIL: tuple[tuple[int, float], ...] = ((-2, 1 / 12), (-1, -8 / 12), (1, 8 / 12), (2, -1 / 12))
#: ``sum_k |w_k|``: how much one stencil amplifies a rounding error (over ``h``).
WEIGHTS = sum(abs(w) for _, w in STENCIL)
#: ``sum_k |w_k| |k|``: a stencil of a function bounded by its derivative's bound (5/3).
WEIGHTED_OFFSETS = sum(abs(w) * abs(k) for k, w in STENCIL)
#: ``(sum_k |w_k|)**2``: the nested stencil's amplification of a rounding error (over ``h**2``).
NESTED_WEIGHTS = WEIGHTS**2
#: Step of the nested (second-derivative) stencil.
HESSIAN_STEP = 5e-3
