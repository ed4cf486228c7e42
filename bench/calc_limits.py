"""How long the calculators take on the largest inputs they accept, and how fast they refuse the silly ones.

    .venv/bin/python bench/calc_limits.py

Prints one line per case: the call, accepted or refused (and the field named), and the time. Nothing
here is a unit test: it shows that the bounds in docs/MATHS.md keep every call short.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from vpm.calc import cables, led, projection, reach, timing
from vpm.calc.errors import CalcError

WALL = {
    "tile_px_w": 128,
    "tile_px_h": 256,
    "tile_w_mm": 500,
    "tile_h_mm": 1000,
    "tile_weight_kg": 12.5,
    "tile_power_max_w": 360,
}

CASES: list[tuple[str, Callable[[], Any]]] = [
    ("split_run 100,000 ft, default stock", lambda: cables.split_run(99_999)),
    ("split_run 100,000 ft, 32 lengths 1..32 ft", lambda: cables.split_run(99_999, range(1, 33))),
    (
        "split_run 100,000 ft, 32 lengths 209..240 ft (near the work bound)",
        lambda: cables.split_run(99_999, range(209, 241)),
    ),
    ("split_run 100,000 ft, 32 lengths near 3,000 ft (refused)", lambda: cables.split_run(99_999, range(2_969, 3_001))),
    ("split_run 100,000 ft, 3000 lengths (refused)", lambda: cables.split_run(99_999, range(1, 3_001))),
    (
        "split_run 100,000 ft, 32 lengths near 99,000 ft (refused)",
        lambda: cables.split_run(99_999, range(99_000, 99_032)),
    ),
    (
        "led_wall 1000 x 1000 tiles of 1 m (at the 1 km limit)",
        lambda: led.led_wall(**{**WALL, "tile_w_mm": 1000}, columns=1000, rows=1000),
    ),
    ("led_wall 500 km (refused)", lambda: led.led_wall(**WALL, columns=1_000_000, rows=3)),
    ("timing_card 0.01 Hz (refused)", lambda: timing.timing_card(1920, 1080, 0.01)),
    ("screen_nits on 1e-9 m² (refused)", lambda: projection.screen_nits(lumens=20_000, area_m2=1e-9)),
    (
        "supply_power 20,000 tiles",
        lambda: led.supply_power(
            max_w=20_000 * 360, typical_w=0, tile_count=20_000, tile_watts=360, volts=230, phases=3, breaker_amps=16
        ),
    ),
    ("path_reach 10,000 segments", lambda: reach.path_reach([("SDI", 0.001)] * 10_000, 2.97)),
]


def main() -> None:
    for label, call in CASES:
        start = time.perf_counter()
        try:
            call()
            outcome = "accepted"
        except CalcError as err:
            outcome = f"refused ({err.field})"
        print(f"{label:<62} {outcome:<30} {1000 * (time.perf_counter() - start):9.2f} ms")


if __name__ == "__main__":
    main()
