"""Timing cards: CTA-861 and VESA CVT reference values, and the spreadsheet's Common EDIDs cards."""

import csv
from pathlib import Path

import pytest

from vpm.calc import CalcError
from vpm.calc.timing import cvt_timing, find_cta_timing, pixel_clock_mhz, timing_card

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def _shape(card):
    return (
        card.h_total,
        card.h_front_porch,
        card.h_sync,
        card.h_back_porch,
        card.v_total,
        card.v_front_porch,
        card.v_sync,
        card.v_back_porch,
    )


# CTA-861-H Table 1 (VIC 4, 16, 97, 5, 19, 32, 102, 6, 21).
@pytest.mark.parametrize(
    "h,v,rate,interlaced,shape,clock",
    [
        (1280, 720, 60, False, (1650, 110, 40, 220, 750, 5, 5, 20), 74.25),
        (1920, 1080, 60, False, (2200, 88, 44, 148, 1125, 4, 5, 36), 148.5),
        (1920, 1080, 59.94, False, (2200, 88, 44, 148, 1125, 4, 5, 36), 148.352),
        (3840, 2160, 60, False, (4400, 176, 88, 296, 2250, 8, 10, 72), 594.0),
        (3840, 2160, 59.94, False, (4400, 176, 88, 296, 2250, 8, 10, 72), 593.407),
        (1920, 1080, 59.94, True, (2200, 88, 44, 148, 1125, 2, 5, 15), 74.176),
        (1280, 720, 50, False, (1980, 440, 40, 220, 750, 5, 5, 20), 74.25),
        (1920, 1080, 24, False, (2750, 638, 44, 148, 1125, 4, 5, 36), 74.25),
        (1920, 1080, 23.976, False, (2750, 638, 44, 148, 1125, 4, 5, 36), 74.176),
        (4096, 2160, 60, False, (4400, 88, 88, 128, 2250, 8, 10, 72), 594.0),
        (4096, 2160, 24, False, (5500, 1020, 88, 296, 2250, 8, 10, 72), 297.0),
        (720, 480, 59.94, True, (858, 19, 62, 57, 525, 4, 3, 15), 13.5),
        (720, 576, 50, True, (864, 12, 63, 69, 625, 2, 3, 19), 13.5),
    ],
)
def test_cta_861_reference_timings(h, v, rate, interlaced, shape, clock):
    card = timing_card(h, v, rate, interlaced)
    assert _shape(card) == shape
    assert card.pixel_clock_mhz == pytest.approx(clock, abs=5e-4)
    assert card.method.startswith("CTA-861")


def test_cta_polarity_and_refresh():
    hd = timing_card(1920, 1080, 59.94)
    assert (hd.h_polarity, hd.v_polarity) == ("POS", "POS")
    assert hd.refresh_hz == pytest.approx(60000 / 1001)
    assert hd.h_freq_khz == pytest.approx(67.433, abs=1e-3)
    sd = timing_card(720, 576, 50, True)
    assert (sd.h_polarity, sd.v_polarity) == ("NEG", "NEG")


# VESA CVT 1.2 / DMT reference values (1920x1200 RB = DMT 0x44, 1280x720 CVT = "cvt 1280 720 60").
@pytest.mark.parametrize(
    "h,v,rate,blanking,shape,clock",
    [
        (1920, 1200, 60, "RBv1", (2080, 48, 32, 80, 1235, 3, 6, 26), 154.0),
        (1280, 720, 60, "cvt", (1664, 64, 128, 192, 748, 3, 5, 20), 74.5),
        (1920, 1080, 60, "RBv2", (2000, 8, 32, 40, 1111, 17, 8, 6), 133.32),
        (3840, 2160, 60, "RBv2", (3920, 8, 32, 40, 2222, 48, 8, 6), 522.614),
        (3840, 2160, 60, "RBv3", (3920, 8, 32, 40, 2222, 48, 8, 6), 522.615),
        # ultra-wide canvases, CVT-RB v1
        (3840, 1080, 60, "RBv1", (4000, 48, 32, 80, 1111, 3, 10, 18), 266.5),
        (7680, 1080, 60, "RBv1", (7840, 48, 32, 80, 1111, 3, 10, 18), 522.5),
    ],
)
def test_cvt_reference_timings(h, v, rate, blanking, shape, clock):
    card = timing_card(h, v, rate, blanking=blanking)
    assert _shape(card) == shape
    assert card.pixel_clock_mhz == pytest.approx(clock, abs=1e-6)


