"""Reference data that is not the equipment library: where the shared data lives, the connector
vocabulary, the default pick-lists, the 37 system video formats and the default checklist.

Pure parsing and constants: standard library only, no database, nothing else from vpm.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BLANKINGS",
    "CHECKLIST_CATEGORIES",
    "CONNECTOR_ALIASES",
    "CONNECTOR_FAMILIES",
    "CONNECTOR_FAMILY_NAMES",
    "CONNECTOR_TYPES",
    "CANONICAL_CONNECTORS",
    "ChecklistTemplateItem",
    "FRAME_RATES",
    "FormatRecord",
    "RESOLUTION_PRESETS",
    "SOURCE_TYPES",
    "SYSTEM_FORMATS",
    "connector_family",
    "format_key",
    "load_checklist_template",
    "normalise_connector",
    "shared_data_dir",
    "slugify",
]

# --------------------------------------------------------------------------------------------
# Where the shared data lives
# --------------------------------------------------------------------------------------------

_FALLBACK_DATA_DIR = Path("/work/shared/data")


def _repo_root() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    return None


def shared_data_dir() -> Path:
    """The folder holding equipment-library.json and the spreadsheet's CSV libraries.

    ``$VPM_SHARED_DATA`` if set; else the first existing of ``<repo root>/../shared/data`` and
    ``/work/shared/data``. Raises FileNotFoundError naming every place it looked.
    """
    env = os.environ.get("VPM_SHARED_DATA")
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise FileNotFoundError(f"VPM_SHARED_DATA={env!r} is not a directory")
        return path
    candidates = []
    root = _repo_root()
    if root is not None:
        candidates.append(root.parent / "shared" / "data")
    candidates.append(_FALLBACK_DATA_DIR)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(
        f"shared data folder not found (tried {tried}); set VPM_SHARED_DATA to the folder "
        "holding equipment-library.json"
    )


def slugify(text: str) -> str:
    """Lower-case ASCII slug: runs of anything but letters/digits become one dash."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


# --------------------------------------------------------------------------------------------
# Connector vocabulary
# --------------------------------------------------------------------------------------------

# One canonical spelling per physical connector or signal. Keys are every spelling seen in the
# equipment library JSON (port "type"), the old Settings pick-list and the LED processor CSV's
# "Inputs List"; lookup ignores case, spaces, dashes and underscores. Choices:
#  * plain JSON "SDI" stays the generic "SDI": the data does not say the rate, so none is invented;
#    "HD-SDI" exists for when it is known.
#  * "Ethernet" is the one name for RJ45 networking ("Network (RJ45)", "NETWORK (RJ45)", "RJ45").
#  * "Reference (BNC)" for "Reference", "BNC REF" and the like.
#  * versions are kept ("HDMI 2.0", "DisplayPort 1.2"); connector_family() gives the base.
#  * "Headphone" is a 3.5mm jack (every such JSON port is labelled "Headphone (3.5mm)").
# Unknown spellings pass through, stripped.
CONNECTOR_ALIASES: dict[str, str] = {
    "12G-SDI": "12G-SDI",
    "6G-SDI": "6G-SDI",
    "3G-SDI": "3G-SDI",
    "HD-SDI": "HD-SDI",
    "1.5G-SDI": "HD-SDI",
    "SDI": "SDI",
    "HDMI": "HDMI",
    "HDMI 1.4": "HDMI 1.4",
    "HDMI 2.0": "HDMI 2.0",
    "HDMI 2.1": "HDMI 2.1",
    "DisplayPort": "DisplayPort",
    "DP": "DisplayPort",
    "DP 1.1": "DisplayPort 1.1",
    "DisplayPort 1.1": "DisplayPort 1.1",
    "DP 1.2": "DisplayPort 1.2",
    "DisplayPort 1.2": "DisplayPort 1.2",
    "DP 1.4": "DisplayPort 1.4",
    "DisplayPort 1.4": "DisplayPort 1.4",
    "USB-C": "USB-C",
    "Type-C": "USB-C",
    "USB": "USB",
    "Ethernet": "Ethernet",
    "Network (RJ45)": "Ethernet",
    "Network": "Ethernet",
    "RJ45": "Ethernet",
    "RJ45 Ethernet": "Ethernet",
    "LAN": "Ethernet",
    "NDI": "NDI",
    "IP": "IP",
    "IP Stream": "IP",
    "SMPTE Fiber": "SMPTE Fiber",
    "SMPTE Fibre": "SMPTE Fiber",
    "SFP": "SFP",
    "SFP Optical": "SFP",
    "SFP+": "SFP",
    "LC - FIBER (SM)": "LC Fiber (SM)",
    "ST - FIBER (SM)": "ST Fiber (SM)",
    "SC - FIBER (SM)": "SC Fiber (SM)",
    "LC - FIBER (MM)": "LC Fiber (MM)",
    "ST - FIBER (MM)": "ST Fiber (MM)",
    "SC - FIBER (MM)": "SC Fiber (MM)",
    "OPTICON DUO": "opticalCON DUO",
    "opticalCON DUO": "opticalCON DUO",
    "OPTICON QUAD": "opticalCON QUAD",
    "opticalCON QUAD": "opticalCON QUAD",
    "Reference (BNC)": "Reference (BNC)",
    "Reference": "Reference (BNC)",
    "BNC REF": "Reference (BNC)",
    "REF": "Reference (BNC)",
    "Genlock": "Reference (BNC)",
    "XLR": "XLR",
    "Mini XLR": "Mini XLR",
    "TRS": "TRS",
    "RCA": "RCA",
    "3.5mm": "3.5mm",
    "Headphone": "3.5mm",
    "Power": "Power",
    "DMX": "DMX",
    "SD Card": "SD Card",
}

