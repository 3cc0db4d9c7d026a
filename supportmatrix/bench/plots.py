"""The benchmark's plots: time and peak memory against qubits, and time against parameters, as SVG.

One panel per device × interface and one line per diff method, because the question the
plots answer is which method to pick on a given device and interface: crossovers are lines
crossing in one panel. Times are medians with the interquartile range as a band; axes are
logarithmic in time and memory (qubits stay linear: the state grows as 2^n, so an
exponential cost is a straight line). A method with no measured point in a panel says why
(refused, timed out) in the panel. Drawn with `report.plots`' style, so SVGs are byte-stable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from supportmatrix.bench.results import axis_values, select
from supportmatrix.report.plots import new_figure, plot_style, svg_text

#: One colour and marker per diff method, the same in every plot.
METHOD_STYLE: dict[str, tuple[str, str]] = {
    "backprop": ("#1f77b4", "o"),
    "adjoint": ("#ff7f0e", "s"),
    "parameter-shift": ("#2ca02c", "^"),
    "finite-diff": ("#d62728", "v"),
}
MIB = 2**20

Line = list[tuple[int, float, float, float, bool]]  # (x, y, band low, band high, over load)
#: The legend's words for a hollow marker (`idle`).
OVER_LOAD = "hollow: over the load threshold"


def _grid(
    document: dict[str, Any],
    *,
    value: str,
    where: dict[str, int],
    xlabel: str,
    ylabel: str,
    yscale: str,
    xscale: str,
    title: str,
) -> str:
    """Panels device × interface, a line per method, of ``value`` at the fixed ``where``."""
    note = _why_missing(document, **where)
    records = document["records"]
    devices, interfaces = axis_values(records, "device"), axis_values(records, "interface")
    methods = axis_values(records, "diff_method")
    from matplotlib.ticker import MaxNLocator, NullLocator, ScalarFormatter

    with plot_style():
        figure = new_figure(width=max(7.0, 3.1 * len(interfaces) + 1.6), height=2.7 * len(devices) + 0.8)
        grid = figure.subplots(
            len(devices), len(interfaces), squeeze=False, sharex=True, sharey=True
        )  # one scale: panels compare at a glance
        for row, device in enumerate(devices):
            for col, interface in enumerate(interfaces):
                axes = grid[row][col]
                notes: list[str] = []
                measured_xs: set[int] = set()
                for method in methods:
                    colour, marker = METHOD_STYLE.get(method, ("#555555", "x"))
                    data = _line(
                        document, value=value, device=device, interface=interface, method=method, where=where
                    )
                    if data:
                        xs, ys, lows, highs, over = zip(*data, strict=True)
                        measured_xs.update(xs)
                        axes.plot(
                            xs, ys, color=colour, marker=marker, markersize=4, linewidth=1.2, label=method
                        )
                        axes.fill_between(xs, lows, highs, color=colour, alpha=0.2, linewidth=0)
                        hollow = [(x, y) for x, y, o in zip(xs, ys, over, strict=True) if o]
                        if hollow:  # over the load threshold: never drawn like the idle points
                            hx, hy = zip(*hollow, strict=True)
                            axes.plot(
                                hx,
                                hy,
                                linestyle="none",
                                marker=marker,
                                markersize=6,
                                markerfacecolor="white",
                                markeredgecolor=colour,
                            )
                    text = note(device, interface, method)
                    if text:
                        notes.append(text)
                axes.set_yscale(yscale, **({"linthresh": 1.0} if yscale == "symlog" else {}))
                axes.set_xscale(xscale)
                if xscale == "linear":  # qubit counts: whole numbers only
                    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
                elif measured_xs:  # parameter counts: label the measured ones, plainly
                    axes.set_xticks(sorted(measured_xs))
                    axes.xaxis.set_major_formatter(ScalarFormatter())
                    axes.xaxis.set_minor_locator(NullLocator())
                axes.set_title(f"{device} + {interface}", fontsize=9)
                axes.grid(True, which="major", linewidth=0.4, alpha=0.5)
                axes.tick_params(labelsize=7)
                if notes:
                    axes.text(
                        0.02,
                        0.98,
                        "\n".join(notes),
                        transform=axes.transAxes,
                        fontsize=6,
                        va="top",
                        ha="left",
                        color="#555555",
                    )
                if row == len(devices) - 1:
                    axes.set_xlabel(xlabel, fontsize=8)
                if col == 0:
                    axes.set_ylabel(ylabel, fontsize=8)
        handles = [
            grid[0][0].plot([], [], color=c, marker=m, label=k)[0]
            for k, (c, m) in METHOD_STYLE.items()
            if k in methods
        ]
        handles.append(
            grid[0][0].plot(
                [],
                [],
                linestyle="none",
                marker="o",
                markerfacecolor="white",
                markeredgecolor="#555555",
                label=OVER_LOAD,
            )[0]
        )
        figure.legend(
            handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8, frameon=False
        )
        figure.suptitle(title, fontsize=10)
        return svg_text(figure)


def _why_missing(
    document: dict[str, Any], *, layers: int | None = None, qubits: int | None = None
) -> Callable[[str, str, str], str | None]:
    """A panel's note for a method whose series stopped: its first record that is not ok."""

    def note(device: str, interface: str, method: str) -> str | None:
        for r in document["records"]:
            if (r["device"], r["interface"], r["diff_method"]) != (device, interface, method):
                continue
            if (layers is not None and r["layers"] != layers) or (
                qubits is not None and r["qubits"] != qubits
            ):
                continue
            if r["status"] in ("refused", "timed-out", "crashed"):
                return f"{method}: {r['status']} at n = {r['qubits']}"
        return None

    return note


