"""Unit helpers."""

import pytest

from vpm.calc import CalcError
from vpm.calc.formats import format_id
from vpm.calc.units import (
    feet_inches_to_feet,
    feet_to_metres,
    format_feet_inches,
    format_metres,
    kg_to_lb,
    lb_to_kg,
    metres_to_feet,
)


def test_lengths_and_weights():
    assert feet_to_metres(40) == pytest.approx(12.192)
    assert metres_to_feet(3.048) == pytest.approx(10)
    assert feet_inches_to_feet(12, 6) == 12.5  # PROJECTION SCREENS!D5 = B5 + C5 / 12
    assert kg_to_lb(12.50113399) == pytest.approx(27.56, abs=0.005)  # LED Data, AR3.91 500 x 1000
    assert lb_to_kg(1) == 0.45359237


def test_feet_inches_text():
    assert format_feet_inches(787.4) == "65' 7\""  # LED SCREEN INFO!B19
    assert format_feet_inches(118.11) == "9' 10\""  # LED SCREEN INFO!C19
    assert format_feet_inches(143.7) == "12' 0\""  # the sheet would print 11' 12"
    assert format_metres(20.0) == "20m" and format_metres(3.5) == "3.5m"


@pytest.mark.parametrize(
    "call,field",
    [
        (lambda: format_feet_inches(-1), "total_inches"),
        (lambda: feet_to_metres(float("nan")), "feet"),
        (lambda: kg_to_lb("heavy"), "kg"),
        (lambda: format_id(0, 1080, 60), "h"),
        (lambda: format_id(1920, 1080, 0), "rate"),
    ],
)
def test_units_reject_bad_input(call, field):
    with pytest.raises(CalcError) as err:
        call()
    assert err.value.field == field
