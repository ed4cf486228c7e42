"""LED SCREEN INFO sheet worked example (MAIN LED) and the power, circuit and processor rules."""

import pytest

from vpm.calc import CalcError
from vpm.calc.led import (
    amps_per_phase,
    circuits_needed,
    led_processing,
    led_wall,
    max_tiles_per_port,
    ports_needed,
    power_summary,
    processors_needed,
    rigging_check,
    spreadsheet_phase_draw,
    spreadsheet_units_per_leg,
    tiles_per_circuit,
)

# LED SCREEN INFO, column B ("MAIN LED"): B3 "Infiled AR3.91mm, 500 x 1000mm", B4 "Novastar MX40",
# B6 = 40 full modules wide, C6 = 3 high. LED Data row for the tile: 128 x 256 px, 500 mm wide
# x 1000 mm high, 12.50113399 kg, 360 W, Amps (220v3⌀) 1.62, Max Hang 10, Max Stack 6.
# LED PROCESSING Data row for the MX40: 40 ports, 659,722 px per port, 8,847,360 px total.
AR391 = dict(
    tile_px_w=128, tile_px_h=256, tile_w_mm=500, tile_h_mm=1000, tile_weight_kg=12.50113399, tile_power_max_w=360
)


def test_main_led_wall():
    wall = led_wall(**AR391, columns=40, rows=3)
    assert (wall.total_modules, wall.pixels_w, wall.pixels_h) == (120, 5120, 768)  # B10, B12, C12
    assert wall.total_pixels == 3_932_160  # B14
    assert wall.aspect_ratio == 6.67  # B13
    assert (wall.width_ft_in, wall.height_ft_in) == ("65' 7\"", "9' 10\"")  # B19, C19
    assert (wall.width_text_m, wall.height_text_m) == ("20m", "3m")  # B20, C20
    # B23/B24 show Err:504 in the export; the formula's intent, ROUND(modules x unit weight):
    assert round(wall.weight_kg) == 1500
    assert round(wall.weight_lb) == 3307  # 120 x 27.56 lb = 3307.2
    assert wall.power_max_w == 43_200
    assert wall.power_typical_w == pytest.approx(12_960)  # B27 Expected Run Rate 30 %


def test_main_led_processing():
    assert max_tiles_per_port(659_722, 128, 256) == 20  # B15
    assert processors_needed(5120, 3_932_160, 8_847_360) == 1  # B17
    plan = led_processing(
        tile_px_w=128,
        tile_px_h=256,
        tile_count=120,
        pixels_w=5120,
        total_pixels=3_932_160,
        pixels_per_port=659_722,
        processor_ports=40,
        processor_max_pixels=8_847_360,
    )
    assert (plan.max_tiles_per_port, plan.ports_needed, plan.processors_needed) == (20, 6, 1)
    assert plan.pixel_load == pytest.approx(3_932_160 / 8_847_360)


def test_main_led_power_draw_per_phase_spreadsheet_rule():
    # B25 "220v", B27 30 %: B29 = B30 = B31 = 39 A per phase
    draw = spreadsheet_phase_draw(120, 1.62, mode="220v", run_rate=0.3)
    assert draw.units_per_leg == (80, 80, 80)
    assert draw.amps_per_leg == (39.0, 39.0, 39.0)
    # the balanced three-phase formula gives less: 12,960 W / (220 V x sqrt 3) = 34.0 A
    assert amps_per_phase(12_960, 220, phases=3) == pytest.approx(34.01, abs=0.01)
    # 120v mode: ROUND(2.988 A) x 120 x 0.3 = 108 A on the single phase
    assert spreadsheet_phase_draw(120, 2.988, mode="120v", run_rate=0.3).amps_per_leg == (108.0,)


@pytest.mark.parametrize(
    "units,legs",
    [
        (0, (0, 0, 0)),
        (1, (1, 1, 0)),
        (2, (1, 2, 1)),
        (3, (2, 2, 2)),
        (4, (3, 3, 2)),
        (5, (3, 4, 3)),
        (120, (80, 80, 80)),
    ],
)
def test_spreadsheet_units_per_leg(units, legs):
    assert spreadsheet_units_per_leg(units) == legs
    assert sum(legs) == 2 * units