def test_cvt_polarity():
    assert (
        timing_card(3264, 1920, 60, blanking="cvt").h_polarity,
        timing_card(3264, 1920, 60, blanking="cvt").v_polarity,
    ) == ("NEG", "POS")
    rb = timing_card(1920, 1200, 60, blanking="RBv1")
    assert (rb.h_polarity, rb.v_polarity) == ("POS", "NEG")


def test_rbv3_extra_blank_widens_the_back_porch():
    card = cvt_timing(3840, 2160, 60, "RBv3", rbv3_extra_hblank=16)
    assert (card.h_front_porch, card.h_sync, card.h_back_porch, card.h_total) == (8, 32, 56, 3936)


def test_rbv2_video_optimised_rate():
    card = timing_card(3840, 2160, 59.94, blanking="RBv2")
    assert card.v_total == 2222
    assert card.refresh_hz == pytest.approx(59.94, abs=1e-3)


def test_auto_falls_back_to_cvt_for_custom_resolutions():
    card = timing_card(3264, 1920, 60)
    assert card.method == "CVT"
    assert find_cta_timing(3264, 1920, 60) is None
    assert pixel_clock_mhz(3264, 1920, 60) == 536.25


# Spreadsheet sheet "Common EDIDs": literal card values (value column right of each label).
# Each tuple: cell of the card title, (h, v, rate, reduced blanking), then the sheet's
# (H Total, H Front Porch, H Sync, H Polarity, V Total, V Front Porch, V Sync, V Polarity).
COMMON_EDIDS_CARDS = [
    ("Q4:Q15", (1920, 1200, 59.94, "V1"), (2080, 48, 32, "POS", 1235, 3, 6, "NEG")),
    ("C19:C30", (3240, 1080, 59.94, "V1"), (3400, 48, 32, "POS", 1111, 3, 10, "NEG")),
    ("Q19:Q30", (3840, 1280, 30, "V2"), (3920, 8, 32, "POS", 1298, 4, 8, "NEG")),
    ("AE19:AE30", (3264, 1920, 60, "-"), (4496, 264, 352, "NEG", 1989, 3, 10, "POS")),
    ("C34:C45", (3456, 1152, 60, "-"), (4656, 232, 368, "NEG", 1195, 3, 10, "POS")),
    ("J34:J45", (3456, 1344, 60, "-"), (4688, 248, 368, "NEG", 1393, 3, 10, "POS")),
    ("Q34:Q45", (3456, 1536, 60, "-"), (4720, 256, 376, "NEG", 1592, 3, 10, "POS")),
    ("X34:X45", (3456, 1728, 59.94, "-"), (4736, 264, 376, "NEG", 1791, 3, 10, "POS")),
    ("AE34:AE45", (3456, 1920, 60, "-"), (4752, 272, 376, "NEG", 1989, 3, 10, "POS")),
    ("C49:C60", (3840, 2160, 59.94, "V1"), (4000, 48, 32, "POS", 2222, 3, 5, "NEG")),
    ("J49:J60", (4096, 2160, 59.94, "V1"), (4256, 48, 32, "POS", 2222, 3, 10, "NEG")),
    ("Q49:Q60", (3840, 1536, 59.94, "V1"), (4000, 48, 32, "POS", 1580, 3, 10, "NEG")),
    ("AE49:AE60", (7680, 1152, 59.94, "V1"), (7840, 48, 32, "POS", 1185, 3, 10, "NEG")),
]


@pytest.mark.parametrize("cells,fmt,sheet", COMMON_EDIDS_CARDS, ids=[c[0] for c in COMMON_EDIDS_CARDS])
def test_common_edids_cards(cells, fmt, sheet):
    h, v, rate, rb = fmt
    card = timing_card(h, v, rate, blanking=rb)
    assert (
        card.h_total,
        card.h_front_porch,
        card.h_sync,
        card.h_polarity,
        card.v_total,
        card.v_front_porch,
        card.v_sync,
        card.v_polarity,
    ) == sheet


