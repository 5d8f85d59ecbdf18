"""CLI start-up: wall time of ``fairbid --help`` and ``fairbid <group> --help`` against the 0.3 s target.

Each command runs ``REPS`` times in a fresh interpreter (the installed console script); the median and
best are printed with their ratio to the target. Baseline before lazy groups (issue 14): 1.2 s (a quiet
machine), 1.8-2.0 s on a loaded one, for ``fairbid --help``.

Run: ``python -m benchmarks startup``.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 0.3
REPS = 7


def _fairbid() -> list[str]:
    exe = Path(sys.executable).with_name("fairbid")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("fairbid")
    return [found] if found else [sys.executable, "-m", "fairbid.cli.main"]


def _time(argv: list[str]) -> list[float]:
    times = []
    for _ in range(REPS):
        t0 = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    from fairbid.cli.main import GROUPS

    base = _fairbid()
    print(f"{'command':34s} {'median s':>9s} {'best s':>8s} {'median/target':>14s}")
    for extra in [[], *([g] for g in GROUPS)]:
        t = _time([*base, *extra, "--help"])
        med = statistics.median(t)
        label = " ".join(["fairbid", *extra, "--help"])
        print(f"{label:34s} {med:9.3f} {min(t):8.3f} {med / TARGET_S:13.2f}x")


if __name__ == "__main__":
    main()