#: Canonical connector -> family. Families: SDI, HDMI, DP, USB, FIBER, ETHERNET (including the
#: IP video signals NDI and "IP", which leave by RJ45), REF, AUDIO, POWER, OTHER.
CONNECTOR_FAMILIES: dict[str, str] = {
    "12G-SDI": "SDI",
    "6G-SDI": "SDI",
    "3G-SDI": "SDI",
    "HD-SDI": "SDI",
    "SDI": "SDI",
    "HDMI": "HDMI",
    "HDMI 1.4": "HDMI",
    "HDMI 2.0": "HDMI",
    "HDMI 2.1": "HDMI",
    "DisplayPort": "DP",
    "DisplayPort 1.1": "DP",
    "DisplayPort 1.2": "DP",
    "DisplayPort 1.4": "DP",
    "USB-C": "USB",
    "USB": "USB",
    "Ethernet": "ETHERNET",
    "NDI": "ETHERNET",
    "IP": "ETHERNET",
    "SMPTE Fiber": "FIBER",
    "SFP": "FIBER",
    "opticalCON DUO": "FIBER",
    "opticalCON QUAD": "FIBER",
    "LC Fiber (SM)": "FIBER",
    "ST Fiber (SM)": "FIBER",
    "SC Fiber (SM)": "FIBER",
    "LC Fiber (MM)": "FIBER",
    "ST Fiber (MM)": "FIBER",
    "SC Fiber (MM)": "FIBER",
    "Reference (BNC)": "REF",
    "XLR": "AUDIO",
    "Mini XLR": "AUDIO",
    "TRS": "AUDIO",
    "RCA": "AUDIO",
    "3.5mm": "AUDIO",
    "Power": "POWER",
    "DMX": "OTHER",
    "SD Card": "OTHER",
}
CANONICAL_CONNECTORS: tuple[str, ...] = tuple(CONNECTOR_FAMILIES)
CONNECTOR_FAMILY_NAMES: tuple[str, ...] = (
    "SDI",
    "HDMI",
    "DP",
    "USB",
    "FIBER",
    "ETHERNET",
    "REF",
    "AUDIO",
    "POWER",
    "OTHER",
)

_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"})


def _connector_key(text: str) -> str:
    return re.sub(r"[\s\-_]+", "", text.translate(_DASHES).casefold())


_CONNECTOR_LOOKUP: dict[str, str] = {_connector_key(k): v for k, v in CONNECTOR_ALIASES.items()}


def normalise_connector(raw: str) -> str:
    """The canonical spelling of a connector name; unknown names come back stripped."""
    text = " ".join((raw or "").translate(_DASHES).split())
    return _CONNECTOR_LOOKUP.get(_connector_key(text), text)