def _band(document: dict[str, Any]) -> str:
    runs = document["settings"].get("runs", 1)
    return f"band = range over {runs} runs" if runs > 1 else "band = IQR"


def time_vs_qubits_svg(document: dict[str, Any], *, layers: int) -> str:
    """Median time of forward pass + gradient against qubits, at ``layers`` layers."""
    return _grid(
        document,
        value="time",
        where={"layers": layers},
        xlabel="qubits n",
        ylabel="seconds per step",
        yscale="log",
        xscale="linear",
        title=f"Forward pass + gradient of <Z0>, {layers} layer(s): median, {_band(document)}",
    )


def memory_vs_qubits_svg(document: dict[str, Any], *, layers: int) -> str:
    """Peak memory growth of a step against qubits (MiB, symlog: 0 stays on the plot)."""
    return _grid(
        document,
        value="memory",
        where={"layers": layers},
        xlabel="qubits n",
        ylabel="peak memory growth (MiB)",
        yscale="symlog",
        xscale="linear",
        title=f"Peak resident memory over the process before the first call, "
        f"{layers} layer(s) (linear below 1 MiB)",
    )


def time_vs_params_svg(document: dict[str, Any], *, qubits: int) -> str:
    """Median time against the parameter count (layers × 3n) at ``qubits`` qubits, log-log."""
    return _grid(
        document,
        value="time",
        where={"qubits": qubits},
        xlabel="parameters P = 3nL",
        ylabel="seconds per step",
        yscale="log",
        xscale="log",
        title=f"Forward pass + gradient against parameters at n = {qubits}: median, {_band(document)}",
    )


def _line(
    document: dict[str, Any], *, value: str, device: str, interface: str, method: str, where: dict[str, int]
) -> Line:
    """One method's line: median time with its band (the interquartile range of one run's
    repeats, or the range of several runs' medians), or peak memory in MiB; each point
    flagged when it was measured over the load threshold."""
    line: Line = []
    for x, r in select(document, device=device, diff_method=method, interface=interface, **where):
        over = r.get("idle") is False
        if value == "memory":
            m = r["memory"]["peak_growth_bytes"]
            if m is not None:
                line.append((x, m / MIB, m / MIB, m / MIB, over))
            continue
        wall = r["wall_seconds"]
        low, high = ("min", "max") if r.get("runs", 1) > 1 else ("q1", "q3")
        line.append((x, wall["median"], wall[low], wall[high], over))
    return line
