"""Plots: outcome counts per device × interface, and how close a run's value checks came to their tolerances.

`outcome_counts_svg` draws stacked bars of outcomes (declared, or observed) for each device
and interface; from the declared matrix it is byte-stable (fixed ``svg.hashsalt``, no date,
matplotlib's default style whatever the local matplotlibrc says), so the committed copy is
checked for staleness. `ratio_histogram_svg` draws the distribution of observed error /
tolerance over every value check of a results run, on a log axis with the bound at 1.

matplotlib is imported only when a plot is drawn, and only its object API with the Agg
canvas is used: no pyplot, no GUI backend, no global state left behind.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from supportmatrix.matrix.families import TOP_LEVEL, Family
from supportmatrix.matrix.model import Matrix, Outcome
from supportmatrix.release.codec import records_of

#: Stacking order and colours. Green and red are PennyLane's table colours; the reds are
#: shaded per kind of failure so that the stacks can be told apart.
OUTCOME_COLOURS: dict[str, str] = {
    Outcome.SUPPORTED.value: "#bbffbb",
    Outcome.INCORRECT.value: "#ffdd88",
    Outcome.FORWARD_ONLY.value: "#ff9f9f",
    Outcome.NO_GRADIENT.value: "#ffbbbb",
    Outcome.ERRORS.value: "#e27272",
    "crashed": "#9b3b3b",
    "skipped": "#dddddd",
    "absent": "#f4f4f4",
}
PASSED_COLOUR, FAILED_COLOUR = "#66bb66", "#cc4444"
SVG_SALT = "supportmatrix"  # fixes the ids matplotlib writes, so the same plot is the same bytes


def declared_outcomes(matrix: Matrix, family: Family = TOP_LEVEL) -> list[tuple[str, str, str]]:
    """(section value, first row value, declared outcome) for every cell of ``family``: for
    the top-level family (device, interface, outcome) of every QNode cell."""
    bar, group = _bar_axes(family)
    return [
        (str(rc.cell.axis_value(bar)), str(rc.cell.axis_value(group)), rc.expectation.outcome.value)
        for rc in matrix.family(family.name).cells
    ]


def _bar_axes(family: Family) -> tuple[str, str]:
    """The axes the bars are grouped by, then split by: the layout's first section and row."""
    return family.layout.sections[0], family.layout.rows[0]


def outcome_counts(outcomes: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], Counter[str]]:
    """How many cells have each outcome, per (device, interface): the bars' heights."""
    counts: dict[tuple[str, str], Counter[str]] = {}
    for device, interface, outcome in outcomes:
        counts.setdefault((device, interface), Counter())[outcome] += 1
    return counts


