"""Unit tests for `supportmatrix.bench.fit`: exponents recovered from exact data, crossovers found."""

from __future__ import annotations

import pytest

from supportmatrix.bench.fit import Crossover, crossovers, exponential_fit, power_fit, ratios


@pytest.mark.parametrize("base", [1.5, 2.0, 4.0])
def test_exponential_fit_recovers_the_base_of_exact_data(base: float) -> None:
    fit = exponential_fit([(n, 3e-4 * base**n) for n in range(2, 13)])
    assert fit.value == pytest.approx(base, rel=1e-9)
    assert fit.reason == ""


def test_exponential_fit_uses_only_the_tail_past_a_fixed_overhead() -> None:
    # t = overhead + a 2^n: at small n the overhead is the time; the fit must leave it out.
    points = [(n, 1e-2 + 1e-6 * 2.0**n) for n in range(2, 19)]
    fit = exponential_fit(points)
    assert fit.used[0] > 2 and fit.used[-1] == 18
    assert all(t >= 4 * min(p for _, p in points) for n, t in points if n in fit.used)
    assert fit.value == pytest.approx(2.0, rel=0.1)
    assert exponential_fit(points, factor=1.0).value < fit.value  # all points: flattened


def test_exponential_fit_says_when_the_regime_is_not_reached() -> None:
    fit = exponential_fit([(n, 1.0 + 1e-9 * n) for n in range(2, 10)])
    assert fit.value is None and "regime not reached" in fit.reason
    assert exponential_fit([]).value is None


@pytest.mark.parametrize("k", [0.5, 1.0, 2.0])
def test_power_fit_recovers_the_exponent_of_exact_data(k: float) -> None:
    fit = power_fit([(p, 1e-3 * p**k) for p in (12, 24, 48, 96)])
    assert fit.value == pytest.approx(k, rel=1e-9)
    assert fit.used == (12, 24, 48, 96)


def test_power_fit_needs_two_parameter_counts() -> None:
    assert power_fit([(12, 1.0)]).value is None


def test_ratios_are_taken_where_both_series_were_measured() -> None:
    assert ratios([(2, 1.0), (4, 2.0), (6, 3.0)], [(4, 4.0), (6, 1.0), (8, 1.0)]) == [(4, 0.5), (6, 3.0)]


def test_one_crossover_with_the_ratio_on_either_side() -> None:
    a = [(n, 10.0 + 2**n) for n in range(2, 9)]  # slow start, cheap growth
    b = [(n, 1.0 + 2 * 2**n) for n in range(2, 9)]  # fast start, costly growth
    found = crossovers(a, b)
    assert len(found) == 1
    (c,) = found
    assert (c.below, c.above) == (3, 4)
    assert c.ratio_below == pytest.approx(18 / 17) and c.ratio_above == pytest.approx(26 / 33)
    assert c.a_faster_above


def test_no_crossover_when_one_series_is_faster_throughout() -> None:
    a = [(n, 2.0**n) for n in range(2, 9)]
    assert crossovers(a, [(n, 3 * t) for n, t in a]) == []
    assert crossovers(a, []) == []


def test_several_crossovers_and_ties_are_skipped() -> None:
    ratio = {2: 0.5, 3: 2.0, 4: 1.0, 5: 0.8, 6: 3.0}
    a = list(ratio.items())
    b = [(n, 1.0) for n in ratio]
    assert crossovers(a, b) == [
        Crossover(2, 3, 0.5, 2.0),
        Crossover(3, 5, 2.0, 0.8),
        Crossover(5, 6, 0.8, 3.0),
    ]
