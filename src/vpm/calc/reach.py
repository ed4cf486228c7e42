"""How far a cable carries a signal: reach per cable family and signal rate, and along a path.

A run is good when the signal arrives inside the receiver's equaliser range. The figures below
are the safe lengths a crew plans with (continuous cable, good connectors), each with its source.
Higher rates never reach further (the tables are monotonic; tests/calc check it).

=========  ==========================  ========  ==========================================================
family     signal (serial rate)        reach     source
=========  ==========================  ========  ==========================================================
SDI        SD-SDI 0.27 Gb/s            300 m     SMPTE ST 259 receivers (30 dB at 135 MHz) on 1694A-class
                                                 RG6 coax; Belden rates 1694A well beyond this
SDI        HD-SDI 1.485 Gb/s           113 m     Belden 1694A: HD to 113 m (370 ft), ST 292-1 rule
                                                 (-20 dB at half the clock)
SDI        3G-SDI 2.97 Gb/s            78 m      Belden 1694A: 3G (1080p50/60) to 78 m, ST 424 rule
SDI        6G-SDI 5.94 Gb/s            60 m      typical 6G-SDI receivers with 1694A-class coax
                                                 (device data sheets quote 60-80 m)
SDI        12G-SDI 11.88 Gb/s          40 m      typical 12G-SDI receivers with 1694A-class coax
                                                 (data sheets quote 40-70 m; 4694R-class reaches ~70 m)
SDI        24G-SDI 23.76 Gb/s          20 m      ST 2083-1 coax is short-haul; plan fibre beyond
HDMI       up to 5 Gb/s (1080p60)      15 m      passive High Speed HDMI cable (HDMI 1.4b category 2)
HDMI       up to 18 Gb/s (HDMI 2.0)    5 m       passive Premium High Speed HDMI cable (18 Gb/s certified)
HDMI       up to 48 Gb/s (HDMI 2.1)    3 m       passive Ultra High Speed HDMI cable (48 Gb/s certified)
DP         up to 8.64 Gb/s (HBR)       5 m       passive DisplayPort cable (VESA DP 1.2 cable spec: 2 m
                                                 guaranteed at HBR2, RBR/HBR further)
DP         up to 32.4 Gb/s (HBR3)      2 m       VESA DP8K certified passive cable
CAT        HDBaseT, any rate           100 m     HDBaseT Alliance spec (Cat6/6A, 4K to 100 m)
CAT        1 GbE (NDI, Dante, control) 100 m     IEEE 802.3ab 1000BASE-T, Cat5e/6
CAT        10 GbE                      55 m      IEEE 802.3an 10GBASE-T on Cat6 (Cat6A: 100 m)
FIBRE_MM   up to 1.25 Gb/s             550 m     IEEE 802.3z 1000BASE-SX on OM2/OM3
FIBRE_MM   up to 12 Gb/s (12G-SDI,     300 m     IEEE 802.3ae 10GBASE-SR on OM3; SDI over multimode SFPs
           10 GbE)
FIBRE_MM   up to 25 Gb/s               70 m      IEEE 802.3by 25GBASE-SR on OM3
FIBRE_MM   up to 100 Gb/s              70 m      IEEE 802.3bm 100GBASE-SR4 on OM3
FIBRE_SM   any rate                    10 km     IEEE 802.3ae 10GBASE-LR / ST 297 SDI optical SFPs (10 km
                                                 class); longer optics exist
=========  ==========================  ========  ==========================================================

A path through passive patch points (snake lines, patch panels, barrels) is one electrical run: its
segments use up the reach in proportion, budget = sum(length_i / reach_i) and the run fits while
the budget is at most 1. Each passive joint is a small extra loss the figures above already allow for
only once; a path with more than :data:`PATCH_POINTS_ALLOWED` joints is flagged. Lengths in metres.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import _checks
from .cables import cable_family
from .errors import CalcError
from .units import M_PER_FOOT

#: family -> ((up to Gb/s, reach m, source), ...) in rising rate; the last row covers any rate.
REACH_TABLE: dict[str, tuple[tuple[float, float, str], ...]] = {
    "SDI": (
        (0.27, 300.0, "SMPTE ST 259 receiver on 1694A-class RG6 coax"),
        (1.485, 113.0, "Belden 1694A: HD-SDI 113 m (370 ft), SMPTE ST 292-1 -20 dB at half clock"),
        (2.97, 78.0, "Belden 1694A: 3G-SDI 78 m, SMPTE ST 424"),
        (5.94, 60.0, "6G-SDI receivers on 1694A-class coax (data sheets: 60-80 m)"),
        (11.88, 40.0, "12G-SDI receivers on 1694A-class coax (data sheets: 40-70 m)"),
        (23.76, 20.0, "24G-SDI (SMPTE ST 2083-1) coax is short-haul"),
    ),
    "HDMI": (
        (5.0, 15.0, "passive High Speed HDMI cable (HDMI 1.4b)"),
        (18.0, 5.0, "passive Premium High Speed HDMI cable (HDMI 2.0b, 18 Gb/s)"),
        (48.0, 3.0, "passive Ultra High Speed HDMI cable (HDMI 2.1, 48 Gb/s)"),
    ),
    "DP": (
        (8.64, 5.0, "passive DisplayPort cable at RBR/HBR (VESA DP 1.2)"),
        (17.28, 2.0, "passive DisplayPort cable at HBR2 (VESA DP 1.2: 2 m)"),
        (32.4, 2.0, "VESA DP8K certified passive cable (HBR3)"),
    ),
    "CAT": (
        (1.25, 100.0, "IEEE 802.3ab 1000BASE-T / HDBaseT Alliance: 100 m on Cat5e/6"),
        (18.0, 100.0, "HDBaseT Alliance: 100 m on Cat6/6A (4K)"),
    ),
    "CAT_10G": ((10.0, 55.0, "IEEE 802.3an 10GBASE-T: 55 m on Cat6 (100 m on Cat6A)"),),
    "FIBRE_MM": (
        (1.25, 550.0, "IEEE 802.3z 1000BASE-SX on OM2/OM3 multimode"),
        (12.0, 300.0, "IEEE 802.3ae 10GBASE-SR on OM3; 12G-SDI multimode SFPs"),
        (25.0, 70.0, "IEEE 802.3by 25GBASE-SR on OM3"),
        (100.0, 70.0, "IEEE 802.3bm 100GBASE-SR4 on OM3"),
    ),
    "FIBRE_SM": ((400.0, 10_000.0, "IEEE 802.3ae 10GBASE-LR / SMPTE ST 297 optical SDI SFPs, 10 km class"),),
}
#: Serial rate (Gb/s) of each SDI level, for reach by level name.
SDI_RATE_GBPS = {"SD-SDI": 0.27, "HD-SDI": 1.485, "3G-SDI": 2.97, "6G-SDI": 5.94, "12G-SDI": 11.88, "24G-SDI": 23.76}
#: Passive joints a path may have before the check says so (each barrel or panel costs return loss).
PATCH_POINTS_ALLOWED = 4
#: Longest path the calculator takes (m): 100 km.
MAX_PATH_M = 100_000.0


def reach_family(cable_type: str | None) -> str | None:
    """The reach family of a cable type: SDI, HDMI, DP, CAT, CAT_10G, FIBRE_SM, FIBRE_MM (multimode
    when the text says MM/OM1-5/multimode; any other fibre is taken as single-mode only when it
    says SM/OS1/OS2/single; plain "fibre" is read as multimode, the shorter reach), or None when
    the table has no figure (power, audio, USB, unknown)."""
    text = (cable_type or "").lower()
    family = cable_family(cable_type)
    if family == "FIBRE":
        if any(word in text for word in ("single", "smf", " sm", "os1", "os2", "9/125")) or text.startswith("sm"):
            return "FIBRE_SM"
        return "FIBRE_MM"
    if family == "CAT":
        return "CAT_10G" if "10g" in text.replace(" ", "") else "CAT"
    return family if family in REACH_TABLE else None


@dataclass(frozen=True)
class Reach:
    """How far one cable family carries a signal rate: metres and feet, and the figure's source."""

    family: str
    rate_gbps: float
    reach_m: float
    reach_ft: float
    source: str


