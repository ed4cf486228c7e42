"""SDI levels, multi-link options, ST 2110-20 bandwidth and flow sums."""

import pytest

from vpm.calc import CalcError
from vpm.calc.sdi import sdi_level, sdi_links_needed, sdi_requirement, st2110_bandwidth, sum_flows


@pytest.mark.parametrize(
    "h,v,rate,interlaced,level",
    [
        (720, 480, 59.94, True, "SD-SDI"),
        (720, 576, 50, True, "SD-SDI"),
        (1280, 720, 59.94, False, "HD-SDI"),
        (1920, 1080, 59.94, True, "HD-SDI"),
        (1920, 1080, 29.97, False, "HD-SDI"),
        (1920, 1080, 23.976, False, "HD-SDI"),
        (1920, 1080, 50, False, "3G-SDI"),
        (1920, 1080, 59.94, False, "3G-SDI"),
        (3840, 2160, 29.97, False, "6G-SDI"),
        (3840, 2160, 59.94, False, "12G-SDI"),
        (4096, 2160, 60, False, "12G-SDI"),
        (3840, 2160, 119.88, False, "24G-SDI"),
    ],
)
def test_sdi_level(h, v, rate, interlaced, level):
    assert sdi_level(h, v, rate, interlaced) == level


def test_2160p59_94_single_or_quad_link():
    req = sdi_requirement(3840, 2160, 59.94)
    assert req.payload_gbps == pytest.approx(11.868, abs=1e-3)
    assert [o.label for o in req.options] == ["12G-SDI", "2 x 6G-SDI", "4 x 3G-SDI"]
    assert req.single_link.link_rate_gbps == pytest.approx(11.88 / 1.001)
    assert sdi_links_needed("3G-SDI", 3840, 2160, 59.94) == 4
    assert sdi_links_needed("12G-SDI", 3840, 2160, 59.94) == 1


def test_1001_rates_fit_their_1001_link():
    req = sdi_requirement(1920, 1080, 59.94)
    assert req.payload_gbps == pytest.approx(2.97 / 1.001)
    assert req.single_link.level == "3G-SDI"
    assert req.single_link.link_rate_gbps == pytest.approx(2.967, abs=1e-3)


def test_444_needs_more():
    assert sdi_level(1920, 1080, 60, sampling="4:4:4", bit_depth=10) == "6G-SDI"
    assert sdi_level(1920, 1080, 30, sampling="RGB", bit_depth=12) == "3G-SDI"


def test_too_big_for_any_link_count():
    with pytest.raises(CalcError) as err:
        sdi_links_needed("HD-SDI", 3840, 2160, 60)
    assert err.value.field == "level"


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"h": 1920, "v": 1200, "rate": 60}, "h"),  # not an SDI raster
        ({"h": 1920, "v": 1080, "rate": 60, "sampling": "4:1:1"}, "sampling"),
        ({"h": 1920, "v": 1080, "rate": 60, "bit_depth": 8}, "bit_depth"),
        ({"h": 1920, "v": 1080, "rate": 0}, "rate"),
    ],
)
def test_sdi_rejects_bad_input(kwargs, field):
    with pytest.raises(CalcError) as err:
        sdi_requirement(**kwargs)
    assert err.value.field == field


def test_st2110_1080p59_94_422_10bit():
    flow = st2110_bandwidth(1920, 1080, 59.94)
    assert flow.active_gbps == pytest.approx(1920 * 1080 * 20 * 60000 / 1001 / 1e9)
    assert flow.active_gbps == pytest.approx(2.486, abs=1e-3)
    # 5,184,000 bytes per frame in 4320 packets of 1200 B; +48 B (IP) or +86 B (wire) each
    assert flow.ip_gbps == pytest.approx((5_184_000 + 4320 * 48) * 8 * 60000 / 1001 / 1e9)
    assert flow.wire_gbps == pytest.approx(2.664, abs=1e-3)
    assert flow.packets_per_second == pytest.approx(4320 * 60000 / 1001)


def test_st2110_other_samplings():
    assert st2110_bandwidth(3840, 2160, 50, sampling="4:4:4", bit_depth=12).active_gbps == pytest.approx(
        3840 * 2160 * 36 * 50 / 1e9
    )
    interlaced = st2110_bandwidth(1920, 1080, 50, interlaced=True)
    assert interlaced.active_gbps == pytest.approx(1920 * 1080 * 20 * 25 / 1e9)
    assert st2110_bandwidth(1920, 1080, 60, sampling="RGB", bit_depth=8).active_gbps == pytest.approx(
        1920 * 1080 * 24 * 60 / 1e9
    )


def test_sum_flows_against_a_link():
    flow = st2110_bandwidth(1920, 1080, 59.94).wire_gbps
    plan = sum_flows([flow] * 3, 10)
    assert plan.flow_count == 3 and plan.fits
    assert plan.total_gbps == pytest.approx(3 * flow)
    assert plan.utilisation == pytest.approx(3 * flow / 10)
    assert not sum_flows([flow] * 4, 10).fits  # 10.66 Gb/s
    assert sum_flows([flow] * 9, 25, max_utilisation=1.0).fits  # 23.98 of 25 Gb/s
    nine = sum_flows([flow] * 9, 25)  # default keeps 10 % headroom: 22.5 Gb/s usable
    assert not nine.fits and nine.headroom_gbps == pytest.approx(22.5 - 9 * flow)


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"flows_gbps": [1.0], "link_capacity_gbps": 0}, "link_capacity_gbps"),
        ({"flows_gbps": [-1.0], "link_capacity_gbps": 10}, "flows_gbps"),
        ({"flows_gbps": "1,2", "link_capacity_gbps": 10}, "flows_gbps"),
        ({"flows_gbps": [1.0], "link_capacity_gbps": 10, "max_utilisation": 1.5}, "max_utilisation"),
    ],
)
def test_sum_flows_rejects_bad_input(kwargs, field):
    with pytest.raises(CalcError) as err:
        sum_flows(**kwargs)
    assert err.value.field == field