# Fallback for names outside the table (user-typed): first matching pattern wins.
_FAMILY_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"sdi", "SDI"),
    (r"hdmi", "HDMI"),
    (r"displayport|\bdp\b", "DP"),
    (r"fib(er|re)|optic|\bsfp", "FIBER"),
    (r"ethernet|rj ?45|network|\bndi\b|\bip\b", "ETHERNET"),
    (r"\bref|genlock|tri-?level|black ?burst", "REF"),
    (r"usb", "USB"),
    (r"xlr|\btrs\b|\brca\b|3\.5|audio|headphone", "AUDIO"),
    (r"power|powercon|true-?1|iec", "POWER"),
)


def connector_family(name: str) -> str:
    """Coarse family of a connector name in any spelling (see CONNECTOR_FAMILY_NAMES)."""
    canonical = normalise_connector(name)
    if canonical in CONNECTOR_FAMILIES:
        return CONNECTOR_FAMILIES[canonical]
    low = canonical.casefold()
    for pattern, family in _FAMILY_PATTERNS:
        if re.search(pattern, low):
            return family
    return "OTHER"


# --------------------------------------------------------------------------------------------
# Default pick-lists (inventory 4.3)
# --------------------------------------------------------------------------------------------

_OLD_CONNECTOR_PICK_LIST = (
    "HDMI 1.4",
    "HDMI 2.0",
    "HDMI 2.1",
    "3G-SDI",
    "6G-SDI",
    "12G-SDI",
    "BNC REF",
    "DP 1.1",
    "DP 1.2",
    "DP 1.4",
    "NDI",
    "USB-C",
    "NETWORK (RJ45)",
    "OPTICON DUO",
    "OPTICON QUAD",
    "SMPTE FIBER",
    "LC - FIBER (SM)",
    "ST - FIBER (SM)",
    "SC - FIBER (SM)",
    "LC - FIBER (MM)",
    "ST - FIBER (MM)",
    "SC - FIBER (MM)",
    "XLR",
    "DMX",
)
#: The old app's 24 Settings connector types, in its order, spelled canonically (so a pick-list
#: value and a library port compare equal without translation).
CONNECTOR_TYPES: tuple[str, ...] = tuple(normalise_connector(c) for c in _OLD_CONNECTOR_PICK_LIST)

#: One source-type list: the 11 computer types (spelled exactly as the library's COMPUTER specs'
#: models, "Mac" not "MAC") followed by the seed's generic types. The old app's two lists disagreed.
SOURCE_TYPES: tuple[str, ...] = (
    "Laptop - PC MISC",
    "Laptop - PC GFX",
    "Laptop - PC WIDE",
    "Laptop - Mac MISC",
    "Laptop - Mac GFX",
    "Desktop - PC MISC",
    "Desktop - PC GFX",
    "Desktop - PC SERVER",
    "Desktop - Mac MISC",
    "Desktop - Mac GFX",
    "Desktop - Mac SERVER",
    "LAPTOP",
    "CAM",
    "SERVER",
    "PLAYBACK",
    "GRAPHICS",
    "PTZ",
    "ROBO",
    "OTHER",
)

FRAME_RATES: tuple[str, ...] = ("60", "59.94", "50", "30", "29.97", "25", "24", "23.98")

RESOLUTION_PRESETS: tuple[str, ...] = (
    "8192 x 1080",
    "7680 x 1080",
    "4096 x 2160",
    "3840 x 2160",
    "3840 x 1080",
    "3240 x 1080",
    "1920 x 1200",
    "1920 x 1080",
    "1280 x 720",
)

# --------------------------------------------------------------------------------------------
# System video formats (inventory 4.2): 37 presets
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormatRecord:
    key: str  # canonical id, "<H> x <V> @ <rate>[i][ [RBvN]]"
    h_res: int
    v_res: int
    frame_rate: float  # numeric rate as labelled (23.976 for "23.98"); field rate when interlaced
    rate_label: str  # "23.98", "59.94", "60"
    interlaced: bool
    blanking: str  # "NONE" | "RBv1" | "RBv2" | "RBv3"


