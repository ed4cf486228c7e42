"""PROJECTION SCREENS formulas, throw, lenses and stacks.

The exported sheet holds the formulas but no filled-in screen (every block reads 0), so the
worked examples below apply the sheet's cell formulas by hand to a typical screen: a 40 ft x
12 ft 6 in screen (12.192 m x 3.81 m) with FHD+ (1920 x 1200) 20,000-lumen projectors.
"""

import math

import pytest

from vpm.calc import CalcError
from vpm.calc.projection import (
    ambient_nits,
    blend,
    canvas_width_for_overlap,
    contrast_ratio,
    foot_lamberts_to_nits,
    image_width_for_throw,
    lenses_that_fit,
    lumen_usage,
    nits_to_foot_lamberts,
    parse_throw_ratio,
    projection_screen,
    projector_image_width,
    projector_stacks,
    screen_nits,
    screen_raster,
    spreadsheet_gain,
    throw_distance,
    throw_ratio,
)


@pytest.mark.parametrize(
    "constraint,h,v",
    [
        ("No constraint", 3840, 1200),  # ratio ROUND(40 / 12.5; 3) = 3.2 -> ROUND(1200 x 3.2) (I8)
        ("V-constrain", 3840, 1200),
        ("16:9 V-constrain", 2133, 1200),  # 1200 x 16/9
        ("16:9 H-constrain", 1920, 1080),  # 1920 x 9/16
        ("H-constrain", 1920, 600),  # 1920 / 3.2
    ],
)
def test_screen_raster_constraints(constraint, h, v):
    raster = screen_raster(screen_width=40, screen_height=12.5, pj_h_px=1920, pj_v_px=1200, constraint=constraint)
    assert (raster.total_h_px, raster.total_v_px) == (h, v)
    assert raster.screen_ratio == 3.2


def test_screen_raster_accepts_the_sheets_spelling():
    raster = screen_raster(
        screen_width=40, screen_height=12.5, pj_h_px=1920, pj_v_px=1200, constraint="16:9 (V-constrain)"
    )
    assert (raster.total_h_px, raster.total_v_px) == (2133, 1200)


def test_blend_formulas():
    # I14 = ROUNDUP(3500 / 1920) = 2; J11 = (1920 x 2 - 3500) / 1 = 340; I11 = 340 x 1 / (1920 x 2)
    layout = blend(total_h_px=3500, pj_h_px=1920)
    assert (layout.count, layout.blend_px) == (2, 340)
    assert layout.blend_fraction == pytest.approx(340 / 1920)
    assert layout.spreadsheet_blend_fraction == pytest.approx(340 / 3840)
    three = blend(total_h_px=5000, pj_h_px=1920)
    assert (three.count, three.blend_px) == (3, 380)
    assert blend(total_h_px=1920, pj_h_px=1920).count == 1
    assert canvas_width_for_overlap(1920, 2, 340 / 1920) == pytest.approx(3500)


def test_lumen_usage_and_nits():
    # N8 = (3500 x 1200) / (1920 x 1200 x 2) = 91.1 %; M11 = (40,000 x usage / 46.45 m^2) x 1.02 / pi
    usage = lumen_usage(total_h_px=3500, total_v_px=1200, pj_h_px=1920, pj_v_px=1200, count=2)
    assert usage == pytest.approx(0.911458, abs=1e-6)
    nits = screen_nits(lumens=40_000, area_m2=12.192 * 3.81, gain=1.02, usage=usage)
    assert nits == pytest.approx(40_000 * usage / 46.45152 * 1.02 / math.pi)
    assert nits == pytest.approx(254.83, abs=0.01)
    assert nits_to_foot_lamberts(nits) == pytest.approx(74.37, abs=0.01)
    assert foot_lamberts_to_nits(1) == pytest.approx(3.4263, abs=1e-4)


def test_contrast_against_ambient():
    assert ambient_nits(300, 1.0) == pytest.approx(95.49, abs=0.01)
    ambient = 50 * 1.02 / math.pi
    assert contrast_ratio(254.83, 50, 1.02) == pytest.approx((254.83 + ambient) / ambient)
    assert contrast_ratio(254.83, 0) is None


