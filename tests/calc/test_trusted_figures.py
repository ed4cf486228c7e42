"""Independent reference values for the figures a crew relies on: 8K and the other CTA-861 formats,
4:2:0 per interface, the one IP headroom rule, SDI mappings, power on 230/400 V, circuits at 80 %,
blend limits, cable reach, IP flow rates and lens angles. The expected numbers are worked out by hand
from the standards (in the comments), never read back from the code."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vpm.calc import cables, camera, ipvideo, led, links, projection, reach, sdi, timing
from vpm.calc.errors import CalcError

FAST = settings(max_examples=200, deadline=None)


# ---------------------------------------------------------------- CTA-861: 8K, 48 Hz, 21:9, DCI 100/120


@pytest.mark.parametrize(
    ("h", "v", "rate", "vic", "h_total", "v_total", "clock"),
    [
        (7680, 4320, 24, 194, 11000, 4500, 1188.0),
        (7680, 4320, 25, 195, 10800, 4400, 1188.0),
        (7680, 4320, 30, 196, 9000, 4400, 1188.0),
        (7680, 4320, 48, 197, 11000, 4500, 2376.0),
        (7680, 4320, 50, 198, 10800, 4400, 2376.0),
        (7680, 4320, 60, 199, 9000, 4400, 2376.0),
        (7680, 4320, 100, 200, 10560, 4500, 4752.0),
        (7680, 4320, 120, 201, 8800, 4500, 4752.0),
        (10240, 4320, 60, 215, 11000, 4500, 2970.0),
        (4096, 2160, 100, 218, 5280, 2250, 1188.0),
        (4096, 2160, 120, 219, 4400, 2250, 1188.0),
        (1920, 1080, 48, 111, 2750, 1125, 148.5),
        (3840, 2160, 48, 114, 5500, 2250, 594.0),
        (2560, 1080, 60, 90, 3000, 1100, 198.0),
        (5120, 2160, 60, 126, 5500, 2250, 742.5),
        (1680, 720, 60, 83, 2200, 750, 99.0),
    ],
)
def test_cta_861_formats(h, v, rate, vic, h_total, v_total, clock):
    card = timing.timing_card(h, v, rate)
    assert card.method == f"CTA-861 VIC {vic}"
    assert (card.h_total, card.v_total) == (h_total, v_total)
    assert card.pixel_clock_mhz == pytest.approx(clock)
    assert card.pixel_clock_mhz == pytest.approx(h_total * v_total * rate / 1e6)


def test_every_cta_entry_matches_its_stated_clock():
    for (h, v, interlaced, family), entry in timing._CTA.items():
        vic = entry[8]
        frames = family / 2 if interlaced else family
        h_total = h + entry[0] + entry[1] + entry[2]
        assert h_total * entry[6] * frames / 1e6 == pytest.approx(timing.CTA_CLOCK_MHZ[vic]), vic
        if not interlaced:
            assert v + entry[3] + entry[4] + entry[5] == entry[6], vic


def test_8k_59_94_is_vic_199_over_1001():
    card = timing.timing_card(7680, 4320, 59.94)
    assert card.pixel_clock_mhz == pytest.approx(2376 / 1.001)
    assert card.method == "CTA-861 VIC 199 /1.001"


def test_hdmi_2_1_carries_8k60_420_10_bit():
    # 2376 MHz x 1.5 components x 10 bits = 35.64 Gb/s, under FRL's 48 x 16/18 = 42.67 Gb/s
    report = links.link_report(7680, 4320, 60, bits_per_component=10, chroma="4:2:0")
    fit = {c.connector: c for c in report.connectors}
    assert fit["HDMI 2.1"].fits and fit["HDMI 2.1"].required == pytest.approx(35.64)
    assert not fit["DP 1.4"].fits  # 35.64 > 25.92


def test_sdi_offers_quad_12g_for_8k():
    req = sdi.sdi_requirement(7680, 4320, 60)
    # 9000 x 4400 x 60 x 20 bits = 47.52 Gb/s = 4 x 11.88 = 2 x 23.76
    assert req.payload_gbps == pytest.approx(47.52)
    labels = {o.label: o.mapping for o in req.options}
    assert labels["4 x 12G-SDI"].startswith("SMPTE ST 2082-12")
    assert "2 x 24G-SDI" in labels and req.single_link is None


# ---------------------------------------------------------------- SDI mappings and 3G levels


def test_multi_link_only_where_a_mapping_exists():
    # 2160p30 4:2:2 10-bit = 5.94 Gb/s: 6G-SDI, or dual 3G (ST 425-3); never "4 x HD-SDI" (no mapping here)
    assert [o.label for o in sdi.sdi_requirement(3840, 2160, 30).options] == ["6G-SDI", "2 x 3G-SDI"]
    # 1080p60 = 2.97 Gb/s: 3G-SDI (level A or B-DL) or dual-link HD (ST 372)
    options = sdi.sdi_requirement(1920, 1080, 60).options
    assert [o.label for o in options] == ["3G-SDI", "2 x HD-SDI"]
    assert options[0].levels_3g == ("A", "B-DL") and options[1].mapping.startswith("SMPTE ST 372")
    assert sdi.sdi_requirement(1280, 720, 60, sampling="4:4:4").options[0].levels_3g == ("A",)
    # 2160p60 may not be carried on two HD links even though 2 x 1.485 < 11.88 fails anyway; on 3G it is quad
    assert sdi.sdi_links_needed("3G-SDI", 3840, 2160, 60) == 4
    with pytest.raises(CalcError) as err:
        sdi.sdi_links_needed("HD-SDI", 3840, 2160, 30)
    assert err.value.field == "level"


# ---------------------------------------------------------------- 4:2:0 per interface


@pytest.mark.parametrize(
    ("connector", "fits"),
    [
        ("HDMI 1.4", False),
        ("HDMI 2.0", True),
        ("HDMI 2.1", True),
        ("DP 1.1", False),
        ("DP 1.2", False),
        ("DP 1.4", True),
    ],
)
def test_420_needs_hdmi_2_0_or_dp_1_3(connector, fits):
    # 1080p60 4:2:0 8-bit is tiny (74.25 MHz TMDS): only the standard decides
    report = links.link_report(1920, 1080, 60, chroma="4:2:0")
    assert {c.connector: c.fits for c in report.connectors}[connector] is fits


# ---------------------------------------------------------------- one headroom rule


def test_one_headroom_rule_for_links_and_sums():
    flow = sdi.st2110_bandwidth(4096, 2160, 50)
    assert 9.0 * 1.0 < flow.wire_gbps < 10.0 * 1.0  # about 9.48 Gb/s: over 90 % of 10 GbE, under 100 %
    report = {
        c.connector: c.fits for c in links.link_report(4096, 2160, 50, bits_per_component=10, chroma="4:2:2").connectors
    }
    assert report["ST 2110 10G"] is sdi.sum_flows([flow.wire_gbps], 10).fits is False
    relaxed = {
        c.connector: c.fits
        for c in links.link_report(
            4096, 2160, 50, bits_per_component=10, chroma="4:2:2", max_utilisation=1.0
        ).connectors
    }
    assert relaxed["ST 2110 10G"] is sdi.sum_flows([flow.wire_gbps], 10, 1.0).fits is True
    assert ipvideo.link_budget([flow.wire_gbps], 10).fits is False
    assert sdi.DEFAULT_MAX_UTILISATION == 0.9


# ---------------------------------------------------------------- power


def test_230_400_supply_uses_400_v():
    supply = led.power_supply(230, 3, 16)
    assert (supply.line_to_line_v, supply.label) == (400, "230/400 V 3φ, 16 A circuits")
    assert led.power_supply(120, 3, 20).line_to_line_v == 208
    # 10 kW balanced on 230/400 V: 10,000 / (1.7320508 x 400) = 14.43 A per phase
    power = led.supply_power(
        max_w=10_000, typical_w=3_000, tile_count=40, tile_watts=250, volts=230, phases=3, breaker_amps=16
    )
    assert power.max_amps_per_phase == pytest.approx(14.434, abs=1e-3)
    # 230 x 16 x 0.8 = 2944 W per circuit: floor(2944 / 250) = 11 tiles; ceil(40 / 11) = 4 circuits
    assert (power.tiles_per_circuit, power.circuits, power.circuits_per_phase) == (11, 4, 2)
    for field, args in (("volts", (400, 3, 16)), ("phases", (230, 2, 16)), ("breaker_amps", (230, 1, 0.1))):
        with pytest.raises(CalcError) as err:
            led.power_supply(*args)
        assert err.value.field == field


def test_the_issue_wall_needs_18_circuits():
    # 144 tiles of 180 W on 15 A / 120 V: 8 tiles a circuit at 80 %, so 18 circuits (not 15)
    power = led.supply_power(max_w=144 * 180, typical_w=144 * 54, tile_count=144, tile_watts=180)
    assert (power.tiles_per_circuit, power.circuits) == (8, 18)


@FAST
@given(
    tiles=st.integers(0, 20_000),
    watts=st.floats(5, 1400),
    volts=st.sampled_from([120, 230, 240, 277]),
    phases=st.sampled_from([1, 3]),
    breaker=st.sampled_from([10, 15, 16, 20, 32]),
)
def test_circuits_always_feed_every_tile(tiles, watts, volts, phases, breaker):
    try:
        power = led.supply_power(
            max_w=tiles * watts,
            typical_w=0,
            tile_count=tiles,
            tile_watts=watts,
            volts=volts,
            phases=phases,
            breaker_amps=breaker,
        )
    except CalcError as err:  # a tile bigger than a circuit
        assert err.field == "tile_watts" and watts > volts * breaker * 0.8
        return
    assert power.circuits * power.tiles_per_circuit >= tiles
    assert power.circuits * power.circuit_capacity_w >= tiles * watts - 1e-6
    assert power.tiles_per_circuit * watts <= volts * breaker * 0.8 + 1e-9


def test_pixels_per_port_derating():
    assert led.derated_pixels_per_port(659_722) == 659_722
    assert led.derated_pixels_per_port(659_722, 10) == 329_861
    assert led.derated_pixels_per_port(659_722, 12, 120) == pytest.approx(164_930.5)
    assert led.derated_pixels_per_port(659_722, 8, 30) == 659_722  # the rated figure stands below 60 Hz


def test_silly_walls_are_refused():
    base = {
        "tile_px_w": 128,
        "tile_px_h": 256,
        "tile_w_mm": 500,
        "tile_h_mm": 1000,
        "tile_weight_kg": 12.5,
        "tile_power_max_w": 360,
        "columns": 40,
        "rows": 3,
    }
    for field, value in (("tile_power_typical_w", 400), ("tile_w_mm", 500_000), ("columns", 1_000_000)):
        with pytest.raises(CalcError) as err:
            led.led_wall(**{**base, field: value})
        assert err.value.field == field
    with pytest.raises(CalcError) as err:  # 999 tiles of 2 m: 1998 m wide
        led.led_wall(**{**base, "tile_w_mm": 2000, "columns": 999})
    assert err.value.field == "columns"


# ---------------------------------------------------------------- blends


def test_blend_limits():
    # 0 % (butted) and >= 50 % are not blends
    for total in (3840, 2000, 2880):
        with pytest.raises(CalcError):
            projection.blend(total_h_px=total, pj_h_px=1920)
    assert projection.blend(total_h_px=3360, pj_h_px=1920).blend_fraction == pytest.approx(0.25)


def test_rounding_overshoot_stays_one_projector():
    # 3847 px asked of a 3840-px projector: one projector at 3840 x round(2160 x 3840 / 3847) = 2156
    plan = projection.plan_blend(total_h_px=3847, total_v_px=2160, pj_h_px=3840)
    assert (plan.count, plan.image_h_px, plan.image_v_px, plan.scaled) == (1, 3840, 2156, True)


def test_16_10_projector_on_8_by_4_5_m():
    # ratio 1.778: 1200 x 1.778 = 2134 px wide; two 1920s would overlap 90 % -> one projector, 1920 x 1080
    screen = projection.projection_screen(
        screen_width_m=8, screen_height_m=4.5, pj_h_px=1920, pj_v_px=1200, lumens_per_projector=20_000
    )
    assert (screen.blend_count, screen.total_h_px, screen.total_v_px) == (1, 1920, 1080)


def test_tiny_screens_give_no_nits():
    with pytest.raises(CalcError) as err:
        projection.screen_nits(lumens=20_000, area_m2=1e-9)
    assert err.value.field == "area_m2"


# ---------------------------------------------------------------- cables and reach


def test_stock_lengths_per_cable_type():
    assert cables.split_run(6, cables.stock_lengths_for("HDMI")).pieces == ((6, 1),)
    assert cables.cable_family("12G SDI") == "SDI" and cables.cable_family("OM3 LC fibre") == "FIBRE"
    with pytest.raises(CalcError) as err:
        cables.split_run(100, range(1, 3000))
    assert err.value.field == "stock_lengths_ft"


@pytest.mark.parametrize(
    ("cable", "rate", "metres"),
    [
        ("1694A coax", 1.485, 113),
        ("SDI", 2.97, 78),
        ("12G SDI", 11.88, 40),
        ("SDI", 0.27, 300),
        ("HDMI", 4.455, 15),
        ("HDMI", 17.82, 5),
        ("Cat6 HDBaseT", 10.2, 100),
        ("SMF LC", 11.88, 10_000),
        ("OM3 fibre", 11.88, 300),
        ("OM3 fibre", 25.0, 70),
    ],
)
def test_reach_table(cable, rate, metres):
    got = reach.cable_reach(cable, rate)
    assert got.reach_m == metres and got.source


@FAST
@given(family=st.sampled_from(sorted(reach.REACH_TABLE)), a=st.floats(0.01, 10), b=st.floats(0.01, 10))
def test_reach_never_grows_with_rate(family, a, b):
    cable = {
        "SDI": "SDI",
        "HDMI": "HDMI",
        "DP": "DisplayPort",
        "CAT": "Cat6",
        "CAT_10G": "Cat6 10G",
        "FIBRE_MM": "OM3",
        "FIBRE_SM": "SMF",
    }[family]
    low, high = sorted((a, b))
    assert reach.cable_reach(cable, low).reach_m >= reach.cable_reach(cable, high).reach_m


def test_path_through_patch_points():
    # 3G-SDI: 40 m + 30 m of coax through a snake = 70 m of 78 m
    path = reach.path_reach([("SDI", 40), ("SDI", 30)], 2.97)
    assert path.fits and path.budget == pytest.approx(70 / 78) and path.patch_points == 1
    assert not reach.path_reach([("SDI", 40), ("SDI", 40)], 2.97).fits


# ---------------------------------------------------------------- IP flows


def test_st2110_30_audio():
    # 2 ch L24 48 kHz, 1 ms: (48 x 2 x 3 + 78) B x 8 x 1000 = 2.928 Mb/s; 8 ch: (1152 + 78) x 8000 = 9.84 Mb/s
    assert ipvideo.audio_flow().average_gbps == pytest.approx(0.002928)
    assert ipvideo.audio_flow(channels=8).average_gbps == pytest.approx(0.00984)
    # 125 us: 6 samples; 16 ch L24 = 288 B + 78 = 366 B x 8 x 8000 = 23.424 Mb/s
    assert ipvideo.audio_flow(channels=16, packet_time_us=125).average_gbps == pytest.approx(0.023424)


def test_st2022_6():
    # HD-SDI 1.485 Gb/s in 1376 B payloads: 134,902 packets/s x 1462 B x 8 = 1.5778 Gb/s
    flow = ipvideo.st2022_6_flow(1920, 1080, 50, interlaced=True)
    assert flow.average_gbps == pytest.approx(1.485 * 1462 / 1376)
    assert flow.average_gbps == pytest.approx(1.5778, abs=1e-4)


def test_ndi_and_streams():
    assert ipvideo.ndi_flow(1920, 1080, 60).average_gbps == pytest.approx(0.125)
    assert ipvideo.ndi_flow(3840, 2160, 60).average_gbps == pytest.approx(0.250)
    assert ipvideo.ndi_flow(1920, 1080, 60, hx=True).average_gbps == pytest.approx(0.020)
    assert ipvideo.stream_flow(8, "SRT").average_gbps == pytest.approx(0.010)
    assert ipvideo.stream_flow(6, "RTMP").average_gbps == pytest.approx(0.0063)


def test_2110_20_senders_and_2022_7():
    narrow = ipvideo.video_2110_flow(1920, 1080, 60, sender="N", redundant=True)
    linear = ipvideo.video_2110_flow(1920, 1080, 60, sender="NL")
    assert narrow.paths == 2 and linear.paths == 1
    assert narrow.peak_gbps == pytest.approx(linear.peak_gbps * 1125 / 1080)


# ---------------------------------------------------------------- lenses


def test_field_of_view_and_subject():
    # 2/3-inch 16:9 (9.59 x 5.39 mm) at 9.3 mm: 2 x atan(9.59 / 18.6) = 54.55 degrees across
    fov = camera.field_of_view(9.3)
    assert fov.horizontal_deg == pytest.approx(math.degrees(2 * math.atan(9.59 / 18.6)))
    assert fov.horizontal_deg == pytest.approx(54.55, abs=0.01)
    # a 1.8 m person at 30 m on 100 mm: frame 5.39 x 30 / 100 = 1.617 m high, so 111 % of it
    subject = camera.subject_in_frame(1.8, 30, 100, frame_lines=1080)
    assert subject.frame_height_m == pytest.approx(1.617) and subject.fraction_of_height == pytest.approx(1.8 / 1.617)


def test_silly_rates_are_refused():
    for rate in (0.01, 5000):
        with pytest.raises(CalcError) as err:
            timing.timing_card(1920, 1080, rate)
        assert err.value.field == "rate"