def cable_reach(cable_type: str, rate_gbps: float) -> Reach:
    """Reach of a cable type ("12G SDI", "HDMI", "Cat6", "SMF") at a serial rate in Gb/s (e.g. 2.97 for
    3G-SDI, 17.82 for 2160p60 on HDMI 2.0). Raises CalcError on ``cable_type`` when the table has no figure for it and on
    ``rate_gbps`` when the rate is beyond every row of the family."""
    if not isinstance(cable_type, str) or not cable_type.strip():
        raise CalcError("cable_type", "must name a cable type such as 12G SDI, HDMI, Cat6, SMF")
    rate = _checks.positive("rate_gbps", rate_gbps)
    family = reach_family(cable_type)
    if family is None:
        raise CalcError(
            "cable_type",
            f"no reach figures for {cable_type!r}; known families: SDI coax, "
            "HDMI, DisplayPort, Cat/HDBaseT, single- and multimode fibre",
        )
    for limit, metres, source in REACH_TABLE[family]:
        if rate <= limit * (1 + 1e-9):
            return Reach(family, rate, metres, metres / M_PER_FOOT, source)
    top = REACH_TABLE[family][-1][0]
    raise CalcError("rate_gbps", f"{family} cable carries at most {top:g} Gb/s; {rate:g} Gb/s needs another link")