def test_full_screen_block():
    screen = projection_screen(
        screen_width_m=12.192,
        screen_height_m=3.81,
        pj_h_px=1920,
        pj_v_px=1200,
        lumens_per_projector=20_000,
        gain=1.02,
        ambient_lux=50,
        throw_distance_m=15,
    )
    # The sheet butts two 1920-px projectors (3840 x 1200, 0 px blend). A blend needs an overlap, so
    # the image shrinks to the canvas of two projectors with a 10 % (192 px) blend: 3840 - 192 = 3648
    # px wide, 1200 x 3648 / 3840 = 1140 lines.
    assert (screen.total_h_px, screen.total_v_px, screen.blend_count, screen.blend_px) == (3648, 1140, 2, 192)
    assert screen.blend_fraction == pytest.approx(0.1)
    assert screen.area_sqft == pytest.approx(500.0)
    assert screen.total_lumens == 40_000 and screen.lumen_usage == pytest.approx(3648 * 1140 / (1920 * 1200 * 2))
    assert screen.nits == pytest.approx(40_000 * screen.lumen_usage / 46.45152 * 1.02 / math.pi)
    # D17: per-projector width = 1920 / 3648 x 40 ft = 6.4168 m; B23 = 15 / that
    assert screen.projector_image_width_m == pytest.approx(1920 / 3648 * 12.192)
    assert screen.throw_ratio == pytest.approx(15 / (1920 / 3648 * 12.192))
    assert screen.contrast_ratio > 7


def test_throw_round_trip_and_projector_width():
    assert throw_ratio(15, 6.096) == pytest.approx(2.4606, abs=1e-4)
    assert throw_distance(2.0, 6.0) == 12.0
    assert image_width_for_throw(12.0, 2.0) == 6.0
    assert projector_image_width(40, 3840, 1920) == 20


@pytest.mark.parametrize(
    "text,low,high",
    [
        ("1.22-1.53:1", 1.22, 1.53),
        ("0.38:1", 0.38, 0.38),
        ("Barco TLD HB 1.6 - 2:1 1.36-1.71:1 R9842060", 1.6, 2.0),
        ("Barco TLD + 0.65-0.85:1 0.67-0.88:1 R9862001", 0.65, 0.85),
        ("2.8–5.0 : 1", 2.8, 5.0),
    ],
)
def test_parse_throw_ratio(text, low, high):
    parsed = parse_throw_ratio(text)
    assert (parsed.min, parsed.max) == (low, high)


def test_lenses_that_fit():
    lenses = [("TLD+ 0.8-1.16", 0.8, 1.16), ("TLD+ 1.25-1.6", 1.25, 1.6), ("TLD+ 1.5-2.0", 1.5, 2.0)]
    assert lenses_that_fit(1.55, lenses) == ("TLD+ 1.25-1.6", "TLD+ 1.5-2.0")
    assert lenses_that_fit(1.2, lenses) == ()
    assert lenses_that_fit(1.2, lenses, tolerance=0.05) == ("TLD+ 0.8-1.16", "TLD+ 1.25-1.6")


def test_stacks_and_gain():
    # Barco HDX Flex 20K (Projector Data): 18,500 lm, 49.89567268 kg, 2850 W; two stacks of two
    stack = projector_stacks(
        lumens_per_projector=18_500, projectors_per_stack=2, stacks=2, weight_kg=49.89567268, power_w=2850
    )
    assert (stack.units, stack.stack_lumens, stack.total_lumens) == (4, 37_000, 74_000)
    assert round(stack.stack_weight_kg) == 100 and round(stack.total_weight_lb) == 440
    assert (stack.stack_power_w, stack.total_power_w) == (5700, 11_400)
    assert spreadsheet_gain("Front, Landscape") == 1.02
    assert spreadsheet_gain("Rear, Portrait") == 1.18


@pytest.mark.parametrize(
    "call,field",
    [
        (lambda: screen_raster(screen_width=0, screen_height=3, pj_h_px=1920, pj_v_px=1080), "screen_width"),
        (
            lambda: screen_raster(screen_width=4, screen_height=3, pj_h_px=1920, pj_v_px=1080, constraint="4:3"),
            "constraint",
        ),
        (lambda: blend(total_h_px=0, pj_h_px=1920), "total_h_px"),
        (lambda: screen_nits(lumens=1000, area_m2=0), "area_m2"),
        (lambda: screen_nits(lumens=1000, area_m2=10, usage=1.5), "usage"),
        (lambda: throw_ratio(10, 0), "image_width"),
        (lambda: throw_distance(float("nan"), 3), "throw_ratio"),
        (lambda: parse_throw_ratio("zoom"), "text"),
        (lambda: lenses_that_fit(1.5, [("bad",)]), "lenses"),
        (lambda: spreadsheet_gain("Side"), "position"),
        (
            lambda: projection_screen(
                screen_width_m=2,
                screen_height_m=10,
                pj_h_px=1920,
                pj_v_px=1080,
                lumens_per_projector=1000,
                constraint="H-constrain",
            ),
            "constraint",
        ),
        (lambda: canvas_width_for_overlap(1920, 2, 0.5), "overlap_fraction"),
    ],
)
def test_projection_rejects_bad_input(call, field):
    with pytest.raises(CalcError) as err:
        call()
    assert err.value.field == field
