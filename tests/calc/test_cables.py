"""Cable tallies and stock-length splits."""

import pytest

from vpm.calc import CalcError
from vpm.calc.cables import cable_totals, split_run


def test_split_run_fewest_pieces():
    split = split_run(450)
    assert split.pieces == ((200, 2), (50, 1)) and split.piece_count == 3 and split.spare_ft == 0


def test_split_run_with_short_stock():
    # the example: 450 ft from 25/50/100 ft stock -> 4 x 100 + 1 x 50
    split = split_run(450, stock_lengths_ft=(25, 50, 100))
    assert split.pieces == ((100, 4), (50, 1)) and split.total_ft == 450


def test_split_run_prefers_less_spare_at_equal_count():
    split = split_run(260)  # 2 pieces either way: 200 + 100 (40 spare) beats 200 + 150 (90 spare)
    assert split.pieces == ((200, 1), (100, 1)) and split.spare_ft == 40
    assert split_run(10).pieces == ((25, 1),)
    assert split_run(100.5).pieces == ((150, 1),)


def test_led_cable_lengths_snakes_by_length():
    # LED CABLE LENGTHS: processors 1 and 2 each have ethercon snakes M1/B1 at 25' (B18, E18,
    # B33, E33) and M2 50' / B2 100' (B19, E19, B34, E34). B2 (25' snakes) = 4.
    snakes = [("ethercon snake", length) for length in (25, 25, 50, 100)] * 2
    totals = cable_totals(snakes)
    assert totals.by_type_and_length == (
        ("ethercon snake", 25.0, 4),
        ("ethercon snake", 50.0, 2),
        ("ethercon snake", 100.0, 2),
    )
    assert totals.by_type == (("ethercon snake", 400.0, 8),)
    # the sheet's per-row count C19 = 2 counts the 100' backup as a second 50' cable
    assert dict(((length, n) for _, length, n in totals.by_type_and_length))[25.0] == 4


def test_cable_totals_with_counts_and_types():
    totals = cable_totals([("SDI", 100, 3), ("HDMI", 25), ("SDI", 50)])
    assert totals.by_type == (("HDMI", 25.0, 1), ("SDI", 350.0, 4))
    assert totals.total_ft == 375 and totals.cable_count == 5


@pytest.mark.parametrize(
    "call,field",
    [
        (lambda: split_run(0), "run_ft"),
        (lambda: split_run(float("nan")), "run_ft"),
        (lambda: split_run(100, stock_lengths_ft=()), "stock_lengths_ft"),
        (lambda: split_run(100, stock_lengths_ft=(0, 50)), "stock_lengths_ft"),
        (lambda: split_run(10**7), "run_ft"),
        (lambda: cable_totals([("SDI", -5)]), "cables"),
        (lambda: cable_totals([("SDI",)]), "cables"),
    ],
)
def test_cables_reject_bad_input(call, field):
    with pytest.raises(CalcError) as err:
        call()
    assert err.value.field == field
