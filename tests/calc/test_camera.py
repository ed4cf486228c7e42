"""Camera framing and lens checks."""

import pytest

from vpm.calc import CalcError
from vpm.calc.camera import (
    SENSOR_2_3_INCH_4x3,
    focal_length_for_frame_height,
    focal_length_for_frame_width,
    frame_size,
    lens_range_check,
    reference_distance_ft,
    reference_max_zoom,
    zoom_factor_needed,
)


def test_frame_size_two_thirds_inch():
    frame = frame_size(focal_length_mm=100, distance_m=30)
    assert frame.width_m == pytest.approx(9.59 * 30 / 100)
    assert frame.height_m == pytest.approx(5.39 * 30 / 100)


def test_focal_length_for_a_head_and_shoulders_shot():
    # 0.6 m frame height at 40 m on a 2/3" HD sensor -> 359 mm
    assert focal_length_for_frame_height(40, 0.6) == pytest.approx(5.39 * 40 / 0.6)
    assert focal_length_for_frame_width(40, 1.0) == pytest.approx(383.6)


def test_reference_app_formulas_agree_with_the_general_ones():
    # previous app: 6.6 mm image height, 8-inch frame; max zoom at 100 ft with a 9.3 mm wide end
    legacy = reference_max_zoom(9.3, 100)
    general = zoom_factor_needed(9.3, 100 * 0.3048, 8 * 0.0254, sensor_height_mm=SENSOR_2_3_INCH_4x3[1])
    assert legacy == pytest.approx(general)
    assert reference_distance_ft(9.3, legacy) == pytest.approx(100)


def test_lens_range_check():
    assert lens_range_check(359, 9.3, 930).status == "ok"
    assert lens_range_check(1200, 9.3, 930).status == "too wide"
    ext = lens_range_check(1200, 9.3, 930, extender=2)
    assert ext.fits and ext.max_focal_mm == 1860
    assert lens_range_check(5, 9.3, 930).status == "too tight"


@pytest.mark.parametrize(
    "call,field",
    [
        (lambda: frame_size(0, 10), "focal_length_mm"),
        (lambda: frame_size(50, -1), "distance_m"),
        (lambda: focal_length_for_frame_height(10, 0), "frame_height_m"),
        (lambda: lens_range_check(100, 900, 9), "lens_max_mm"),
        (lambda: lens_range_check(100, 9, 900, extender=0), "extender"),
        (lambda: reference_max_zoom(9.3, float("inf")), "distance_ft"),
    ],
)
def test_camera_rejects_bad_input(call, field):
    with pytest.raises(CalcError) as err:
        call()
    assert err.value.field == field