def test_common_edids_cta_cards_match_except_known_card_errors():
    # Common EDIDs C4:C15 (1280x720 @ 59.94): H 1650/110/40, V 750/5/5, but V polarity NEG
    # (CTA-861 says +V). I4:I15 (1920x1080 @ 59.94): H 2200/88, V 1125/4/5, but H Sync 88
    # (CTA-861 says 44) and V polarity NEG.
    hd720 = timing_card(1280, 720, 59.94, blanking="-")
    assert (hd720.h_total, hd720.h_front_porch, hd720.h_sync, hd720.v_total, hd720.v_front_porch, hd720.v_sync) == (
        1650,
        110,
        40,
        750,
        5,
        5,
    )
    hd = timing_card(1920, 1080, 59.94, blanking="-")
    assert (hd.h_total, hd.h_front_porch, hd.v_total, hd.v_front_porch, hd.v_sync) == (2200, 88, 1125, 4, 5)
    assert hd.h_sync == 44 and hd.v_polarity == "POS"
    # J19:J30 (3840x1080 RBv1): H Total 4000 and V 1111/3/10 match, but the card's front porch
    # is 40 where CVT-RBv1 fixes 48.
    wide = timing_card(3840, 1080, 59.94, blanking="V1")
    assert (wide.h_total, wide.v_total, wide.v_front_porch, wide.v_sync) == (4000, 1111, 3, 10)
    assert wide.h_front_porch == 48


def _csv_cards(path):
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    for top in range(0, len(rows) - 11, 12):
        for left in range(0, max(len(r) for r in rows), 7):
            block = [(r[left : left + 7] + [""] * 7)[:7] for r in rows[top : top + 12]]
            if not block[1][1] or not block[3][1]:
                continue  # an empty card
            yield block


def test_common_edids_csv_cards_with_numbers():
    path = SHARED_DATA / "common-edids.csv"
    if not path.exists():
        pytest.skip("shared/data/common-edids.csv not present")
    known_card_errors = {
        (1280, 720): {"v_polarity"},
        (1920, 1080): {"h_sync", "v_polarity"},
        (3840, 1080): {"h_front_porch"},
    }
    checked = 0
    for block in _csv_cards(path):
        h = int(float(block[3][1]))
        v = int(block[9][1].split()[0].split(".")[0])
        rate = float(block[11][3])
        card = timing_card(h, v, rate, blanking=block[9][3])
        sheet = {
            "h_total": int(float(block[1][1])),
            "h_front_porch": int(float(block[2][1])),
            "h_sync": int(float(block[4][1])),
            "h_polarity": block[5][1],
            "v_total": int(float(block[7][1])),
            "v_front_porch": int(float(block[8][1])),
            "v_sync": int(float(block[10][1])),
            "v_polarity": block[11][1],
        }
        for name, value in sheet.items():
            if name in known_card_errors.get((h, v), ()):
                continue
            assert getattr(card, name) == value, (h, v, rate, name)
        checked += 1
    assert checked == 16


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"h": 0, "v": 1080, "rate": 60}, "h"),
        ({"h": 1920, "v": -1, "rate": 60}, "v"),
        ({"h": 1920, "v": 1080, "rate": 0}, "rate"),
        ({"h": 1920, "v": 1080, "rate": float("nan")}, "rate"),
        ({"h": 1921, "v": 1080, "rate": 60, "blanking": "RBv1"}, "h"),
        ({"h": 1920, "v": 1080, "rate": 60, "blanking": "RBv7"}, "blanking"),
        ({"h": 3264, "v": 1920, "rate": 60, "blanking": "cta"}, "blanking"),
        ({"h": 3264, "v": 1920, "rate": 60, "interlaced": True}, "interlaced"),
    ],
)
def test_timing_rejects_bad_input(kwargs, field):
    with pytest.raises(CalcError) as err:
        timing_card(**kwargs)
    assert err.value.field == field


def test_rbv2_allows_any_width():
    assert timing_card(1921, 1080, 60, blanking="RBv2").h_active == 1921