BLANKINGS = ("NONE", "RBv1", "RBv2", "RBv3")
_RATE_VALUES: dict[str, float] = {
    "23.98": 23.976,
    "24": 24.0,
    "25": 25.0,
    "29.97": 29.97,
    "30": 30.0,
    "50": 50.0,
    "59.94": 59.94,
    "60": 60.0,
}


def format_key(h_res: int, v_res: int, rate_label: str, interlaced: bool = False, blanking: str = "NONE") -> str:
    """The canonical format id, e.g. "1920 x 1080 @ 59.94i" or "3840 x 2160 @ 60 [RBv2]"."""
    if blanking not in BLANKINGS:
        raise ValueError(f"unknown blanking {blanking!r}")
    key = f"{h_res} x {v_res} @ {rate_label}{'i' if interlaced else ''}"
    return key if blanking == "NONE" else f"{key} [{blanking}]"


def _fmt(h: int, v: int, label: str, interlaced: bool = False, blanking: str = "NONE") -> FormatRecord:
    return FormatRecord(
        format_key(h, v, label, interlaced, blanking), h, v, _RATE_VALUES[label], label, interlaced, blanking
    )


_ALL_RATES = ("23.98", "24", "25", "29.97", "30", "50", "59.94", "60")
SYSTEM_FORMATS: tuple[FormatRecord, ...] = (
    _fmt(720, 480, "59.94", True),
    _fmt(720, 576, "50", True),
    *(_fmt(1280, 720, r) for r in ("50", "59.94", "60")),
    *(_fmt(1920, 1080, r, True) for r in ("50", "59.94", "60")),
    *(_fmt(1920, 1080, r) for r in _ALL_RATES),
    *(_fmt(1920, 1080, r, False, "RBv1") for r in ("59.94", "60")),
    *(_fmt(3840, 2160, r) for r in _ALL_RATES),
    *(_fmt(3840, 2160, r, False, "RBv2") for r in ("50", "59.94", "60")),
    *(_fmt(4096, 2160, r) for r in _ALL_RATES),
)

# --------------------------------------------------------------------------------------------
# Default checklist (inventory 4.5), parsed from checklist-template.csv
# --------------------------------------------------------------------------------------------

CHECKLIST_CATEGORIES: tuple[str, ...] = (
    "SCREENS",
    "SWITCH",
    "IMAG",
    "MEDIA_SERVERS",
    "SOURCES",
    "DESTINATIONS",
    "DISPLAYS",
    "OUTSIDE_VENDORS",
    "DOCUMENTATION",
)


@dataclass(frozen=True)
class ChecklistTemplateItem:
    category: str  # upper snake case, one of CHECKLIST_CATEGORIES
    title: str
    days_before_show: int
    sort_order: int  # 1-based position within its category, in CSV order


def _category_key(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


def load_checklist_template(path: str | Path | None = None) -> list[ChecklistTemplateItem]:
    """The default checklist: a grid of (title, days) column pairs under a category header row.

    The NOTES column is a label list, not items, and is skipped; so are blank cells and the
    separator rows "-", "--", "---". The CSV is the truth (it files "Processing Plan" under SCREENS).
    """
    path = Path(path) if path is not None else shared_data_dir() / "checklist-template.csv"
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header_at = next((i for i, r in enumerate(rows) if r and r[0].strip().upper() == "SCREENS"), None)
    if header_at is None:
        raise ValueError(f"{path}: no category header row (starting with SCREENS)")
    header = rows[header_at]
    columns: list[tuple[int, str]] = []
    for col in range(0, len(header), 2):
        name = header[col].strip()
        if name and name.upper() != "NOTES":
            columns.append((col, _category_key(name)))
    items: list[ChecklistTemplateItem] = []
    for col, category in columns:
        order = 0
        for row in rows[header_at + 1 :]:
            title = " ".join(row[col].split()) if col < len(row) else ""
            if not title or re.fullmatch(r"-+", title):
                continue
            days_text = row[col + 1].strip() if col + 1 < len(row) else ""
            try:
                days = int(float(days_text))
            except ValueError:
                raise ValueError(f"{path}: checklist item {category}/{title!r} has no days value") from None
            order += 1
            items.append(ChecklistTemplateItem(category, title, days, order))
    return items
