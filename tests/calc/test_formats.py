"""Format ids, rate labels, the loose parser, derived standard and the 37 presets."""

import pytest

from vpm.calc import CalcError
from vpm.calc.formats import (
    SYSTEM_PRESETS,
    ParsedFormat,
    derived_standard,
    exact_rate_hz,
    format_id,
    normalise_blanking,
    parse_format,
    rate_label,
    stored_rate,
)


@pytest.mark.parametrize(
    "rate,label",
    [
        (23.976, "23.98"),
        (23.98, "23.98"),
        (24000 / 1001, "23.98"),
        (24, "24"),
        (25.0, "25"),
        (29.97, "29.97"),
        (30, "30"),
        (50, "50"),
        (59.94, "59.94"),
        (60.0, "60"),
        (119.88, "119.88"),
        (12.5, "12.5"),
        (47.952, "47.95"),
    ],
)
def test_rate_label(rate, label):
    assert rate_label(rate) == label


def test_exact_rate_uses_1000_over_1001():
    assert exact_rate_hz(59.94) == pytest.approx(60000 / 1001, abs=1e-12)
    assert exact_rate_hz(23.98) == pytest.approx(24000 / 1001, abs=1e-12)
    assert exact_rate_hz(50) == 50.0


def test_stored_rate_for_23_98_is_23_976():
    assert stored_rate("23.98") == 23.976
    assert stored_rate("59.94") == 59.94


@pytest.mark.parametrize(
    "args,expected",
    [
        ((1920, 1080, 59.94), "1920 x 1080 @ 59.94"),
        ((1920, 1080, 59.94, False, "RBv1"), "1920 x 1080 @ 59.94 [RBv1]"),
        ((3840, 2160, 60, False, "v2"), "3840 x 2160 @ 60 [RBv2]"),
        ((720, 480, 59.94, True), "720 x 480 @ 59.94i"),
        ((1920, 1080, 23.976), "1920 x 1080 @ 23.98"),
        ((7680, 1080, 60, False, "RBv3"), "7680 x 1080 @ 60 [RBv3]"),
    ],
)
def test_format_id(args, expected):
    assert format_id(*args) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1080i59.94", (1920, 1080, 59.94, True, "")),
        ("1080p60", (1920, 1080, 60.0, False, "")),
        ("4K 60", (3840, 2160, 60.0, False, "")),
        ("4K 59.94", (3840, 2160, 59.94, False, "")),
        ("720p60", (1280, 720, 60.0, False, "")),
        ("2160p59.94", (3840, 2160, 59.94, False, "")),
        ("UHD 30", (3840, 2160, 30.0, False, "")),
        ("DCI 4K", (4096, 2160, None, False, "")),
        ("8K 60", (7680, 4320, 60.0, False, "")),
        ("1920 x 1080 @ 59.94 [RBv1]", (1920, 1080, 59.94, False, "RBv1")),
        ("720 x 480 @ 59.94i", (720, 480, 59.94, True, "")),
        ("1920 x 1080 @ 23.98", (1920, 1080, 23.976, False, "")),
        ("1920x1200p60", (1920, 1200, 60.0, False, "")),
        ("WUXGA", (1920, 1200, None, False, "")),
        ("  1080i50 ", (1920, 1080, 50.0, True, "")),
    ],
)
def test_parse_format(text, expected):
    assert parse_format(text) == ParsedFormat(*expected)


@pytest.mark.parametrize("text", ["HD", "SD", "3G", "12G", "LED", "Custom", "ProRes", "HDR", "", "hello", "23.98"])
def test_parse_format_rejects_non_rasters(text):
    assert parse_format(text) is None


def test_parse_round_trips_every_preset_id():
    for preset in SYSTEM_PRESETS:
        parsed = parse_format(preset.id)
        assert (parsed.h, parsed.v, parsed.rate, parsed.interlaced, parsed.blanking) == (
            preset.h,
            preset.v,
            preset.rate,
            preset.interlaced,
            preset.blanking,
        )


@pytest.mark.parametrize(
    "h,v,standard",
    [
        (720, 480, "SD"),
        (720, 576, "SD"),
        (1280, 720, "HD"),
        (1920, 1080, "HD"),
        (7680, 1080, "HD"),
        (3840, 2160, "UHD"),
        (4096, 2160, "4K"),
        (2560, 1600, "UHD"),
    ],
)
def test_derived_standard(h, v, standard):
    assert derived_standard(h, v) == standard


def test_there_are_37_presets_with_unique_ids():
    ids = [p.id for p in SYSTEM_PRESETS]
    assert len(ids) == 37 == len(set(ids))
    assert ids[:2] == ["720 x 480 @ 59.94i", "720 x 576 @ 50i"]
    assert "1920 x 1080 @ 59.94 [RBv1]" in ids and "1920 x 1080 @ 60 [RBv1]" in ids
    assert {"3840 x 2160 @ 50 [RBv2]", "3840 x 2160 @ 59.94 [RBv2]", "3840 x 2160 @ 60 [RBv2]"} <= set(ids)
    assert sum(1 for p in SYSTEM_PRESETS if p.h == 4096) == 8
    assert [p.rate for p in SYSTEM_PRESETS if p.h == 1920 and not p.interlaced and not p.blanking] == [
        23.976,
        24.0,
        25.0,
        29.97,
        30.0,
        50.0,
        59.94,
        60.0,
    ]


@pytest.mark.parametrize(
    "raw,tag",
    [
        (None, ""),
        ("", ""),
        ("-", ""),
        ("V1", "RBv1"),
        ("v2", "RBv2"),
        ("RBv3", "RBv3"),
        ("rb v1", "RBv1"),
        ("standard", ""),
    ],
)
def test_normalise_blanking(raw, tag):
    assert normalise_blanking(raw) == tag


def test_unknown_blanking_names_the_field():
    with pytest.raises(CalcError) as err:
        format_id(1920, 1080, 60, blanking="RBv9")
    assert err.value.field == "blanking"
