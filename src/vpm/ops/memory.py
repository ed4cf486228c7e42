"""The memory guard: heavy commands check available memory first and refuse with a clear message
instead of being killed half-way by the operating system (the previous system's exit code 137).

Available memory is Linux's ``MemAvailable`` from ``/proc/meminfo``, capped by the cgroup limit when
the process runs in a container that has one; elsewhere ``psutil.virtual_memory().available``.
A command needs ``estimate`` MB for its own work on top of a floor kept free for everything else
(``DEFAULT_MIN_FREE_MB``, or ``$VPM_MIN_FREE_MB``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MIN_FREE_MB = 256
ENV_MIN_FREE = "VPM_MIN_FREE_MB"
IGNORE_OPTION = "--ignore-memory-check"

#: What each heavy command needs for itself, in MB. Everything streams in fixed-size batches, so
#: these do not grow with the data: an interpreter with the app imported (~70 MB) plus a batch.
ESTIMATES_MB = {
    "seed": 96,
    "backup": 128,
    "restore": 128,
    "upgrade": 96,
    "bulk import": 128,
    "export": 128,
}


class NotEnoughMemory(RuntimeError):
    """Raised when a heavy command would leave less free memory than the floor."""


@dataclass(frozen=True)
class MemoryCheck:
    work: str
    available_mb: int
    needed_mb: int
    estimate_mb: int
    min_free_mb: int

    @property
    def ok(self) -> bool:
        return self.available_mb >= self.needed_mb

    def message(self) -> str:
        return (
            f"not enough free memory for {self.work}: {self.available_mb} MB available, "
            f"{self.needed_mb} MB needed ({self.estimate_mb} MB for the work + {self.min_free_mb} MB kept free). "
            f"Close other programs and retry, or pass {IGNORE_OPTION} (or lower {ENV_MIN_FREE})."
        )


def _meminfo_mb(path: Path = Path("/proc/meminfo")) -> int | None:
    try:
        for line in path.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_headroom_mb(root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """Room left under a cgroup v2 memory limit, if the process has one."""
    try:
        limit = (root / "memory.max").read_text().strip()
        if limit == "max":
            return None
        used = int((root / "memory.current").read_text().strip())
        return max(0, int(limit) - used) // (1024 * 1024)
    except (OSError, ValueError):
        return None


def available_mb() -> int:
    """Memory the next allocation can really get, in MB."""
    found = _meminfo_mb()
    if found is None:
        import psutil

        found = int(psutil.virtual_memory().available // (1024 * 1024))
    headroom = _cgroup_headroom_mb()
    return min(found, headroom) if headroom is not None else found


def min_free_mb() -> int:
    raw = os.environ.get(ENV_MIN_FREE)
    if raw is None or raw.strip() == "":
        return DEFAULT_MIN_FREE_MB
    try:
        value = int(raw)
    except ValueError:
        raise NotEnoughMemory(f"{ENV_MIN_FREE}={raw!r} is not a whole number of megabytes; fix or unset it") from None
    if value < 0:
        raise NotEnoughMemory(f"{ENV_MIN_FREE}={raw!r} must be 0 or more megabytes; fix or unset it")
    return value


def check(work: str, estimate_mb: int | None = None) -> MemoryCheck:
    estimate = ESTIMATES_MB.get(work, 128) if estimate_mb is None else estimate_mb
    floor = min_free_mb()
    return MemoryCheck(
        work=work, available_mb=available_mb(), needed_mb=estimate + floor, estimate_mb=estimate, min_free_mb=floor
    )


def guard(work: str, estimate_mb: int | None = None, ignore: bool = False) -> MemoryCheck:
    """Refuse (``NotEnoughMemory``) when ``work`` would eat into the free-memory floor."""
    result = check(work, estimate_mb)
    if not result.ok and not ignore:
        raise NotEnoughMemory(result.message())
    return result


# ------------------------------------------------------------------ the CLI side


def ignore_memory_option(fn):  # type: ignore[no-untyped-def]
    """The ``--ignore-memory-check`` flag every heavy command carries."""
    import click

    return click.option(
        IGNORE_OPTION, "ignore_memory", is_flag=True, help="Run even when free memory is below the safe floor."
    )(fn)


def require(work: str, ignore: bool = False, estimate_mb: int | None = None) -> MemoryCheck:
    """``guard`` for commands: a one-line ``click.ClickException`` instead of a traceback."""
    import click

    try:
        return guard(work, estimate_mb, ignore)
    except NotEnoughMemory as exc:
        raise click.ClickException(str(exc)) from None
