"""Property tests (hypothesis): monotonicity, round trips and coverage."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from vpm.calc.cables import split_run
from vpm.calc.errors import CalcError
from vpm.calc.formats import exact_rate_hz, format_id, parse_format
from vpm.calc.led import spreadsheet_units_per_leg
from vpm.calc.led_chains import plan_chains
from vpm.calc.links import link_standard, spreadsheet_clock_mhz
from vpm.calc.projection import blend, image_width_for_throw, plan_blend, throw_distance, throw_ratio
from vpm.calc.scaling import pip_layout
from vpm.calc.timing import timing_card

FAST = settings(max_examples=60, deadline=None, database=None)
widths = st.integers(min_value=80, max_value=1200).map(lambda n: n * 8)  # 640..9600, multiples of 8
heights = st.integers(min_value=240, max_value=4320)
rates = st.sampled_from([23.976, 24, 25, 29.97, 30, 50, 59.94, 60, 100, 119.88, 120])
blankings = st.sampled_from(["cvt", "RBv1", "RBv2", "RBv3"])
ORDER = ["SL", "DL", "4K", "ERROR"]


@FAST
@given(w=widths, h=heights, rate=rates, blanking=blankings, extra_w=st.integers(0, 64), extra_h=st.integers(0, 200))
def test_more_pixels_never_lower_clock(w, h, rate, blanking, extra_w, extra_h):
    small = timing_card(w, h, rate, blanking=blanking)
    large = timing_card(w + 8 * extra_w, h + extra_h, rate, blanking=blanking)
    assert large.pixel_clock_mhz >= small.pixel_clock_mhz


@FAST
@given(w=widths, h=heights, rate=rates, blanking=blankings)
def test_timing_card_is_consistent(w, h, rate, blanking):
    card = timing_card(w, h, rate, blanking=blanking)
    assert card.h_total == card.h_active + card.h_front_porch + card.h_sync + card.h_back_porch
    assert card.v_total == card.v_active + card.v_front_porch + card.v_sync + card.v_back_porch
    assert min(card.h_front_porch, card.h_sync, card.h_back_porch, card.v_front_porch, card.v_back_porch) > 0
    # CVT rounds the clock down to its step (RBv3 rounds up by < 0.001 MHz) and may lengthen the
    # vertical blank past its estimate at low rates and heights, so the refresh is at or a little
    # below the request
    assert 0.8 * exact_rate_hz(rate) <= card.refresh_hz <= exact_rate_hz(rate) * 1.001


@FAST
@given(w=widths, h=heights, rate=rates, extra=st.integers(0, 2000))
def test_spreadsheet_standard_is_monotonic_in_height(w, h, rate, extra):
    assert ORDER.index(link_standard(w, h + extra, rate)) >= ORDER.index(link_standard(w, h, rate))
    assert spreadsheet_clock_mhz(w, h + extra, rate) >= spreadsheet_clock_mhz(w, h, rate)


@FAST
@given(distance=st.floats(0.5, 200), width=st.floats(0.5, 60))
def test_throw_round_trips(distance, width):
    ratio = throw_ratio(distance, width)
    assert math.isclose(throw_distance(ratio, width), distance, rel_tol=1e-12)
    assert math.isclose(image_width_for_throw(distance, ratio), width, rel_tol=1e-12)


@FAST
@given(total=st.integers(1, 30000), pj=st.sampled_from([1280, 1920, 2560, 3840, 4096]))
def test_blend_covers_the_image(total, pj):
    try:
        layout = blend(total_h_px=total, pj_h_px=pj)
    except CalcError as err:  # refused only when the overlap would leave (0, 50 %)
        assert err.field == "total_h_px"
        count = math.ceil(total / pj)
        overlap = (count * pj - total) / ((count - 1) * pj)
        assert overlap <= 0 or overlap >= 0.5
        return
    assert layout.count * pj >= total
    assert (
        math.isclose(layout.count * pj - (layout.count - 1) * layout.blend_px, total, rel_tol=1e-9) or layout.count == 1
    )
    assert layout.count == 1 or 0 < layout.blend_fraction < 0.5


@FAST
@given(total=st.integers(1, 30000), lines=st.integers(1, 2400), pj=st.sampled_from([1280, 1920, 2560, 3840, 4096]))
def test_planned_blend_overlap_is_always_sane(total, lines, pj):
    plan = plan_blend(total_h_px=total, total_v_px=lines, pj_h_px=pj)
    if plan.count == 1:
        assert plan.blend_px == 0 and plan.image_h_px <= pj
    else:
        assert 0 < plan.blend_fraction < 0.5
        assert plan.blend_fraction >= 0.1 - 1e-9
        # the canvas the projectors make is exactly the image width
        assert plan.count * pj - (plan.count - 1) * plan.blend_px == pytest.approx(plan.image_h_px)
    assert plan.image_h_px <= total and plan.image_v_px <= lines  # never larger than asked


@FAST
@given(
    cols=st.integers(1, 30),
    rows=st.integers(1, 12),
    cap=st.integers(0, 25),
    data=st.data(),
    order=st.sampled_from(["rows", "columns"]),
    start=st.sampled_from(["top-left", "top-right", "bottom-left", "bottom-right"]),
    serpentine=st.booleans(),
    line_breaks=st.booleans(),
)
def test_chain_plan_covers_every_tile_once(cols, rows, cap, data, order, start, serpentine, line_breaks):
    cells = [(c, r) for c in range(cols) for r in range(rows)]
    voids = data.draw(st.lists(st.sampled_from(cells), max_size=len(cells) // 2, unique=True))
    plan = plan_chains(
        columns=cols,
        rows=rows,
        tile_px_w=128,
        tile_px_h=128,
        pixels_per_port=650_000,
        order=order,
        start=start,
        serpentine=serpentine,
        max_chain_length=cap,
        voids=voids,
        break_at_line_end=line_breaks,
    )
    placed = [tile for chain in plan.chains for tile in chain.tiles]
    assert sorted(placed) == sorted(set(cells) - set(voids))
    assert all(0 < len(chain.tiles) <= plan.tiles_per_chain for chain in plan.chains)
    assert plan.tiles_per_chain <= (cap or 39)
    assert [chain.port for chain in plan.chains] == list(range(1, len(plan.chains) + 1))


@FAST
@given(run=st.floats(0.1, 5000), stock=st.lists(st.integers(5, 300), min_size=1, max_size=5, unique=True))
def test_split_run_covers_the_run(run, stock):
    split = split_run(run, stock_lengths_ft=stock)
    assert split.total_ft >= run
    assert sum(length * n for length, n in split.pieces) == split.total_ft
    assert split.piece_count >= math.ceil(run / max(stock) - 1e-9)
    assert split.spare_ft < max(stock)


@FAST
@given(n=st.integers(0, 10_000))
def test_spreadsheet_legs_add_to_twice_the_units(n):
    legs = spreadsheet_units_per_leg(n)
    assert sum(legs) == 2 * n and max(legs) - min(legs) <= 1


@FAST
@given(
    h=st.integers(1, 16384),
    v=st.integers(1, 8640),
    rate=rates,
    interlaced=st.booleans(),
    blanking=st.sampled_from(["", "RBv1", "RBv2", "RBv3"]),
)
def test_format_id_round_trip(h, v, rate, interlaced, blanking):
    parsed = parse_format(format_id(h, v, rate, interlaced, blanking))
    assert (parsed.h, parsed.v, parsed.interlaced, parsed.blanking) == (h, v, interlaced, blanking)
    assert format_id(parsed.h, parsed.v, parsed.rate, parsed.interlaced, parsed.blanking) == format_id(
        h, v, rate, interlaced, blanking
    )


@FAST
@given(w=st.integers(64, 4000), h=st.integers(64, 4000), scale=st.floats(0.05, 4), x=st.integers(0, 2000))
def test_pip_mirror(w, h, scale, x):
    pip = pip_layout(8000, 3000, w, h, scale=scale, x=x)
    assert pip.x_left + pip.display_w + pip.x_right == 8000