def sdi_reach(cable_type: str, level: str) -> Reach:
    """Reach of a cable type ("1694A coax") for an SDI level name ("3G-SDI")."""
    name = _checks.choice("level", level, SDI_RATE_GBPS)
    return cable_reach(cable_type, SDI_RATE_GBPS[name])


@dataclass(frozen=True)
class PathReach:
    """A path of cables joined by passive patch points, against reach.

    ``budget`` = sum(length / reach) over the segments (1 = exactly at reach); ``fits`` when it is
    at most 1. ``segments`` holds (cable type, length m, reach m, source).
    """

    rate_gbps: float
    total_m: float
    total_ft: float
    budget: float
    fits: bool
    patch_points: int
    too_many_patch_points: bool
    segments: tuple[tuple[str, float, float, str], ...]
    limiting_reach_m: float


def path_reach(segments: Iterable[tuple], rate_gbps: float) -> PathReach:  # type: ignore[type-arg]  # the calc API reads this annotation
    """Sum a run through passive patch points: ``segments`` are (cable type such as "SDI", length m)
    in order, e.g. [["SDI", 30], ["SDI", 40]]; the
    joints between them are the patch points. See the module text for the budget rule."""
    if isinstance(segments, (str, bytes)):
        raise CalcError("segments", "must be a list of (cable type, length m)")
    rate = _checks.positive("rate_gbps", rate_gbps)
    rows = []
    budget = 0.0
    total = 0.0
    for entry in segments:
        if not isinstance(entry, (tuple, list)) or len(entry) != 2:
            raise CalcError("segments", f"each segment is (cable type, length m), got {entry!r}")
        kind, length = entry
        metres = _checks.non_negative("segments", length)
        reach = cable_reach(str(kind), rate)
        rows.append((str(kind), metres, reach.reach_m, reach.source))
        budget += metres / reach.reach_m
        total += metres
    if not rows:
        raise CalcError("segments", "needs at least one segment")
    if total > MAX_PATH_M:
        raise CalcError("segments", f"a path of more than {MAX_PATH_M / 1000:g} km is not a cable run")
    joints = len(rows) - 1
    return PathReach(
        rate,
        total,
        total / M_PER_FOOT,
        budget,
        budget <= 1 + 1e-9,
        joints,
        joints > PATCH_POINTS_ALLOWED,
        tuple(rows),
        min(r[2] for r in rows),
    )
