"""What machine and settings a benchmark ran on: CPU, cores, caches, memory, versions, threads.

Absolute times hold only for the machine that measured them, so the results file names it.
Thread settings are recorded, never set: the benchmark measures what users get by default
(the suite's tests run one thread per process, `check.threads`; the benchmark does not).
"""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from supportmatrix.release.results import environment

#: The packages whose versions the results file records.
PACKAGES: tuple[str, ...] = (
    "pennylane",
    "pennylane-lightning",
    "torch",
    "jax",
    "jaxlib",
    "numpy",
    "scikit-learn",
)

#: Environment variables that size the thread pools of OpenMP (lightning), BLAS and XLA.
THREAD_VARIABLES: tuple[str, ...] = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "XLA_FLAGS",
)


def machine_info() -> dict[str, Any]:
    """The machine and environment, with a UTC timestamp and the suite's git commit."""
    return {
        "name": platform.node(),
        "cpu_model": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable_cores(),
        "memory_bytes": _memory_bytes(),
        "caches": _caches(),
        "threads": thread_settings(),
        "load_average": load_average(),
        **environment(versions=package_versions()),
    }


def load_average() -> float | None:
    """The 1-minute load average: other work on the machine shows in it, and lightning's
    OpenMP threads slow down by an order of magnitude when they must share the cores."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def package_versions() -> dict[str, str | None]:
    """Installed version of each of `PACKAGES`, None when absent."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def thread_settings() -> dict[str, Any]:
    """The thread settings in effect in this process: the variables, and torch's pools when
    torch is loaded (read, never changed)."""
    settings: dict[str, Any] = {
        "environment": {v: os.environ.get(v) for v in THREAD_VARIABLES},
        "usable_cores": usable_cores(),
    }
    torch = sys.modules.get("torch")
    if torch is not None:
        settings["torch_threads"] = torch.get_num_threads()
        settings["torch_interop_threads"] = torch.get_num_interop_threads()
    return settings


def usable_cores() -> int | None:
    """Cores this process may run on (its affinity mask), which can be fewer than the machine's."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _caches() -> dict[str, str]:
    """Cache sizes of CPU 0 as Linux reports them, e.g. ``{"L2": "1024K"}``: they say up to
    which qubit count a state vector fits in cache, where bandwidth figures stop applying."""
    caches: dict[str, str] = {}
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            kind = (index / "type").read_text().strip()
            if kind == "Instruction":
                continue
            name = f"L{(index / 'level').read_text().strip()}" + ("d" if kind == "Data" else "")
            caches[name] = (index / "size").read_text().strip()
        except OSError:
            continue
    return caches
