"""The spreadsheet's STANDARD rule and the connector capacity report."""

import pytest

from vpm.calc import CalcError
from vpm.calc.links import CONNECTORS, connectors_that_fit, link_report, link_standard, spreadsheet_clock_mhz


def test_spreadsheet_worked_example_gfx_feed_is_sl():
    # SENDS row 16 "GFX FEED": D16 = 1920, E16 = 1080, F16 = 59.94; the computed standard shows
    # as "GFX FEED [SL - 1920 x 1080]" in VIDEO SNAKE!G5 (and Video Data!BD79 for NOTES FEED).
    assert link_standard(1920, 1080, 59.94) == "SL"
    assert spreadsheet_clock_mhz(1920, 1080, 59.94) == pytest.approx(131.1276, abs=1e-4)


def test_spreadsheet_empty_row_is_blank():
    # SOURCES row 3 "WIDE A": H RES D3 and V RES E3 empty, RATE F3 = 59.94 -> STANDARD blank.
    assert link_standard(0, 0, 59.94) is None


@pytest.mark.parametrize(
    "h,v,rate,standard",
    [
        # Common EDIDs "Connector Capacity" cells where the card agrees with the rule:
        (1280, 720, 59.94, "SL"),  # E4
        (3240, 1080, 59.94, "DL"),  # E19
        (3840, 1080, 59.94, "DL"),  # L19
        (3264, 1920, 60, "4K"),  # AG19
        (3456, 1920, 60, "4K"),  # AG34
        (3840, 2160, 59.94, "4K"),  # E49
        (3840, 1536, 59.94, "4K"),  # S49
        # the rule's edges
        (1920, 1080, 60, "SL"),
        (2560, 1600, 60, "DL"),  # 259 MHz
        (5120, 1080, 30, "4K"),  # 175 MHz, but DL needs H <= 4096
    ],
)
def test_link_standard_rule(h, v, rate, standard):
    assert link_standard(h, v, rate) == standard


def test_link_standard_boundaries():
    # "below 165 MHz" is SL; just above is DL; just above 540 MHz is ERROR
    v_for = 165e6 / (1000 * 1.055 * 60)
    assert link_standard(1000, v_for * 0.999999, 60) == "SL"
    assert link_standard(1000, v_for * 1.000001, 60) == "DL"
    assert link_standard(1000, 540e6 / (1000 * 1.055 * 60) * 1.000001, 60) == "ERROR"
    assert link_standard(8193, 1080, 30) == "ERROR"  # 280 MHz but wider than 8192
    assert link_standard(8193, 100, 60) == "SL"  # the SL test has no width limit in the sheet
    assert link_standard(4097, 1000, 60) == "4K"  # 259 MHz but wider than 4096


def test_link_standard_where_static_cards_disagree_with_the_rule():
    # Common EDIDs "Connector Capacity" is typed text; by the SOURCES rule these differ:
    assert link_standard(3840, 1280, 30) == "SL"  # card Q19:R19 says DL
    assert link_standard(3456, 1152, 60) == "DL"  # card E34 says 4K
    assert link_standard(4096, 2160, 59.94) == "ERROR"  # card L49 says 4K (559.5 MHz > 540)
    assert link_standard(7680, 1152, 59.94) == "ERROR"  # card AG49 says 4K


def test_link_report_uhd_59_94():
    report = link_report(3840, 2160, 59.94)
    assert report.pixel_clock_mhz == pytest.approx(593.407, abs=1e-3)
    assert report.timing_method == "CTA-861 VIC 97 /1.001"
    assert report.spreadsheet_standard == "4K"
    assert report.fitting_connectors == (
        "HDMI 2.0",
        "HDMI 2.1",
        "DP 1.2",
        "DP 1.4",
        "12G-SDI",
        "24G-SDI",
        "ST 2110 25G",
    )


def test_link_report_hd_fits_everything_but_sd():
    fits = connectors_that_fit(1920, 1080, 59.94)
    assert "SD-SDI" not in fits and "HD-SDI" not in fits
    assert {"HDMI 1.4", "DP 1.1", "3G-SDI", "ST 2110 10G"} <= set(fits)


def test_custom_canvas_is_not_sdi():
    report = link_report(3840, 1080, 59.94, blanking="RBv1")
    assert report.format_id == "3840 x 1080 @ 59.94 [RBv1]"
    assert report.pixel_clock_mhz == 266.25
    sdi = [c for c in report.connectors if c.connector.endswith("SDI")]
    assert sdi and not any(c.fits for c in sdi)
    assert all(c.note == "not an SDI raster" for c in sdi)
    # Common EDIDs J19:M30 marks HDMI 1.4, HDMI 2.0, DP 1.1 and DP 1.2 valid for this card
    assert {"HDMI 1.4", "HDMI 2.0", "DP 1.1", "DP 1.2"} <= set(report.fitting_connectors)


def test_deep_colour_raises_tmds_need():
    report = link_report(3840, 2160, 60, bits_per_component=10)
    hdmi20 = next(c for c in report.connectors if c.connector == "HDMI 2.0")
    assert hdmi20.required == pytest.approx(742.5) and not hdmi20.fits
    report420 = link_report(3840, 2160, 60, bits_per_component=10, chroma="4:2:0")
    assert "HDMI 2.0" in report420.fitting_connectors


def test_connector_capacities_are_documented():
    assert CONNECTORS["HDMI 1.4"][1] == 340.0
    assert CONNECTORS["HDMI 2.0"][1] == 600.0
    assert CONNECTORS["HDMI 2.1"][1] == pytest.approx(42.667, abs=1e-3)
    assert (CONNECTORS["DP 1.1"][1], CONNECTORS["DP 1.2"][1], CONNECTORS["DP 1.4"][1]) == (8.64, 17.28, 25.92)


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"h": -1, "v": 1080, "rate": 60}, "h"),
        ({"h": 1920, "v": float("nan"), "rate": 60}, "v"),
        ({"h": 1920, "v": 1080, "rate": -60}, "rate"),
    ],
)
def test_link_standard_rejects_bad_input(kwargs, field):
    with pytest.raises(CalcError) as err:
        link_standard(**kwargs)
    assert err.value.field == field


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"bits_per_component": 7}, "bits_per_component"),
        ({"chroma": "4:1:1"}, "chroma"),
        ({"rate": 0}, "rate"),
    ],
)
def test_link_report_rejects_bad_input(kwargs, field):
    args = {"h": 1920, "v": 1080, "rate": 60, **kwargs}
    with pytest.raises(CalcError) as err:
        link_report(**args)
    assert err.value.field == field