def outcome_counts_svg(
    outcomes: Iterable[tuple[str, str, str]], *, devices: Sequence[str], interfaces: Sequence[str], title: str
) -> str:
    """Stacked bars: for each device and interface, how many cells have each outcome."""
    counts = outcome_counts(outcomes)
    bars = [(d, i) for d in devices for i in interfaces]
    keys = [k for k in OUTCOME_COLOURS if any(c[k] for c in counts.values())]
    keys += sorted({k for c in counts.values() for k in c} - set(keys))  # unknown keys last
    with plot_style():
        figure, axes = _figure(width=max(6.0, 0.55 * len(bars) + 2.5), height=4.2)
        # One gap between devices, so that each device's interfaces read as a group.
        xs = [b + b // max(len(interfaces), 1) * 0.6 for b in range(len(bars))]
        bottom = [0] * len(bars)
        for key in keys:
            heights = [counts.get(bar, Counter())[key] for bar in bars]
            axes.bar(
                xs,
                heights,
                bottom=bottom,
                color=OUTCOME_COLOURS.get(key, "#cccccc"),
                edgecolor="#555555",
                linewidth=0.5,
                label=key,
                width=0.8,
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        axes.set_xticks(xs, [f"{i}" for _, i in bars], rotation=45, ha="right")
        for d, device in enumerate(devices):
            group = xs[d * len(interfaces) : (d + 1) * len(interfaces)]
            if group:
                axes.text(
                    sum(group) / len(group),
                    1.01,
                    device,
                    ha="center",
                    va="bottom",
                    transform=axes.get_xaxis_transform(),
                    fontsize=9,
                )
        axes.set_ylabel("cells")
        axes.set_title(title, fontsize=10, pad=18)
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
        return svg_text(figure)


def declared_outcome_counts_svg(matrix: Matrix, family: Family = TOP_LEVEL) -> str:
    """The committed plot: the declared outcomes of ``family`` per device × interface (its
    first section axis × its first row axis)."""
    cells, (bar, group) = matrix.family(family.name), _bar_axes(family)
    return outcome_counts_svg(
        declared_outcomes(matrix, family),
        devices=[str(d) for d in cells.axes[bar]],
        interfaces=[str(i) for i in cells.axes[group]],
        title=f"Declared outcomes per {bar} × {group} ({len(cells.cells)} {family.title} cells)",
    )


def check_ratios(document: dict[str, Any]) -> list[tuple[float, str]]:
    """(error / tolerance, verdict) for every value check of a results document that records
    the ratio (both families); the verdict is one of `VERDICTS`."""
    return [
        (c.error_to_tolerance, verdict(c.passed, c.criterion))
        for r in records_of(document)
        if r.observation
        for c in r.observation.checks
        if c.error_to_tolerance is not None
    ]


#: How the histogram splits the checks. spsa's analytic Jacobian check is structural (the
#: result must be (J.d)d for a sign vector d, `check.tolerance.spsa_matches`), so its error
#: from J itself may exceed the plain bound while the check rightly passes.
VERDICTS: dict[str, tuple[str, str]] = {
    "passed": ("passed", PASSED_COLOUR),
    "passed-structural": ("passed, spsa's structural criterion", "#a9d8f5"),
    "failed": ("failed", FAILED_COLOUR),
}
STRUCTURAL_PREFIX = "spsa:"  # how qnode/runner.py names that criterion


def verdict(passed: bool, criterion: str) -> str:
    """The `VERDICTS` key of a check."""
    if not passed:
        return "failed"
    return "passed-structural" if criterion.startswith(STRUCTURAL_PREFIX) else "passed"


def ratio_histogram_svg(ratios: Sequence[tuple[float, str]], *, title: str) -> str:
    """A histogram of error / tolerance on a log axis, stacked by verdict (`VERDICTS`), with
    the bound (1) marked; checks with no error at all are counted in the legend."""
    if not ratios:
        raise ValueError(
            "no value check records its error / tolerance ratio (a results file "
            "written before the ratio was recorded, or one with no value checks)"
        )
    exact = sum(1 for r, _ in ratios if r == 0)
    positive = [(r, v) for r, v in ratios if r > 0]
    low = math.floor(math.log10(min([r for r, _ in positive], default=1e-3)))
    high = max(math.ceil(math.log10(max([r for r, _ in positive], default=1.0))), 1)
    edges = [10 ** (low + k / 5) for k in range(5 * (high - low) + 1)]  # 5 bins a decade
    with plot_style():
        figure, axes = _figure(width=9.0, height=4.0)
        kinds = [k for k in VERDICTS if any(v == k for _, v in positive)]
        series = [[r for r, v in positive if v == k] for k in kinds]
        axes.hist(
            series,
            bins=edges,
            stacked=True,
            color=[VERDICTS[k][1] for k in kinds],
            edgecolor="#333333",
            linewidth=0.4,
            label=[f"{VERDICTS[k][0]} ({len(s)})" for k, s in zip(kinds, series, strict=True)],
        )
        axes.axvline(1.0, color="#000000", linestyle="--", linewidth=1.2, label="tolerance (ratio 1)")
        axes.set_xscale("log")
        axes.set_xlabel("largest |observed − reference| / tolerance over a check's entries")
        axes.set_ylabel("value checks")
        axes.set_title(title, fontsize=10)
        handles, labels = axes.get_legend_handles_labels()
        if exact:
            labels.append(f"error exactly 0, not drawn ({exact})")
            handles.append(axes.plot([], [], linestyle="none")[0])
        axes.legend(handles, labels, fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return svg_text(figure)


def results_ratio_histogram_svg(document: dict[str, Any], *, source: str) -> str:
    """The histogram for one results document."""
    ratios = check_ratios(document)
    pennylane = document["environment"]["packages"].get("pennylane") or "absent"
    return ratio_histogram_svg(
        ratios,
        title=f"Observed error / tolerance, {len(ratios)} value checks of {source} (pennylane {pennylane})",
    )


# --------------------------------------------------------------------------- matplotlib
# Shared with the benchmark's plots (`bench.plots`), so that every SVG is drawn alike.


@contextlib.contextmanager
def plot_style() -> Iterator[None]:
    """matplotlib's defaults, whatever the local matplotlibrc says, for byte-stable output."""
    import matplotlib

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(
            {"svg.hashsalt": SVG_SALT, "svg.fonttype": "path", "font.family": "DejaVu Sans"}
        )
        yield


def new_figure(*, width: float, height: float) -> Any:
    """An empty figure on the Agg canvas: no GUI backend, nothing global."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _figure(*, width: float, height: float) -> tuple[Any, Any]:
    figure = new_figure(width=width, height=height)
    return figure, figure.add_subplot()


def svg_text(figure: Any) -> str:
    """The figure as SVG text, without a date, so the same plot is the same bytes."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
