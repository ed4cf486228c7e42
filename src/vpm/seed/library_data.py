"""The equipment library: equipment-library.json (290 specs with ports and cards) enriched with
the legacy spreadsheet's three reference libraries (LED tiles, LED processors, projectors),
which are also offered as extra port-less "ref-" specs.

Pure parsing: standard library only, no database, nothing else from vpm.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .reference_data import normalise_connector, shared_data_dir, slugify

__all__ = [
    "CATEGORY_MAP",
    "CSV_LIBRARIES",
    "CURATED_MATCHES",
    "CardRecord",
    "EQUIPMENT_CATEGORIES",
    "EnrichmentMatch",
    "PortRecord",
    "SPEC_NUMBER_FIELDS",
    "SpecRecord",
    "enrichment_matches",
    "load_equipment_library",
    "load_reference_libraries",
    "parse_native_res",
    "parse_throw_ratio",
]

#: One spec of equipment-library.json as parsed (camelCase keys, nested ports and cards).
RawSpec = dict[str, Any]

EQUIPMENT_CATEGORIES: tuple[str, ...] = (
    "CAMERA",
    "CCU",
    "CAM_SWITCHER",
    "VISION_SWITCHER",
    "ROUTER",
    "LED_PROCESSOR",
    "LED_TILE",
    "PROJECTOR",
    "LENS",
    "RECORDER",
    "MONITOR",
    "CONVERTER",
    "COMPUTER",
    "CABLE_SNAKE",
    "STREAM_ENCODER",
    "MEDIA_SERVER",
)
#: JSON category -> EQUIPMENT_CATEGORIES value.
CATEGORY_MAP: dict[str, str] = {
    "camera": "CAMERA",
    "ptz": "CAMERA",
    "ccu": "CCU",
    "cam-switcher": "CAM_SWITCHER",
    "vision-switcher": "VISION_SWITCHER",
    "router": "ROUTER",
    "led-processor": "LED_PROCESSOR",
    "led-tile": "LED_TILE",
    "projector": "PROJECTOR",
    "lens": "LENS",
    "recorder": "RECORDER",
    "monitor": "MONITOR",
    "converter": "CONVERTER",
    "computer": "COMPUTER",
    "cable-snake": "CABLE_SNAKE",
    "stream-encoder": "STREAM_ENCODER",
    "encoder": "STREAM_ENCODER",
    "media-server": "MEDIA_SERVER",
}
_IO_ARCHITECTURES = {"direct": "DIRECT", "card-based": "CARD_BASED"}

#: The typed number columns a spec may carry (SpecRecord.numbers holds only these keys, only
#: when known). One column per quantity whatever the category: a tile's or projector's size is
#: height/width/depth_mm, its native raster native_width/height_px, its maximum draw power_w.
SPEC_NUMBER_FIELDS: dict[str, type] = {
    # any category
    "height_mm": float,
    "width_mm": float,
    "depth_mm": float,
    "weight_kg": float,
    "power_w": float,
    "native_width_px": int,
    "native_height_px": int,
    # LED tile
    "pixel_pitch_mm": float,
    "max_hang": int,
    "max_stack": int,
    "power_connector": str,
    # LED tile and LED processor CSVs (their headers say 110v single phase / 220v three phase)
    "amps_110v": float,
    "amps_220v": float,
    # LED processor
    "max_width_px": int,
    "max_height_px": int,
    "max_pixels": int,
    "port_count": int,
    "pixels_per_port": int,
    "frame_rates": str,
    "input_list": str,
    # projector ("amps per leg", 120v single phase / 208v three phase)
    "lumens": int,
    "technology": str,
    "lens_mount": str,
    "laser_source": bool,
    "native_resolution_mode": str,
    "lens_compatibility": str,
    "amps_120v": float,
    "amps_208v": float,
    # lens (lens_mount shared with projector)
    "throw_ratio_min": float,
    "throw_ratio_max": float,
}


@dataclass(frozen=True)
class PortRecord:
    key: str  # JSON port id, unique within its spec (or card) and direction
    direction: str  # "in" | "out"
    connector: str  # normalise_connector(JSON type)
    label: str  # JSON label, or "Input n" / "Output n"
    format: str | None  # raw JSON format string
    index: int  # 1-based among the spec's (or card's) ports of that direction


@dataclass(frozen=True)
class CardRecord:
    key: str
    slot_number: int | None  # the slot it ships in (a default card); None: accepted, not fitted
    ports: tuple[PortRecord, ...]
    name: str = ""
    width: int = 1  # slots taken (2: double width)
    fits_slots: tuple[int, ...] = ()  # empty: any slot of its bank


@dataclass(frozen=True)
class SpecRecord:
    slug: str
    category: str
    manufacturer: str
    model: str
    io_architecture: str  # "DIRECT" | "CARD_BASED"
    card_slots: int | None
    format_by_io: bool
    is_secondary_device: bool
    device_formats: tuple[str, ...]
    ports: tuple[PortRecord, ...]  # inputs first, then outputs
    cards: tuple[CardRecord, ...]
    numbers: dict[str, float | int | str | None] = field(default_factory=dict, hash=False)
    compatible_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class EnrichmentMatch:
    slug: str  # the JSON spec
    csv_file: str  # e.g. "led-tile-data.csv"
    csv_full_name: str  # the CSV row's "Full name"
    rule: str  # "exact" (normalised manufacturer + model) or "curated"
    fields_filled: tuple[str, ...]
    conflicts: tuple[str, ...]  # "field: json X, csv Y" where both had a value (JSON kept)


# ------------------------------------------------------------------------------------------
# The spreadsheet's CSV libraries
# ------------------------------------------------------------------------------------------


def _hkey(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", header.casefold())


#: file -> (category, {normalised CSV header -> number field})
CSV_LIBRARIES: dict[str, tuple[str, dict[str, str]]] = {
    "led-tile-data.csv": (
        "LED_TILE",
        {
            "heightmm": "height_mm",
            "widthmm": "width_mm",
            "depthmm": "depth_mm",
            "widthpx": "native_width_px",
            "heightpx": "native_height_px",
            "weightkgs": "weight_kg",
            "maxhangcount": "max_hang",
            "maxstackcount": "max_stack",
            "powertype": "power_connector",
            "amps110v1": "amps_110v",
            "amps220v3": "amps_220v",
            "powerconsumptionw": "power_w",
        },
    ),
    "led-processor-data.csv": (
        "LED_PROCESSOR",
        {
            "maxwidthpx": "max_width_px",
            "maxheightpx": "max_height_px",
            "portcount": "port_count",
            "pixelsperport": "pixels_per_port",
            "totalpixels": "max_pixels",
            "inputslist": "input_list",
            "framerate": "frame_rates",
            "amps110v1": "amps_110v",
            "amps220v3": "amps_220v",
            "powerconsumptionw": "power_w",
        },
    ),
    "projector-data.csv": (
        "PROJECTOR",
        {
            "heightmm": "height_mm",
            "widthmm": "width_mm",
            "depthmm": "depth_mm",
            "widthpx": "native_width_px",
            "heightpx": "native_height_px",
            "nativeresolutionmode": "native_resolution_mode",
            "lenscompatibility": "lens_compatibility",
            "lumens": "lumens",
            "weightkgs": "weight_kg",
            "ampsperleg120v1": "amps_120v",
            "ampsperleg208v3": "amps_208v",
            "powerconsumptionw": "power_w",
        },
    ),
}
# Sections of the CSVs that are not products of the file's category: the projector file's
# Stumpfl screen/dress kits and its (brand-less) accessories.
_SKIPPED_SECTIONS = {"SCREENS", "PROJECTOR ACCESORIES", "PROJECTOR ACCESSORIES"}
# Rows that name a class of product, not a maker's product ("LED 2.6 500 x 500mm", "20K+ Projector").
_GENERIC_SECTIONS = {"PLACEHOLDERS"}
_GENERIC_BRANDS = {"led"}
_MISSING = {"", "#n/a", "n/a", "na", "-", "none"}


@dataclass(frozen=True)
class _CsvProduct:
    csv_file: str
    category: str
    full_name: str
    manufacturer: str
    model: str
    numbers: dict[str, Any]


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _typed(field_name: str, text: str) -> Any:
    text = _clean(text)
    if text.casefold() in _MISSING:
        return None
    typ = SPEC_NUMBER_FIELDS[field_name]
    if typ is str:
        if field_name == "lens_compatibility":
            return ";".join(p for p in (_clean(x) for x in text.split(";")) if p) or None
        return text
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return int(round(value)) if typ is int else value


_PITCH_IN_NAME = re.compile(r"(?<![\d.])(\d{1,2}\.\d{1,2})(?!\d)")


def _pixel_pitch(numbers: dict[str, Any], name: str) -> float | None:
    """Pitch from the tile's size in mm and pixels when they agree (also trying the mm columns
    swapped, as some CSV rows have them), else the first decimal number in its name ("PL2.9")."""
    wmm, hmm = numbers.get("width_mm"), numbers.get("height_mm")
    wpx, hpx = numbers.get("native_width_px"), numbers.get("native_height_px")
    if wmm and hmm and wpx and hpx:
        for a, b in ((wmm / wpx, hmm / hpx), (wmm / hpx, hmm / wpx)):
            if abs(a - b) <= 0.02 * max(a, b):
                return round(float(a), 2)
    elif wmm and wpx:
        return round(float(wmm / wpx), 2)
    elif hmm and hpx:
        return round(float(hmm / hpx), 2)
    match = _PITCH_IN_NAME.search(re.sub(r"\([^)]*\)", " ", name))
    if match and 0.5 <= float(match.group(1)) <= 40:
        return float(match.group(1))
    return None


def _ordered(numbers: dict[str, Any]) -> dict[str, Any]:
    return {k: numbers[k] for k in SPEC_NUMBER_FIELDS if numbers.get(k) is not None}


def _read_csv_library(path: Path, csv_file: str) -> list[_CsvProduct]:
    category, columns = CSV_LIBRARIES[csv_file]
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header_at = next((i for i, r in enumerate(rows) if r and _hkey(r[0]) == "fullname"), None)
    if header_at is None:
        raise ValueError(f"{path}: no 'Full name' header row")
    header = [_hkey(h) for h in rows[header_at]]
    products: list[_CsvProduct] = []
    section = ""
    for row in rows[header_at + 1 :]:
        cells = dict(zip(header, row))
        full_name, brand = _clean(cells.get("fullname")), _clean(cells.get("brand"))
        if group := re.fullmatch(r"-\s*(.*?)\s*-", full_name):  # group header " - BARCO -"
            section = group.group(1).upper()
            continue
        if not full_name or not brand or section in _SKIPPED_SECTIONS:
            continue  # blank brand rows, junk " ." rows
        numbers = {f: _typed(f, cells.get(h, "")) for h, f in columns.items()}
        if section in _GENERIC_SECTIONS or brand.casefold() in _GENERIC_BRANDS:
            manufacturer, model = "Generic", full_name
        else:
            manufacturer, model = brand, _clean(cells.get("product")) or full_name
        if category == "LED_TILE":
            numbers["pixel_pitch_mm"] = _pixel_pitch(numbers, model)
        products.append(_CsvProduct(csv_file, category, full_name, manufacturer, model, _ordered(numbers)))
    return products


def _load_csv_products(data_dir: Path) -> list[_CsvProduct]:
    products: list[_CsvProduct] = []
    for csv_file in CSV_LIBRARIES:
        if (data_dir / csv_file).is_file():
            products.extend(_read_csv_library(data_dir / csv_file, csv_file))
    return products


# ------------------------------------------------------------------------------------------
# Matching JSON specs to CSV rows
# ------------------------------------------------------------------------------------------

_CORPORATE_WORDS = {"visual", "technology", "technologies", "design", "communications", "inc", "ltd"}


def _maker_key(name: str) -> str:
    return "".join(w for w in re.findall(r"[a-z0-9]+", name.casefold()) if w not in _CORPORATE_WORDS)


def _model_key(name: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", name.casefold()).replace("*", " ")
    return re.sub(r"[\s\-_,/]+", "", text)


#: Matches decided by hand, where the names differ but the product is certainly the same:
#: JSON slug -> (CSV file, CSV "Full name"). Left out on purpose: ROE Black Pearl BP2 / BP2V2 vs
#: the CSV's "Black Pearl 2" (could be either), ROE Carbon CB8 vs four "CB 8.33" variants, NovaStar
#: VX1000 Pro vs "VX1000" (a different product), the CVT10-S/-M vs "CVT10"/"CVT10 PRO".
CURATED_MATCHES: dict[str, tuple[str, str]] = {
    # Tessera is Brompton's processing platform; SX40/S8/S4 are its processors.
    "brompton-tessera-sx40": ("led-processor-data.csv", "Brompton SX40"),
    "brompton-tessera-s8": ("led-processor-data.csv", "Brompton S8"),
    "brompton-tessera-s4": ("led-processor-data.csv", "Brompton S4"),
    # the CSV row's datasheet link is the MX40 Pro's; there is no plain MX40 in the JSON
    "novastar-mx40-pro": ("led-processor-data.csv", "Novastar MX40"),
    # CB5 comes in one pitch, 5.77 mm
    "roe-carbon-cb5": ("led-tile-data.csv", "Roe Carbon CB5 5.77"),
    # the M 4K25/4K15 are RGB laser projectors; "RGB" is part of the full model name
    "christie-m-4k25": ("projector-data.csv", "Christie M 4K25 RGB"),
    "christie-m-4k15": ("projector-data.csv", "Christie M 4K15 RGB"),
    # Panasonic's trailing "U" is the North-American model code of the same projector
    "panasonic-pt-rq35k": ("projector-data.csv", "Panasonic PT-RQ35KU"),
    "panasonic-pt-rz31k": ("projector-data.csv", "Panasonic PT-RZ31KU"),
    "panasonic-pt-rz21k": ("projector-data.csv", "Panasonic PT-RZ21KU"),
}


def _match(raw_specs: list[RawSpec], products: list[_CsvProduct]) -> dict[str, tuple[_CsvProduct, str]]:
    """JSON slug -> (CSV product, rule), only where one spec and one row pair up unambiguously."""
    by_key: dict[tuple[str, str, str], list[_CsvProduct]] = {}
    by_name: dict[tuple[str, str], _CsvProduct] = {}
    for p in products:
        by_key.setdefault((p.category, _maker_key(p.manufacturer), _model_key(p.model)), []).append(p)
        by_name[(p.csv_file, p.full_name)] = p
    found: dict[str, tuple[_CsvProduct, str]] = {}
    for raw in raw_specs:
        slug = raw["id"]
        category = CATEGORY_MAP.get(raw.get("category", ""))
        if category is None:
            continue  # a kind of gear the CSV libraries do not describe
        if slug in CURATED_MATCHES:
            product = by_name.get(CURATED_MATCHES[slug])
            if product is not None and product.category == category:
                found[slug] = (product, "curated")
            continue
        hits = by_key.get((category, _maker_key(raw["manufacturer"]), _model_key(raw["model"])), [])
        if len(hits) == 1:
            found[slug] = (hits[0], "exact")
    uses = Counter(id(p) for p, _ in found.values())
    return {slug: hit for slug, hit in found.items() if uses[id(hit[0])] == 1}


# ------------------------------------------------------------------------------------------
# The JSON library
# ------------------------------------------------------------------------------------------

_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*(?::\s*1)?\s*$")
_RES = re.compile(r"(\d{3,5})\s*[x\u00d7]\s*(\d{3,5})")


def parse_throw_ratio(text: str) -> tuple[float, float]:
    """ "1.22-1.53:1" -> (1.22, 1.53); "0.38:1" -> (0.38, 0.38). ValueError if malformed."""
    m = _RATIO.match(text or "")
    if not m:
        raise ValueError(f"unreadable throw ratio {text!r}")
    low = float(m.group(1))
    high = float(m.group(2)) if m.group(2) else low
    return (min(low, high), max(low, high))


def parse_native_res(text: str) -> tuple[int, int] | None:
    """ "WUXGA (1920x1200)" -> (1920, 1200); None when there is no WxH in the text."""
    m = _RES.search(text or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def _json_numbers(raw: RawSpec) -> dict[str, Any]:
    numbers: dict[str, Any] = {}
    for key, value in (raw.get("specs") or {}).items():
        if key == "compatibleWith":
            continue
        if key == "throwRatio":
            try:
                numbers["throw_ratio_min"], numbers["throw_ratio_max"] = parse_throw_ratio(str(value))
            except ValueError as exc:
                raise ValueError(f"spec {raw['id']!r}: {exc}") from None
        elif key == "nativeRes":
            res = parse_native_res(str(value))
            if res:
                numbers["native_width_px"], numbers["native_height_px"] = res
        elif key == "laserSource":
            numbers["laser_source"] = bool(value)
        else:
            name = {"lensMount": "lens_mount", "weightKg": "weight_kg"}.get(key, key)
            if name not in SPEC_NUMBER_FIELDS:
                raise ValueError(f"spec {raw['id']!r}: unknown specs key {key!r}")
            typ = SPEC_NUMBER_FIELDS[name]
            if typ is str:
                numbers[name] = str(value).strip()
            else:
                numbers[name] = int(round(float(value))) if typ is int else float(value)
    return numbers


def _ports(raw_ports: list[dict[str, Any]] | None, direction: str, owner: str) -> tuple[PortRecord, ...]:
    noun = "Input" if direction == "in" else "Output"
    used: set[str] = set()
    out: list[PortRecord] = []
    for index, p in enumerate(raw_ports or [], 1):
        base = str(p.get("id") or "").strip() or f"{direction}-{index}"
        key, n = base, 2
        while key in used:  # duplicate JSON id: "<id>-2", "<id>-3", ...
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        if not str(p.get("type") or "").strip():
            raise ValueError(f"{owner}: {noun.lower()} {index} ({base!r}) has no connector type")
        label = str(p.get("label") or "").strip() or f"{noun} {index}"
        fmt = str(p.get("format") or "").strip() or None
        out.append(PortRecord(key, direction, normalise_connector(str(p["type"])), label, fmt, index))
    return tuple(out)


def _cards(raw: RawSpec) -> tuple[CardRecord, ...]:
    slug, slots = raw["id"], raw.get("cardSlots")
    cards: list[CardRecord] = []
    for i, c in enumerate(raw.get("cards") or [], 1):
        slot = c.get("slotNumber")
        if not isinstance(slot, int) or slot < 1 or (slots and slot > slots):
            raise ValueError(f"spec {slug!r}: card {i} has bad slot number {slot!r} (card slots {slots})")
        key = str(c.get("id") or "").strip() or f"card-{slot}"
        owner = f"spec {slug!r} card {key!r}"
        ports = _ports(c.get("inputs"), "in", owner) + _ports(c.get("outputs"), "out", owner)
        cards.append(CardRecord(key, slot, ports))
    for what, values in (("slot number", [c.slot_number for c in cards]), ("card id", [c.key for c in cards])):
        dup = sorted({str(v) for v, n in Counter(values).items() if n > 1})
        if dup:
            raise ValueError(f"spec {slug!r}: duplicate {what}(s) {', '.join(dup)}")
    return tuple(cards)


def _validate(raw_specs: Any, source: Path) -> None:
    if not isinstance(raw_specs, list):
        raise ValueError(f"{source}: expected a JSON list of specs")
    for i, raw in enumerate(raw_specs):
        for key in ("id", "manufacturer", "model"):
            if not isinstance(raw, dict) or not str(raw.get(key) or "").strip():
                name = raw.get("id") if isinstance(raw, dict) else raw
                raise ValueError(f"{source}: spec #{i} ({name!r}) has no {key}")
        if raw.get("category") not in CATEGORY_MAP:
            raise ValueError(f"spec {raw['id']!r}: unknown category {raw.get('category')!r}")
        if raw.get("ioArchitecture", "direct") not in _IO_ARCHITECTURES:
            raise ValueError(f"spec {raw['id']!r}: unknown ioArchitecture {raw.get('ioArchitecture')!r}")
    dup = sorted(s for s, n in Counter(r["id"].strip() for r in raw_specs).items() if n > 1)
    if dup:
        raise ValueError(f"{source}: duplicate spec slugs: {', '.join(dup)}")
    slugs = {r["id"].strip() for r in raw_specs}
    for raw in raw_specs:
        missing = [s for s in (raw.get("specs") or {}).get("compatibleWith") or [] if s not in slugs]
        if missing:
            raise ValueError(f"spec {raw['id']!r}: compatibleWith names unknown specs {', '.join(missing)}")


def _read_json(path: Path) -> list[RawSpec]:
    with open(path, encoding="utf-8") as fh:
        raw_specs: list[RawSpec] = json.load(fh)
    _validate(raw_specs, path)
    for raw in raw_specs:
        raw["id"] = raw["id"].strip()
    return raw_specs


# Numbers that only make sense together: when the JSON and the CSV disagree on one of them, the
# CSV fills none of them (e.g. a CSV "UHD (WQUXGA)" mode must not land on a JSON 1920x1200 raster).
_GROUPS = (("native_width_px", "native_height_px", "native_resolution_mode"),)


def _merge(numbers: dict[str, Any], product: _CsvProduct) -> tuple[dict[str, Any], list[str], list[str]]:
    """JSON numbers win; the CSV fills the gaps. Returns (merged, filled keys, conflicts)."""
    merged, filled, conflicts = dict(numbers), [], []
    blocked: set[str] = set()
    for group in _GROUPS:
        if any(merged.get(k) is not None and product.numbers.get(k) not in (None, merged[k]) for k in group):
            blocked.update(group)
    for key, value in product.numbers.items():
        if key in blocked and merged.get(key) is None:
            continue
        if merged.get(key) is None:
            merged[key] = value
            filled.append(key)
        elif merged[key] != value and key != "pixel_pitch_mm":
            conflicts.append(f"{key}: json {merged[key]!r}, csv {value!r}")
    return merged, filled, conflicts


def _library_paths(path: str | Path | None, data_dir: str | Path | None) -> tuple[Path, Path]:
    if path is None:
        base = Path(data_dir) if data_dir is not None else shared_data_dir()
        return base / "equipment-library.json", base
    path = Path(path)
    return path, Path(data_dir) if data_dir is not None else path.parent


def _build(raw: RawSpec, hit: tuple[_CsvProduct, str] | None) -> SpecRecord:
    slug = raw["id"]
    category = CATEGORY_MAP[raw["category"]]
    numbers = _json_numbers(raw)
    if hit is not None:
        numbers = _merge(numbers, hit[0])[0]
    if category == "LED_TILE" and numbers.get("pixel_pitch_mm") is None:
        numbers["pixel_pitch_mm"] = _pixel_pitch(numbers, raw["model"])
    card_slots = raw.get("cardSlots")
    owner = f"spec {slug!r}"
    return SpecRecord(
        slug=slug,
        category=category,
        manufacturer=raw["manufacturer"].strip(),
        model=raw["model"].strip(),
        io_architecture=_IO_ARCHITECTURES[raw.get("ioArchitecture", "direct")],
        card_slots=int(card_slots) if card_slots is not None else None,
        format_by_io=bool(raw.get("formatByIO", False)),
        is_secondary_device=bool(raw.get("isSecondaryDevice", False)),
        device_formats=tuple(dict.fromkeys(f.strip() for f in raw.get("deviceFormats") or [] if f.strip())),
        ports=_ports(raw.get("inputs"), "in", owner) + _ports(raw.get("outputs"), "out", owner),
        cards=_cards(raw),
        numbers=_ordered(numbers),
        compatible_with=tuple((raw.get("specs") or {}).get("compatibleWith") or ()),
    )


def load_equipment_library(
    path: str | Path | None = None, *, data_dir: str | Path | None = None
) -> Iterator[SpecRecord]:
    """Stream the JSON library's specs, enriched from the CSV libraries found in ``data_dir``
    (default: the JSON's folder; a missing CSV simply enriches nothing).

    Before the first record: required fields, unique slugs, known categories and architectures,
    lens compatibleWith references. While building each record: its ports, cards and numbers
    (ValueError naming the spec). Records are built one at a time.
    """
    json_path, csv_dir = _library_paths(path, data_dir)
    raw_specs = _read_json(json_path)
    matches = _match(raw_specs, _load_csv_products(csv_dir))
    for raw in raw_specs:
        yield _build(raw, matches.get(raw["id"]))


def enrichment_matches(path: str | Path | None = None, *, data_dir: str | Path | None = None) -> list[EnrichmentMatch]:
    """Which JSON specs load_equipment_library() enriches from which CSV rows, in JSON order."""
    json_path, csv_dir = _library_paths(path, data_dir)
    raw_specs = _read_json(json_path)
    matches = _match(raw_specs, _load_csv_products(csv_dir))
    report = []
    for raw in raw_specs:
        if raw["id"] in matches:
            product, rule = matches[raw["id"]]
            _, filled, conflicts = _merge(_json_numbers(raw), product)
            report.append(
                EnrichmentMatch(raw["id"], product.csv_file, product.full_name, rule, tuple(filled), tuple(conflicts))
            )
    return report


def load_reference_libraries(data_dir: str | Path | None = None) -> Iterator[SpecRecord]:
    """The spreadsheet's LED tile, LED processor and projector libraries as port-less specs
    ("ref-" + slugified full name), minus the rows merged into a JSON spec by the enrichment.

    Skipped: group headers (" - BARCO -"), rows without a name or brand, the projector file's
    screen and accessory sections. Placeholder rows ("20K+ Projector", "LED 2.6 500 x 500mm") get
    manufacturer "Generic"; a maker the JSON also has is spelled as the JSON spells it.
    """
    base = Path(data_dir) if data_dir is not None else shared_data_dir()
    products = _load_csv_products(base)
    library = base / "equipment-library.json"
    raw_specs = _read_json(library) if library.is_file() else []
    merged = {id(p) for p, _ in _match(raw_specs, products).values()}
    kept = [p for p in products if id(p) not in merged]
    slugs = [f"ref-{slugify(p.full_name)}" for p in kept]
    dup = sorted(s for s, n in Counter(slugs).items() if n > 1)
    dup += sorted(set(slugs) & {r["id"] for r in raw_specs})
    if dup:
        raise ValueError(f"duplicate reference library slugs: {', '.join(dup)}")
    # spell makers as the JSON library does ("Roe" -> "ROE Visual", "Novastar" -> "NovaStar")
    spelling = {_maker_key(r["manufacturer"]): r["manufacturer"].strip() for r in raw_specs}
    for slug, p in zip(slugs, kept):
        yield SpecRecord(
            slug=slug,
            category=p.category,
            model=p.model,
            manufacturer=spelling.get(_maker_key(p.manufacturer), p.manufacturer),
            io_architecture="DIRECT",
            card_slots=None,
            format_by_io=False,
            is_secondary_device=False,
            device_formats=(),
            ports=(),
            cards=(),
            numbers=dict(p.numbers),
            compatible_with=(),
        )