def test_power_summary_for_the_main_led():
    summary = power_summary(43_200, 12_960)
    assert summary.max_amps_120v == 360.0 and summary.max_amps_230v == pytest.approx(187.83, abs=0.01)
    assert summary.max_amps_208v_3ph == pytest.approx(43_200 / (208 * 3**0.5))
    # 230/400 V: the 400 V line-to-line figure, 12,960 W / (1.7320508 x 400 V) = 18.71 A per phase
    assert summary.typical_amps_400v_3ph == pytest.approx(18.71, abs=0.01)
    with pytest.raises(CalcError) as err:
        power_summary(100, 200)
    assert err.value.field == "typical_w"


def test_single_phase_amps_and_circuits():
    assert amps_per_phase(1800, 120) == 15.0
    assert circuits_needed(43_200, continuous_load=False) == 24  # previous app: ceil(W / 1800)
    assert circuits_needed(43_200) == 30  # 80 % by default: 1440 W each
    assert circuits_needed(43_200, breaker_amps=20, volts=208, phases=3, continuous_load=False) == 6  # 7205 W
    assert circuits_needed(0) == 0
    assert circuits_needed(1440) == 1 and circuits_needed(1441) == 2
    assert tiles_per_circuit(360) == 4  # 1440 W continuous / 360 W
    assert tiles_per_circuit(360, breaker_amps=20, volts=208, continuous_load=True) == 9


def test_half_rows_and_corners():
    wall = led_wall(
        **AR391,
        columns=4,
        rows=2,
        half_rows=1,
        corner_tiles=2,
        half_tile_weight_kg=7.915268076,
        half_tile_power_max_w=180,
    )
    assert (wall.full_tiles, wall.half_tiles, wall.corner_tiles, wall.total_modules) == (8, 4, 2, 14)
    assert (wall.pixels_w, wall.pixels_h) == (512, 640)
    assert wall.height_mm == 2500
    assert wall.weight_kg == pytest.approx(8 * 12.50113399 + 6 * 7.915268076)
    assert wall.power_max_w == 8 * 360 + 6 * 180


def test_processor_rule_branches():
    assert processors_needed(8192, 1_000_000, 8_847_360) == 1  # width 8192 is not < 8192
    assert processors_needed(9000, 9_000_000, 8_847_360) == 2
    assert processors_needed(20_000, 20_000_000, 8_847_360) == 3
    assert ports_needed(121, 20) == 7


def test_rigging_check():
    check = rigging_check(3, max_hang=10, max_stack=6)
    assert check.can_hang and check.can_stack
    tall = rigging_check(8, max_hang=10, max_stack=6)
    assert tall.can_hang and not tall.can_stack
    assert rigging_check(8).can_hang is None  # "n/a" in the library


@pytest.mark.parametrize(
    "call,field",
    [
        (lambda: led_wall(**{**AR391, "tile_px_w": 0}, columns=1, rows=1), "tile_px_w"),
        (lambda: led_wall(**AR391, columns=0, rows=1), "columns"),
        (lambda: led_wall(**AR391, columns=1, rows=0), "rows"),
        (lambda: led_wall(**{**AR391, "tile_weight_kg": -1}, columns=1, rows=1), "tile_weight_kg"),
        (lambda: led_wall(**AR391, columns=1, rows=1, run_rate=1.5), "run_rate"),
        (lambda: amps_per_phase(100, 0), "volts"),
        (lambda: amps_per_phase(100, 208, phases=2), "phases"),
        (lambda: circuits_needed(100, breaker_amps=0), "breaker_amps"),
        (lambda: max_tiles_per_port(0, 128, 256), "pixels_per_port"),
        (lambda: processors_needed(5120, 3_932_160, 0), "processor_max_pixels"),
        (lambda: ports_needed(10, 0), "tiles_per_port"),
        (lambda: spreadsheet_phase_draw(10, 1.0, mode=""), "mode"),
        (
            lambda: led_processing(
                tile_px_w=1000,
                tile_px_h=1000,
                tile_count=1,
                pixels_w=1000,
                total_pixels=10**6,
                pixels_per_port=1000,
                processor_ports=4,
                processor_max_pixels=10**7,
            ),
            "pixels_per_port",
        ),
    ],
)
def test_led_rejects_bad_input(call, field):
    with pytest.raises(CalcError) as err:
        call()
    assert err.value.field == field
