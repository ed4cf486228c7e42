"""Data-chain plans for LED walls."""

import pytest

from vpm.calc import CalcError
from vpm.calc.led_chains import plan_chains, serpentine_order


def test_serpentine_rows_from_top_left():
    assert serpentine_order(3, 2) == ((0, 0), (1, 0), (2, 0), (2, 1), (1, 1), (0, 1))


def test_serpentine_rows_from_top_right():
    assert serpentine_order(3, 2, start="top-right") == ((2, 0), (1, 0), (0, 0), (0, 1), (1, 1), (2, 1))


def test_serpentine_columns_from_bottom_left():
    assert serpentine_order(2, 3, order="columns", start="bottom-left") == (
        (0, 2),
        (0, 1),
        (0, 0),
        (1, 0),
        (1, 1),
        (1, 2),
    )


def test_raster_order_when_not_serpentine():
    assert serpentine_order(2, 2, serpentine=False) == ((0, 0), (1, 0), (0, 1), (1, 1))


def test_main_led_chains():
    # MAIN LED (LED SCREEN INFO): 40 x 3 AR3.91 tiles, MX40 ports of 659,722 px -> 20 tiles per port (B15)
    plan = plan_chains(
        columns=40,
        rows=3,
        tile_px_w=128,
        tile_px_h=256,
        pixels_per_port=659_722,
        order="columns",
        start="bottom-left",
        ports_per_processor=40,
    )
    assert plan.tiles_per_chain == 20 and plan.ports_needed == 6
    first = plan.chains[0]
    assert first.tiles[:4] == ((0, 2), (0, 1), (0, 0), (1, 0))
    assert first.pixels == 20 * 128 * 256 and (first.processor, first.processor_port) == (1, 1)


def test_max_chain_length_and_voids():
    plan = plan_chains(
        columns=4,
        rows=2,
        tile_px_w=128,
        tile_px_h=128,
        pixels_per_port=650_000,
        max_chain_length=3,
        voids=[(1, 0), (2, 1)],
    )
    assert [c.tiles for c in plan.chains] == [((0, 0), (2, 0), (3, 0)), ((3, 1), (1, 1), (0, 1))]
    assert plan.tile_count == 6


def test_break_at_line_end():
    plan = plan_chains(
        columns=3, rows=2, tile_px_w=100, tile_px_h=100, pixels_per_port=1_000_000, break_at_line_end=True
    )
    assert [len(c.tiles) for c in plan.chains] == [3, 3]


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"columns": 0}, "columns"),
        ({"pixels_per_port": 100}, "pixels_per_port"),
        ({"order": "diagonal"}, "order"),
        ({"start": "middle"}, "start"),
        ({"voids": [(9, 9)]}, "voids"),
        ({"voids": ["x"]}, "voids"),
        ({"max_chain_length": -1}, "max_chain_length"),
    ],
)
def test_chain_plan_rejects_bad_input(kwargs, field):
    args = {"columns": 4, "rows": 2, "tile_px_w": 128, "tile_px_h": 128, "pixels_per_port": 650_000, **kwargs}
    with pytest.raises(CalcError) as err:
        plan_chains(**args)
    assert err.value.field == field
