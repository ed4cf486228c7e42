"""Seed data parsing (vpm.seed.data): the equipment library, its enrichment from the
spreadsheet's CSV libraries, the reference libraries, the checklist, formats and pick-lists."""

from __future__ import annotations

import csv
import inspect
import json
import re
import shutil
import tracemalloc
from collections import Counter

import pytest

from vpm.seed import data as sd
from vpm.seed.data import (
    CONNECTOR_FAMILIES,
    CONNECTOR_TYPES,
    EQUIPMENT_CATEGORIES,
    SPEC_NUMBER_FIELDS,
    SYSTEM_FORMATS,
    SpecRecord,
    connector_family,
    normalise_connector,
)

DATA = sd.shared_data_dir()


@pytest.fixture(scope="module")
def raw_json() -> list[dict]:
    return json.loads((DATA / "equipment-library.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def specs() -> list[SpecRecord]:
    return list(sd.load_equipment_library())


@pytest.fixture(scope="module")
def by_slug(specs) -> dict[str, SpecRecord]:
    return {s.slug: s for s in specs}


@pytest.fixture(scope="module")
def refs() -> list[SpecRecord]:
    return list(sd.load_reference_libraries())


def _all_ports(spec: SpecRecord):
    yield from spec.ports
    for card in spec.cards:
        yield from card.ports


# ---------------------------------------------------------------------------- data folder


def test_shared_data_dir_env_and_errors(monkeypatch, tmp_path):
    monkeypatch.setenv("VPM_SHARED_DATA", str(tmp_path))
    assert sd.shared_data_dir() == tmp_path
    monkeypatch.setenv("VPM_SHARED_DATA", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="VPM_SHARED_DATA"):
        sd.shared_data_dir()
    monkeypatch.delenv("VPM_SHARED_DATA")
    assert (sd.shared_data_dir() / "equipment-library.json").is_file()


# ---------------------------------------------------------------------------- library: counts


def test_library_has_all_290_specs_with_the_json_category_counts(specs, raw_json):
    assert len(specs) == len(raw_json) == 290
    json_counts = Counter(r["category"] for r in raw_json)
    assert json_counts == {
        "monitor": 97,
        "led-tile": 30,
        "router": 26,
        "lens": 26,
        "led-processor": 23,
        "recorder": 15,
        "projector": 14,
        "cam-switcher": 13,
        "vision-switcher": 11,
        "computer": 11,
        "ptz": 7,
        "converter": 6,
        "stream-encoder": 5,
        "ccu": 3,
        "camera": 3,
    }
    assert Counter(s.category for s in specs) == {
        "MONITOR": 97,
        "LED_TILE": 30,
        "ROUTER": 26,
        "LENS": 26,
        "LED_PROCESSOR": 23,
        "RECORDER": 15,
        "PROJECTOR": 14,
        "CAM_SWITCHER": 13,
        "VISION_SWITCHER": 11,
        "COMPUTER": 11,
        "CAMERA": 10,
        "CONVERTER": 6,
        "STREAM_ENCODER": 5,
        "CCU": 3,
    }
    assert {s.category for s in specs} <= set(EQUIPMENT_CATEGORIES)
    assert [s.slug for s in specs] == [r["id"] for r in raw_json]


def test_total_port_count_equals_the_json(specs, raw_json):
    def count(d):
        return len(d.get("inputs") or []) + len(d.get("outputs") or [])

    expected = sum(count(r) + sum(count(c) for c in r.get("cards") or []) for r in raw_json)
    assert expected == 2503
    assert sum(1 for s in specs for _ in _all_ports(s)) == expected
    assert sum(len(s.ports) for s in specs) == 2503 - 12  # 12 ports sit on cards


def test_ports_are_indexed_labelled_and_unique(specs, by_slug):
    for spec in specs:
        owners = [spec.ports] + [c.ports for c in spec.cards]
        for ports in owners:
            for direction in ("in", "out"):
                mine = [p for p in ports if p.direction == direction]
                assert [p.index for p in mine] == list(range(1, len(mine) + 1)), spec.slug
                assert len({p.key for p in mine}) == len(mine), spec.slug
                assert all(p.label and p.connector for p in mine)
    hdcu = by_slug["sony-hdcu-5500"]
    assert [(p.key, p.direction, p.connector, p.format) for p in hdcu.ports[:3]] == [
        ("fiber-1", "in", "SMPTE Fiber", None),
        ("ref-1", "in", "Reference (BNC)", None),
        ("sdi-1", "out", "SDI", "1080i59.94"),
    ]


def test_card_based_specs(specs, by_slug):
    card_based = [s for s in specs if s.io_architecture == "CARD_BASED"]
    assert len(card_based) == 10 and all(s.card_slots for s in card_based)
    assert all(not s.ports for s in card_based)
    korona = by_slug["grass-valley-korona-k-frame"]
    assert korona.card_slots == 20
    cards = [(c.key, c.slot_number, len(c.ports)) for c in korona.cards]
    assert cards == [("card-1", 1, 4), ("card-2", 2, 4)]
    assert [p.index for p in korona.cards[1].ports] == [1, 2, 3, 4]
    for s in specs:
        assert len({c.slot_number for c in s.cards}) == len(s.cards)


def test_flags_formats_and_lenses(specs, by_slug):
    lenses = [s for s in specs if s.category == "LENS"]
    assert all(s.is_secondary_device for s in lenses)
    assert sum(s.is_secondary_device for s in specs) == 26
    projector_slugs = {s.slug for s in specs if s.category == "PROJECTOR"}
    for lens in lenses:
        n = lens.numbers
        assert 0 < n["throw_ratio_min"] <= n["throw_ratio_max"] < 20 and n["lens_mount"]
        assert lens.compatible_with and set(lens.compatible_with) <= projector_slugs
    assert by_slug["barco-tld-plus-122-153"].numbers["throw_ratio_min"] == 1.22
    assert by_slug["barco-tld-plus-122-153"].numbers["throw_ratio_max"] == 1.53
    assert by_slug["barco-tld-plus-038"].numbers["throw_ratio_min"] == 0.38
    assert by_slug["barco-tld-plus-038"].numbers["throw_ratio_max"] == 0.38
    assert by_slug["sony-hdcu-5500"].device_formats[:2] == ("1080i59.94", "1080i60")
    assert by_slug["pc-laptop-misc"].device_formats == () and not by_slug["pc-laptop-misc"].format_by_io


def test_parsers():
    assert sd.parse_throw_ratio("1.22-1.53:1") == (1.22, 1.53)
    assert sd.parse_throw_ratio("0.38:1") == (0.38, 0.38)
    assert sd.parse_throw_ratio("2.90 - 5.50 : 1") == (2.9, 5.5)
    with pytest.raises(ValueError):
        sd.parse_throw_ratio("wide")
    assert sd.parse_native_res("WUXGA (1920x1200)") == (1920, 1200)
    assert sd.parse_native_res("4K (4096x2160)") == (4096, 2160)
    assert sd.parse_native_res("4K") is None


def test_numbers_use_only_declared_fields_with_their_types(specs, refs):
    assert len(SPEC_NUMBER_FIELDS) == 30
    assert all(re.fullmatch(r"[a-z0-9_]+", k) for k in SPEC_NUMBER_FIELDS)
    for spec in specs + refs:
        for key, value in spec.numbers.items():
            typ = SPEC_NUMBER_FIELDS[key]
            assert value is not None
            if typ is bool:
                assert type(value) is bool, (spec.slug, key)
            elif typ is int:
                assert type(value) is int, (spec.slug, key)
            else:
                assert isinstance(value, typ), (spec.slug, key, value)
        assert list(spec.numbers) == [k for k in SPEC_NUMBER_FIELDS if k in spec.numbers]
    udx = next(s for s in specs if s.slug == "barco-udx-4k35")
    assert udx.numbers == {
        "weight_kg": 68.0,
        "native_width_px": 4096,
        "native_height_px": 2160,
        "lumens": 35000,
        "technology": "3-chip DLP laser",
        "lens_mount": "Barco TLD+",
        "laser_source": True,
    }


# ---------------------------------------------------------------------------- connectors


@pytest.mark.parametrize(
    "raw, canonical, family",
    [
        ("12G-SDI", "12G-SDI", "SDI"),
        ("12G SDI", "12G-SDI", "SDI"),
        ("3G SDI", "3G-SDI", "SDI"),
        ("6G-SDI", "6G-SDI", "SDI"),
        ("SDI", "SDI", "SDI"),
        ("HD-SDI", "HD-SDI", "SDI"),
        ("HDMI", "HDMI", "HDMI"),
        ("HDMI 2.0", "HDMI 2.0", "HDMI"),
        ("hdmi 1.4", "HDMI 1.4", "HDMI"),
        ("DisplayPort", "DisplayPort", "DP"),
        ("DP 1.2", "DisplayPort 1.2", "DP"),
        ("DP", "DisplayPort", "DP"),
        ("Ethernet", "Ethernet", "ETHERNET"),
        ("Network (RJ45)", "Ethernet", "ETHERNET"),
        ("NETWORK (RJ45)", "Ethernet", "ETHERNET"),
        ("NDI", "NDI", "ETHERNET"),
        ("IP", "IP", "ETHERNET"),
        ("SMPTE Fiber", "SMPTE Fiber", "FIBER"),
        ("SMPTE FIBER", "SMPTE Fiber", "FIBER"),
        ("SFP Optical", "SFP", "FIBER"),
        ("LC - FIBER (SM)", "LC Fiber (SM)", "FIBER"),
        ("OPTICON QUAD", "opticalCON QUAD", "FIBER"),
        ("Reference", "Reference (BNC)", "REF"),
        ("Reference (BNC)", "Reference (BNC)", "REF"),
        ("BNC REF", "Reference (BNC)", "REF"),
        ("USB-C", "USB-C", "USB"),
        ("USB\u2011C", "USB-C", "USB"),
        ("USB", "USB", "USB"),
        ("XLR", "XLR", "AUDIO"),
        ("Mini XLR", "Mini XLR", "AUDIO"),
        ("Headphone", "3.5mm", "AUDIO"),
        ("Power", "Power", "POWER"),
        ("DMX", "DMX", "OTHER"),
        ("SD Card", "SD Card", "OTHER"),
        ("  Weird  Thing ", "Weird Thing", "OTHER"),
        ("HDMI 2.1a", "HDMI 2.1a", "HDMI"),
        ("Quad-link 12G SDI", "Quad-link 12G SDI", "SDI"),
    ],
)
def test_connector_normalisation(raw, canonical, family):
    assert normalise_connector(raw) == canonical
    assert connector_family(raw) == family
    assert normalise_connector(canonical) == canonical


def test_every_library_port_uses_the_canonical_vocabulary(specs):
    connectors = Counter(p.connector for s in specs for p in _all_ports(s))
    assert set(connectors) <= set(CONNECTOR_FAMILIES)
    assert connectors["Ethernet"] == 146 + 85  # "Ethernet" + "Network (RJ45)"
    assert connectors["Reference (BNC)"] == 6 + 2  # "Reference" + "Reference (BNC)"
    assert connectors["12G-SDI"] == 857
    assert connectors["SDI"] == 168  # generic SDI stays generic


def test_connector_pick_list():
    assert len(CONNECTOR_TYPES) == len(set(CONNECTOR_TYPES)) == 24
    assert all(c in CONNECTOR_FAMILIES for c in CONNECTOR_TYPES)
    assert CONNECTOR_TYPES[:7] == (
        "HDMI 1.4",
        "HDMI 2.0",
        "HDMI 2.1",
        "3G-SDI",
        "6G-SDI",
        "12G-SDI",
        "Reference (BNC)",
    )
    assert "Ethernet" in CONNECTOR_TYPES and "SMPTE Fiber" in CONNECTOR_TYPES and "DMX" in CONNECTOR_TYPES
    assert set(CONNECTOR_FAMILIES.values()) == set(sd.CONNECTOR_FAMILY_NAMES)


# ---------------------------------------------------------------------------- enrichment

EXPECTED_MATCHES = {
    ("brompton-tessera-sx40", "Brompton SX40", "curated"),
    ("brompton-tessera-s8", "Brompton S8", "curated"),
    ("brompton-tessera-s4", "Brompton S4", "curated"),
    ("novastar-mx40-pro", "Novastar MX40", "curated"),
    ("absen-pl2.5-pro", "Absen PL 2.5 Pro", "exact"),
    ("roe-carbon-cb5", "Roe Carbon CB5 5.77", "curated"),
    ("christie-m-4k25", "Christie M 4K25 RGB", "curated"),
    ("christie-m-4k15", "Christie M 4K15 RGB", "curated"),
    ("panasonic-pt-rq50k", "Panasonic PT-RQ50K", "exact"),
    ("panasonic-pt-rq35k", "Panasonic PT-RQ35KU", "curated"),
    ("panasonic-pt-rz31k", "Panasonic PT-RZ31KU", "curated"),
    ("panasonic-pt-rz21k", "Panasonic PT-RZ21KU", "curated"),
    ("barco-udx-4k40", "Barco UDX 4K40", "exact"),
    ("barco-udx-w26", "Barco UDX W26", "exact"),
}


def test_enrichment_matches():
    matches = sd.enrichment_matches()
    assert {(m.slug, m.csv_full_name, m.rule) for m in matches} == EXPECTED_MATCHES
    assert Counter(m.csv_file for m in matches) == {
        "led-tile-data.csv": 2,
        "led-processor-data.csv": 4,
        "projector-data.csv": 8,
    }
    assert all(m.fields_filled for m in matches)


def test_led_tiles_are_enriched(by_slug):
    tiles = {s: by_slug[s] for s in by_slug if by_slug[s].category == "LED_TILE"}
    pl25 = tiles["absen-pl2.5-pro"].numbers
    assert pl25["weight_kg"] == pytest.approx(8.582, abs=1e-3) and pl25["power_w"] == 192.5
    size = (pl25["width_mm"], pl25["height_mm"], pl25["native_width_px"], pl25["native_height_px"])
    assert size == (500, 500, 200, 200)
    assert (pl25["pixel_pitch_mm"], pl25["max_hang"], pl25["max_stack"]) == (2.5, 20, 12)
    cb5 = tiles["roe-carbon-cb5"].numbers
    assert (cb5["weight_kg"] > 13, cb5["power_w"], cb5["pixel_pitch_mm"]) == (True, 500.0, 5.77)
    with_power = sorted(s for s, t in tiles.items() if "power_w" in t.numbers)
    assert with_power == ["absen-pl2.5-pro", "roe-carbon-cb5"]
    # every other tile at least gets its pitch from its model name ("PL2.9", "MC Series 1.56")
    no_pitch = sorted(s for s, t in tiles.items() if "pixel_pitch_mm" not in t.numbers)
    assert no_pitch == [
        "absen-acclaim-plus",
        "roe-black-pearl-bp2",
        "roe-black-pearl-bp2v2",
        "roe-carbon-cb8",
    ]
    assert tiles["infiled-mc-1.56"].numbers == {"pixel_pitch_mm": 1.56}
    assert tiles["absen-pl1.9-pro"].numbers == {"pixel_pitch_mm": 1.9}  # "(V2/V10)" ignored


def test_processors_and_projectors_are_enriched_json_values_win(by_slug):
    sx40 = by_slug["brompton-tessera-sx40"].numbers
    got = (sx40["max_width_px"], sx40["max_height_px"], sx40["port_count"], sx40["pixels_per_port"])
    assert got == (4096, 2160, 40, 525000)
    assert sx40["frame_rates"] == "23.98 to 60Hz" and sx40["input_list"] == "HDMI 1.4;12G SDI"
    rq50 = by_slug["panasonic-pt-rq50k"].numbers  # JSON had no specs at all
    got = (rq50["lumens"], rq50["native_width_px"], rq50["power_w"], rq50["amps_120v"])
    assert got == (30500, 3840, 2550.0, 21.25)
    assert len(rq50["lens_compatibility"].split(";")) == 25
    w26 = by_slug["barco-udx-w26"].numbers  # CSV says UHD; JSON's WUXGA wins
    assert (w26["native_width_px"], w26["native_height_px"], w26["lumens"]) == (1920, 1200, 26000)
    assert "native_resolution_mode" not in w26 and "lens_compatibility" in w26
    assert by_slug["panasonic-pt-rq35k"].numbers["lumens"] == 35000
    assert by_slug["barco-udx-4k35"].numbers.get("power_w") is None  # no CSV row: untouched


def test_without_csvs_nothing_is_enriched(tmp_path, by_slug):
    shutil.copy(DATA / "equipment-library.json", tmp_path / "equipment-library.json")
    specs = {s.slug: s for s in sd.load_equipment_library(tmp_path / "equipment-library.json")}
    assert len(specs) == 290
    assert specs["absen-pl2.5-pro"].numbers == {"pixel_pitch_mm": 2.5}
    assert specs["panasonic-pt-rq50k"].numbers == {}
    assert sd.enrichment_matches(tmp_path / "equipment-library.json") == []
    assert specs["sony-hdcu-5500"] == by_slug["sony-hdcu-5500"]


# ---------------------------------------------------------------------------- reference libraries


def test_reference_library_counts_and_shape(refs, specs):
    assert len(refs) == 125
    assert Counter(r.category for r in refs) == {"PROJECTOR": 58, "LED_TILE": 51, "LED_PROCESSOR": 16}
    slugs = [r.slug for r in refs]
    assert len(set(slugs)) == len(slugs)
    assert all(s.startswith("ref-") for s in slugs)
    assert not set(slugs) & {s.slug for s in specs}
    for r in refs:
        assert r.manufacturer and r.model and not r.ports and not r.cards
        assert r.io_architecture == "DIRECT" and r.device_formats == () and r.compatible_with == ()
        assert not r.model.startswith("-") and not re.fullmatch(r"[.\s]*", r.model)
    assert sum(bool(r.numbers) for r in refs) == 119


def test_reference_libraries_skip_headers_screens_and_merged_rows(refs):
    names = {r.model for r in refs}
    # CSV rows with a name and a brand, per file: tiles 53, processors 20, projectors 57 + 9
    # placeholders (Stumpfl screens/dress kits and brand-less accessories skipped); minus merged.
    for merged in (
        "PL 2.5 Pro",
        "Carbon CB5 5.77",
        "SX40",
        "S8",
        "S4",
        "MX40",
        "UDX 4K40",
        "UDX W26",
        "M 4K25 RGB",
        "M 4K15 RGB",
        "PT-RQ50K",
        "PT-RQ35KU",
        "PT-RZ31KU",
        "PT-RZ21KU",
    ):
        assert merged not in names
    assert not any("Stumpfl" in r.manufacturer or "Flywear" in r.model for r in refs)
    assert not any("BARCO" in r.model or r.model == "." for r in refs)
    by = {r.slug: r for r in refs}
    assert by["ref-20k-projector"].manufacturer == "Generic"
    assert by["ref-led-2-6-500-x-500mm"].manufacturer == "Generic"
    assert by["ref-roe-black-pearl-2"].manufacturer == "ROE Visual"  # JSON spelling
    assert by["ref-novastar-vx1000"].manufacturer == "NovaStar"
    bp2 = by["ref-roe-black-pearl-2"].numbers
    assert (bp2["pixel_pitch_mm"], bp2["power_w"], bp2["max_hang"]) == (2.84, 190.0, 20)
    assert "max_hang" not in by["ref-roe-black-marble-4"].numbers  # "n/a" in the CSV
    assert by["ref-infiled-ar3-91mm-500-x-1000mm"].numbers["pixel_pitch_mm"] == 3.91  # swapped mm columns
    assert "native_width_px" not in by["ref-panasonic-pt-req10"].numbers  # "#N/A"
    hdx = by["ref-barco-hdx-flex-20k"].numbers
    assert hdx["lumens"] == 18500 and hdx["amps_208v"] == pytest.approx(7.9108, abs=1e-4)
    assert len(hdx["lens_compatibility"].split(";")) == 17


def test_reference_rows_come_from_the_csvs(refs):
    named = Counter()
    for file, (category, _) in sd.CSV_LIBRARIES.items():
        with open(DATA / file, encoding="utf-8") as fh:
            rows = list(csv.reader(fh))[2:]
        named[category] = sum(1 for r in rows if r[0].strip() and r[1].strip())
    assert named == {"LED_TILE": 53, "LED_PROCESSOR": 20, "PROJECTOR": 66 + 16}  # incl. 16 Stumpfl rows
    # minus 16 Stumpfl rows (above) and the rows merged into JSON specs: 2 tiles, 4 processors, 8 projectors
    assert Counter(r.category for r in refs) == {
        "LED_TILE": 53 - 2,
        "LED_PROCESSOR": 20 - 4,
        "PROJECTOR": 66 - 8,
    }


# ---------------------------------------------------------------------------- checklist


def test_checklist_template():
    items = sd.load_checklist_template()
    counts = Counter(i.category for i in items)
    # The CSV is the truth: "Processing Plan" (30) is under SCREENS (12 items), so SWITCH has 6;
    # the old app refiled it under SWITCH (11 + 7). The total is 95 either way.
    assert counts == {
        "SCREENS": 12,
        "SWITCH": 6,
        "IMAG": 10,
        "MEDIA_SERVERS": 7,
        "SOURCES": 12,
        "DESTINATIONS": 8,
        "DISPLAYS": 15,
        "OUTSIDE_VENDORS": 14,
        "DOCUMENTATION": 11,
    }
    assert len(items) == 95
    assert list(dict.fromkeys(i.category for i in items)) == list(sd.CHECKLIST_CATEGORIES)
    screens = [(i.title, i.days_before_show) for i in items if i.category == "SCREENS"]
    assert screens[:3] == [
        ("Screen Parameters", 60),
        ("Processing Plan", 30),
        ("Projector, Lens, and Lumen Counts", 60),
    ]
    assert not any(re.fullmatch(r"-+", i.title) for i in items)
    assert not {"Load In", "Layout", "PROJ", "BS", "STAGE"} & {i.title for i in items}  # NOTES labels
    assert ("Video Production Info", 30) in {(i.title, i.days_before_show) for i in items}
    vendors = [(i.title, i.days_before_show) for i in items if i.category == "OUTSIDE_VENDORS"]
    assert vendors[-1] == ("SUB - Shop review", 7)
    for category in counts:
        orders = [i.sort_order for i in items if i.category == category]
        assert orders == list(range(1, counts[category] + 1))


# ---------------------------------------------------------------------------- formats, pick-lists


def test_system_formats():
    assert len(SYSTEM_FORMATS) == 37
    keys = [f.key for f in SYSTEM_FORMATS]
    assert len(set(keys)) == 37
    for f in SYSTEM_FORMATS:
        expected = f"{f.h_res} x {f.v_res} @ {f.rate_label}{'i' if f.interlaced else ''}"
        if f.blanking != "NONE":
            expected += f" [{f.blanking}]"
        assert f.key == expected == sd.format_key(f.h_res, f.v_res, f.rate_label, f.interlaced, f.blanking)
        assert f.blanking in ("NONE", "RBv1", "RBv2", "RBv3")
        assert f.rate_label in sd.FRAME_RATES
    for key in (
        "1920 x 1080 @ 59.94i",
        "1920 x 1080 @ 59.94 [RBv1]",
        "3840 x 2160 @ 60 [RBv2]",
        "720 x 480 @ 59.94i",
        "720 x 576 @ 50i",
        "4096 x 2160 @ 23.98",
        "1280 x 720 @ 50",
    ):
        assert key in keys
    fmt = {f.key: f for f in SYSTEM_FORMATS}
    assert fmt["1920 x 1080 @ 23.98"].frame_rate == 23.976
    assert fmt["1920 x 1080 @ 29.97"].frame_rate == 29.97
    assert fmt["1920 x 1080 @ 59.94i"].interlaced and fmt["1920 x 1080 @ 59.94i"].frame_rate == 59.94
    assert Counter((f.h_res, f.v_res) for f in SYSTEM_FORMATS) == {
        (720, 480): 1,
        (720, 576): 1,
        (1280, 720): 3,
        (1920, 1080): 13,
        (3840, 2160): 11,
        (4096, 2160): 8,
    }
    with pytest.raises(ValueError):
        sd.format_key(1920, 1080, "60", False, "RBv9")


def test_pick_lists(specs):
    assert sd.FRAME_RATES == ("60", "59.94", "50", "30", "29.97", "25", "24", "23.98")
    assert len(sd.RESOLUTION_PRESETS) == 9 and sd.RESOLUTION_PRESETS[0] == "8192 x 1080"
    assert all(re.fullmatch(r"\d+ x \d+", r) for r in sd.RESOLUTION_PRESETS)
    assert len(sd.SOURCE_TYPES) == len(set(sd.SOURCE_TYPES)) == 19
    computer_models = {s.model for s in specs if s.category == "COMPUTER"}
    assert set(sd.SOURCE_TYPES[:11]) == computer_models
    assert sd.SOURCE_TYPES[11:] == ("LAPTOP", "CAM", "SERVER", "PLAYBACK", "GRAPHICS", "PTZ", "ROBO", "OTHER")


# ---------------------------------------------------------------------------- determinism, memory


def test_loading_twice_gives_identical_records(specs, refs):
    assert list(sd.load_equipment_library()) == specs
    assert list(sd.load_reference_libraries()) == refs
    assert sd.load_checklist_template() == sd.load_checklist_template()
    assert len({hash(s) for s in specs}) == 290  # records are hashable (numbers excluded)


def test_library_streams_as_a_generator():
    gen = sd.load_equipment_library()
    assert inspect.isgenerator(gen)
    assert inspect.isgenerator(sd.load_reference_libraries())
    first = next(gen)
    assert isinstance(first, SpecRecord) and first.slug == "sony-hdcu-5500"
    gen.close()
    tracemalloc.start()
    try:
        count = sum(1 for _ in sd.load_equipment_library())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 290 and peak < 40 * 1024 * 1024


# ---------------------------------------------------------------------------- validation


def _spec(slug, **extra):
    base = {
        "id": slug,
        "category": "router",
        "manufacturer": "Acme",
        "model": slug.upper(),
        "ioArchitecture": "direct",
        "inputs": [],
        "outputs": [],
    }
    base.update(extra)
    return base


def _load(tmp_path, raw):
    path = tmp_path / "equipment-library.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return list(sd.load_equipment_library(path))


def test_duplicate_port_keys_get_a_deterministic_suffix(tmp_path):
    ports = [
        {"id": "sdi-1", "type": "12G SDI", "label": "A"},
        {"id": "sdi-1", "type": "SDI"},
        {"id": "sdi-1-2", "type": "SDI", "label": "C"},
        {"type": "HDMI", "label": ""},
    ]
    (spec,) = _load(tmp_path, [_spec("x", inputs=ports, outputs=[{"id": "sdi-1", "type": "SDI"}])])
    ins = [p for p in spec.ports if p.direction == "in"]
    assert [p.key for p in ins] == ["sdi-1", "sdi-1-2", "sdi-1-2-2", "in-4"]
    assert [p.label for p in ins] == ["A", "Input 2", "C", "Input 4"]
    assert [p.connector for p in ins] == ["12G-SDI", "SDI", "SDI", "HDMI"]
    outs = [(p.key, p.label, p.index) for p in spec.ports if p.direction == "out"]
    assert outs == [("sdi-1", "Output 1", 1)]
    assert (spec.numbers, spec.card_slots, spec.format_by_io) == ({}, None, False)
    assert _load(tmp_path, [_spec("x", inputs=ports)]) == _load(tmp_path, [_spec("x", inputs=ports)])


@pytest.mark.parametrize(
    "raw, message",
    [
        ([_spec("a"), _spec("b"), _spec("a"), _spec("b")], "duplicate spec slugs: a, b"),
        ([_spec("a", category="teleporter")], "'a'.*unknown category 'teleporter'"),
        ([_spec("a", manufacturer=" ")], "has no manufacturer"),
        ([_spec("", model="X")], "has no id"),
        ([_spec("a", ioArchitecture="modular")], "unknown ioArchitecture"),
        (
            [
                _spec(
                    "a",
                    cardSlots=4,
                    ioArchitecture="card-based",
                    cards=[{"id": "c1", "slotNumber": 1}, {"id": "c2", "slotNumber": 1}],
                )
            ],
            "duplicate slot number",
        ),
        ([_spec("a", cardSlots=2, cards=[{"id": "c1", "slotNumber": 3}])], "bad slot number 3"),
        (
            [_spec("a", category="lens", specs={"throwRatio": "1.2:1", "compatibleWith": ["nope"]})],
            "unknown specs nope",
        ),
        ([_spec("a", category="lens", specs={"throwRatio": "long"})], "throw ratio"),
        ([_spec("a", specs={"colour": "red"})], "unknown specs key 'colour'"),
        ([_spec("a", inputs=[{"id": "x", "label": "no type"}])], "has no connector type"),
    ],
)
def test_invalid_library_is_rejected(tmp_path, raw, message):
    with pytest.raises(ValueError, match=message):
        _load(tmp_path, raw)


def test_categories_are_mapped(tmp_path):
    names = ("ptz", "camera", "encoder", "stream-encoder", "media-server", "cable-snake")
    raw = [_spec(c, category=c) for c in names]
    assert [s.category for s in _load(tmp_path, raw)] == [
        "CAMERA",
        "CAMERA",
        "STREAM_ENCODER",
        "STREAM_ENCODER",
        "MEDIA_SERVER",
        "CABLE_SNAKE",
    ]
    assert set(sd.CATEGORY_MAP.values()) == set(EQUIPMENT_CATEGORIES)
