"""Scaling Calculator and PIP sheets."""

import pytest

from vpm.calc import CalcError
from vpm.calc.scaling import (
    aspect_ratio,
    equivalent_height,
    equivalent_width,
    fit_within,
    inches_to_pixels,
    input_split,
    min_viewing_distance_m,
    pip_layout,
    pixels_per_square_metre,
    pixels_to_cm,
    pixels_to_inches,
    rescale_for_pitch,
    round_half_up,
    scale_to_width,
)


def test_scaling_calculator_3_9_to_2_6():
    # Scaling Calculator!C4 = 8960, C6 = 1536 -> D4 = 13440, D6 = 2304, D8 = 30,965,760
    up = rescale_for_pitch(8960, 1536, 3.9, 2.6)
    assert (up.h, up.v, up.total_pixels) == (13440, 2304, 30_965_760)
    assert up.factor == pytest.approx(192 / 128)


def test_scaling_calculator_2_6_to_3_9():
    # Scaling Calculator!H4 = 13440, H6 = 2304 -> I4 = 8960, I6 = 1536, I8 = 13,762,560
    down = rescale_for_pitch(13440, 2304, 2.6, 3.9)
    assert (down.h, down.v, down.total_pixels) == (8960, 1536, 13_762_560)


def test_scaling_calculator_pixels_to_inches_at_72_ppi():
    # Scaling Calculator!C12 = 4608 -> D12 '64 "'; C14 = 890 -> D14 '12.36 "'
    assert round(pixels_to_inches(4608), 2) == 64.0
    assert round(pixels_to_inches(890), 2) == 12.36
    assert inches_to_pixels(64) == 4608
    assert pixels_to_inches(96, ppi=96) == 1.0
    assert pixels_to_cm(72) == pytest.approx(2.54)


def test_scaling_calculator_equivalent_sizing():
    # Scaling Calculator!C20 = 4, C22 = 3, D20 = 16 -> D22 = 12 (H constraint)
    assert equivalent_height(4, 3, 16) == 12
    # Scaling Calculator!H20 = 4, H22 = 3, I22 = 12 -> I20 = 16 (V constraint)
    assert equivalent_width(4, 3, 12) == 16


def test_led_pips_background_block():
    # LED PIPs (MAIN LED): C4 = 5120, C6 = 768, C8 scale 1.00 -> D4 5120, D6 768,
    # B8 aspect 6.67, D8 3,932,160; the right instance of a full-width PIP sits at X = 0.
    pip = pip_layout(5120, 768, 5120, 768)
    assert (pip.display_w, pip.display_h, pip.total_pixels) == (5120, 768, 3_932_160)
    assert round(pip.aspect, 2) == 6.67 and pip.x_right == 0 and pip.fits_on_canvas


def test_pip_mirrored_instance_and_crop():
    # 16:9 IMAG PIP of a 1080p camera at 0.5 scale on the 5120 x 768 wall, 200 px from the left
    pip = pip_layout(5120, 768, 1920, 1080, scale=0.5, x=200, y=50)
    assert (pip.display_w, pip.display_h) == (960, 540)
    assert pip.x_right == 5120 - 960 - 200
    cropped = pip_layout(5120, 768, 1920, 1080, scale=0.5, crop_h=240)
    assert (cropped.display_w, cropped.display_h) == (840, 540)
    assert cropped.aspect == pytest.approx(1680 / 1080)
    assert not pip_layout(5120, 768, 1920, 1080, x=0, y=0).fits_on_canvas  # 1080 > 768


def test_aspect_and_scale():
    assert aspect_ratio(1920, 1080).label == "16:9"
    assert aspect_ratio(5120, 768).label == "20:3"
    assert aspect_ratio(1920, 1200).label == "8:5"
    scaled = scale_to_width(1920, 1080, 3840)
    assert (scaled.scale_factor, scaled.scaled_w, scaled.scaled_h) == (2.0, 3840, 2160)
    assert scaled.total_pixels == 8_294_400
    assert scale_to_width(5120, 3200, 1920).scaled_h == 1200


def test_fit_within():
    letterbox = fit_within(1920, 1080, 1920, 1200)
    assert (letterbox.w, letterbox.h, letterbox.x, letterbox.y) == (1920, 1080, 0, 60)
    assert letterbox.constrained_by == "h"
    pillar = fit_within(1920, 1080, 5120, 768)
    assert (pillar.w, pillar.h, pillar.constrained_by) == (1365, 768, "v")
    assert fit_within(1920, 1080, 5120, 768, constraint="h").h == 2880


def test_pitch_reference_and_input_split():
    assert pixels_per_square_metre(2.5) == pytest.approx(160_000)
    assert min_viewing_distance_m(3.9) == 3.9
    # PJ PIPs!C10: IF(px > 8,800,000; ROUNDUP(px / 8,800,000); ) - e.g. the 30,965,760 px canvas above
    assert input_split(30_965_760) == 4
    assert input_split(8_294_400) == 1


def test_round_half_up_matches_spreadsheet_round():
    assert (round_half_up(2.5), round_half_up(3.5), round_half_up(-2.5)) == (3, 4, -3)


@pytest.mark.parametrize(
    "call,field",
    [
        (lambda: aspect_ratio(0, 1080), "w"),
        (lambda: scale_to_width(1920, 1080, 0), "output_w"),
        (lambda: fit_within(1920, 1080, 1920, 1080, constraint="diagonal"), "constraint"),
        (lambda: pip_layout(5120, 768, 1920, 1080, crop_h=1920), "crop_h"),
        (lambda: pip_layout(5120, 768, 1920, 1080, scale=0), "scale"),
        (lambda: pixels_to_inches(100, ppi=0), "ppi"),
        (lambda: rescale_for_pitch(100, 100, 3.9, float("nan")), "to_pitch_mm"),
        (lambda: equivalent_height(0, 3, 16), "given_w"),
    ],
)
def test_scaling_rejects_bad_input(call, field):
    with pytest.raises(CalcError) as err:
        call()
    assert err.value.field == field
