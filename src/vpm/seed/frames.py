"""The department's modular frames (slots and cards) and the corrections made to the library at import.

Pure data and functions: no database. The seed step (``vpm.services.seeding.seed_library``) reads the
libraries through :func:`curated_library` and :func:`curated_references`: a JSON spec is replaced by
the frame of the same slug (frames the JSON lacks are added), and every record passes through
:func:`correct_record`. ``load_equipment_library`` itself still returns the files as they are.

Slots are numbered per bank, as the crew and the vendors' control software print them: a frame has
input-card slots 1..n and output-card slots 1..m, so ``E2 ID.0 IN 5.3`` is input card 5, port 3 and
``OUT 2.1`` is output card 2, port 1. A card whose ports are all inputs lives in the input bank, all
outputs in the output bank; a card with both ("io") takes the slot number in both.

Each frame lists the vendor's figure it was built from (``vendor_inputs``/``vendor_outputs``: the
signal connectors of the default build) and where the figure comes from (``source``). The test
``tests/gear/test_frames.py`` builds every frame and checks the counts and the workbook's port ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from .library_data import CardRecord, PortRecord, SpecRecord

# ------------------------------------------------------------------------------- cards


@dataclass(frozen=True)
class CardType:
    key: str
    name: str
    #: (direction, connector, count) groups, in the order the connectors sit on the card
    groups: tuple[tuple[str, str, int], ...]
    width: int = 1
    fits: tuple[int, ...] = ()

    def ports(self) -> tuple[PortRecord, ...]:
        out: list[PortRecord] = []
        n = {"in": 0, "out": 0}
        for direction, connector, count in self.groups:
            for _ in range(count):
                n[direction] += 1
                word = "Input" if direction == "in" else "Output"
                out.append(
                    PortRecord(
                        f"{direction}-{n[direction]}",
                        direction,
                        connector,
                        f"{word} {n[direction]}",
                        None,
                        n[direction],
                    )
                )
        return tuple(sorted(out, key=lambda p: (p.direction != "in", p.index)))

    @property
    def bank(self) -> str:
        dirs = {d for d, _, c in self.groups if c}
        return dirs.pop() if len(dirs) == 1 else "io"


def card_bank(directions: set[str]) -> str:
    """ "in", "out" or "io" from the directions of a card's ports."""
    return directions.pop() if len(directions) == 1 else "io"


@dataclass(frozen=True)
class Frame:
    slug: str
    category: str
    manufacturer: str
    model: str
    #: slots per bank: {"in": 8, "out": 4}
    slots: dict[str, int]
    card_types: tuple[CardType, ...]
    #: default build: (bank, slot) -> card key
    layout: dict[tuple[str, int], str]
    vendor_inputs: int
    vendor_outputs: int
    source: str
    direct: tuple[tuple[str, str, int], ...] = ()
    device_formats: tuple[str, ...] = ()
    #: the workbook sheet that shows this frame's patch ids, if any
    workbook_sheet: str | None = None
    notes: str = ""
    numbers: dict[str, Any] = field(default_factory=dict)

    def record(self) -> SpecRecord:
        types = {c.key: c for c in self.card_types}
        cards: list[CardRecord] = []
        used: set[str] = set()
        for (bank, slot), key in sorted(self.layout.items()):
            ct = types[key]
            if ct.bank != bank and ct.bank != "io":
                raise ValueError(f"frame {self.slug}: card {key} is not a {bank} card")
            card_key = f"{bank}{slot}-{key}"
            used.add(key)
            cards.append(CardRecord(card_key, slot, ct.ports(), ct.name, ct.width, self.fits(ct)))
        for ct in self.card_types:  # the catalogue: cards the frame accepts (not fitted by default)
            cards.append(CardRecord(f"opt-{ct.key}", None, ct.ports(), ct.name, ct.width, self.fits(ct)))
        direct = CardType("direct", "", self.direct).ports() if self.direct else ()
        return SpecRecord(
            slug=self.slug,
            category=self.category,
            manufacturer=self.manufacturer,
            model=self.model,
            io_architecture="CARD_BASED" if self.card_types else "DIRECT",
            card_slots=sum(self.slots.values()) or None,
            format_by_io=True,
            is_secondary_device=False,
            device_formats=self.device_formats,
            ports=direct,
            cards=tuple(cards),
            numbers=dict(self.numbers),
        )

    def fits(self, ct: CardType) -> tuple[int, ...]:
        """The slots a card type fits: as declared, else every slot of its bank."""
        if ct.fits:
            return ct.fits
        n = min(self.slots.get(b, 0) for b in ("in", "out")) if ct.bank == "io" else self.slots.get(ct.bank, 0)
        return tuple(range(1, n + 1))

    def default_counts(self) -> tuple[int, int]:
        """Signal inputs and outputs of the default build (direct ports plus default cards)."""
        types = {c.key: c for c in self.card_types}
        ports = [p for _, key in self.layout.items() for p in types[key].ports()]
        ports += list(CardType("direct", "", self.direct).ports())
        signal = [p for p in ports if p.connector not in NON_SIGNAL]
        return sum(p.direction == "in" for p in signal), sum(p.direction == "out" for p in signal)


NON_SIGNAL = {"Ethernet", "Network (RJ45)", "Reference", "Reference (BNC)", "Power", "GPIO", "RS-422"}

SDI12, SDI3, HDMI, DP = "12G-SDI", "3G-SDI", "HDMI", "DisplayPort"

# --- Barco Event Master (E2, E2 Gen 2, S3-4K) -----------------------------------------------------
# Card types per the Event Master devices user guide (Barco R5905948, ch. 4 "Hardware orientation":
# Tri-Combo input card = 1 DP + 1 HDMI + 4 BNC SDI; HDMI/DisplayPort input card = 2 HDMI + 2 DP) and
# the quad cards the workbook's E2 sheet shows (4 HDMI, 4 DP). Output cards as the workbook's E2
# sheet: 4 DP; 1 DP + 1 HDMI + 4 SDI; 4 HDMI.
EM_IN = (
    CardType("quad-hdmi-in", "Quad HDMI 2.0 input card", (("in", HDMI, 4),)),
    CardType("quad-dp-in", "Quad DisplayPort 1.2 input card", (("in", DP, 4),)),
    CardType("tri-combo-in", "Tri-Combo input card", (("in", DP, 1), ("in", HDMI, 1), ("in", SDI12, 4))),
    CardType("hdmi-dp-in", "HDMI/DisplayPort input card", (("in", DP, 2), ("in", HDMI, 2))),
)
EM_OUT = (
    CardType("quad-dp-out", "Quad DisplayPort 1.2 output card", (("out", DP, 4),)),
    CardType("quad-hdmi-out", "Quad HDMI 2.0 output card", (("out", HDMI, 4),)),
    CardType("tri-combo-out", "Tri-Combo output card", (("out", DP, 1), ("out", HDMI, 1), ("out", SDI12, 4))),
)
#: The workbook's E2 build (sheet "E2"): inputs 1-2 HDMI, 3-4 DP, 5-8 Tri-Combo; outputs 1 DP,
#: 2-3 Tri-Combo, 4 HDMI.
E2_LAYOUT = {
    **{("in", s): "quad-hdmi-in" for s in (1, 2)},
    **{("in", s): "quad-dp-in" for s in (3, 4)},
    **{("in", s): "tri-combo-in" for s in (5, 6, 7, 8)},
    ("out", 1): "quad-dp-out",
    ("out", 2): "tri-combo-out",
    ("out", 3): "tri-combo-out",
    ("out", 4): "quad-hdmi-out",
}
E2_SOURCE = (
    "Barco R5905948 Event Master devices user guide, ch. 4: E2 input cards in 8 slots (3-10), "
    "Tri-Combo = 1 DP + 1 HDMI + 4 SDI; build and output cards as the workbook's E2 sheet (it prints "
    "6 positions per card, 48 in / 24 out, of which 40 / 20 carry a connector)"
)

# --- Pixelhue Q8 and Christie Spyder X80: the workbook's layouts -----------------------------------
Q8_IN = CardType("q8-in", "Q8 input card", (("in", HDMI, 3), ("in", SDI12, 2), ("in", DP, 3)))
Q8_OUT = CardType("q8-out", "Q8 output card", (("out", HDMI, 2), ("out", SDI12, 2)))
X80_IN = CardType("x80-in", "X80 input card", (("in", SDI12, 4),))
X80_OUT = CardType("x80-out", "X80 output card", (("out", SDI12, 4),))

# --- Ross Carbonite Ultra (I/O on rear modules) ------------------------------------------------------
CARB_IN = CardType("carb-sdi-in-12", "12 x 3G-SDI input module", (("in", SDI3, 12),))
CARB_OUT = CardType("carb-sdi-out-12", "12 x 3G-SDI output module", (("out", SDI3, 12),))

FRAMES: dict[str, Frame] = {
    f.slug: f
    for f in (
        Frame(
            "barco-e2-gen2",
            "VISION_SWITCHER",
            "Barco",
            "E2 Gen 2",
            {"in": 8, "out": 4},
            EM_IN + EM_OUT,
            E2_LAYOUT,
            40,
            20,
            E2_SOURCE,
            direct=(("in", "Reference (BNC)", 1), ("out", "Reference (BNC)", 1), ("in", "Network (RJ45)", 1)),
            device_formats=("4K 60", "1080p60"),
            workbook_sheet="E2",
        ),
        Frame(
            "barco-e2",
            "VISION_SWITCHER",
            "Barco",
            "E2",
            {"in": 8, "out": 4},
            EM_IN + EM_OUT,
            E2_LAYOUT,
            40,
            20,
            E2_SOURCE + "; filed as an LED processor in the JSON library, it is a screen switcher",
            device_formats=("4K 60", "1080p60"),
            workbook_sheet="E2",
        ),
        Frame(
            "barco-s3-4k",
            "VISION_SWITCHER",
            "Barco",
            "S3-4K",
            {"in": 3, "out": 2},
            EM_IN + EM_OUT,
            {
                ("in", 1): "tri-combo-in",
                ("in", 2): "tri-combo-in",
                ("in", 3): "tri-combo-in",
                ("out", 1): "tri-combo-out",
                ("out", 2): "quad-hdmi-out",
            },
            18,
            10,
            "Barco R5905948 ch. 6.13: on the S3-4K the input cards occupy slots 4-6 (three input "
            "slots); Tri-Combo cards as the E2. Output build: department default (one Tri-Combo, one Quad HDMI)",
            device_formats=("4K 60", "1080p60"),
        ),
        Frame(
            "pixelhue-q8",
            "VISION_SWITCHER",
            "Pixelhue",
            "Q8",
            {"in": 6, "out": 4},
            (Q8_IN, Q8_OUT),
            {**{("in", s): "q8-in" for s in range(1, 7)}, **{("out", s): "q8-out" for s in range(1, 5)}},
            48,
            16,
            "workbook sheet Q8: 6 input cards x 8 (3 HDMI, 2 SDI, 3 DP), 4 output cards x 4 (2 HDMI, 2 SDI)",
            workbook_sheet="Q8",
        ),
        Frame(
            "christie-spyder-x80",
            "VISION_SWITCHER",
            "Christie",
            "Spyder X80",
            {"in": 6, "out": 4},
            (X80_IN, X80_OUT),
            {**{("in", s): "x80-in" for s in range(1, 7)}, **{("out", s): "x80-out" for s in range(1, 5)}},
            24,
            16,
            "workbook sheet X80: 6 input cards x 4, 4 output cards x 4 (connector not given but SDI on output x.4)",
            workbook_sheet="X80",
        ),
        Frame(
            "ross-carbonite-ultra",
            "CAM_SWITCHER",
            "Ross",
            "Carbonite Ultra",
            {"in": 3, "out": 2},
            (CARB_IN, CARB_OUT),
            {
                ("in", 1): "carb-sdi-in-12",
                ("in", 2): "carb-sdi-in-12",
                ("out", 1): "carb-sdi-out-12",
                ("out", 2): "carb-sdi-out-12",
            },
            24,
            24,
            "workbook sheet CARBONITE (24 x 24 in use, 'CARB IN 1..24'); Ross Carbonite Ultra frames "
            "take 3G-SDI I/O in 12-connector rear modules",
            notes="extra modules can be added to the free input slot",
        ),
        # Brompton Tessera SX40: the JSON library stamps a DisplayPort input the processor does not have
        # and 2 LED outputs; its own CSV row already says the inputs are HDMI and 12G-SDI
        Frame(
            "brompton-tessera-sx40",
            "LED_PROCESSOR",
            "Brompton Technology",
            "Tessera SX40",
            {},
            (),
            {},
            2,
            2,
            "Brompton Tessera SX40 data sheet (Brompton-SX40-Data-Sheet, linked from the library's LED "
            "processor CSV row; read as reproduced on the Paragon Projection SX40 product page): one 12G-SDI "
            "input and one HDMI 2.0 input, each with a reclocked thru port (the 2 signal outputs here); "
            "genlock reference in with buffered thru; 4 x 10G Tessera XD outputs, each on etherCON copper "
            "or opticalCON fibre (each output auto-switches between them), stamped as 4 data outputs",
            direct=(
                ("in", SDI12, 1),
                ("in", HDMI, 1),
                ("out", SDI12, 1),
                ("out", HDMI, 1),
                ("in", "Reference (BNC)", 1),
                ("out", "Reference (BNC)", 1),
                ("out", "Ethernet", 4),
            ),
            device_formats=("4K 60", "1080p60"),
        ),
        # Blackmagic ATEM Constellation 8K / 4 M/E Constellation 4K: the JSON library stamps 20 in / 12 out
        Frame(
            "blackmagic-atem-constellation-8k",
            "CAM_SWITCHER",
            "Blackmagic Design",
            "ATEM Constellation 8K",
            {},
            (),
            {},
            40,
            24,
            "Blackmagic Design ATEM Constellation tech specs: 40 x 12G-SDI inputs, 24 x 12G-SDI aux outputs",
            direct=(("in", SDI12, 40), ("out", SDI12, 24), ("in", "Reference (BNC)", 1), ("in", "Ethernet", 1)),
            device_formats=("8K 60", "4K 60", "1080p60"),
        ),
        Frame(
            "blackmagic-atem-4me-constellation-4k",
            "CAM_SWITCHER",
            "Blackmagic Design",
            "ATEM 4 M/E Constellation 4K",
            {},
            (),
            {},
            40,
            24,
            "Blackmagic Design ATEM Constellation tech specs: 40 x 12G-SDI inputs, 24 x 12G-SDI aux outputs",
            direct=(("in", SDI12, 40), ("out", SDI12, 24), ("in", "Reference (BNC)", 1), ("in", "Ethernet", 1)),
            device_formats=("4K 60", "1080p60"),
        ),
    )
}

# ------------------------------------------------------------------------------- corrections


@dataclass(frozen=True)
class Correction:
    """A fix applied to a library record at import, with why and where the truth comes from."""

    match: str  # regex on "manufacturer model" (case-insensitive)
    category: str
    fields: dict[str, Any]
    reason: str
    source: str


CORRECTIONS: tuple[Correction, ...] = (
    Correction(
        r"^infiled ar3\.91(mm)?,? 500 x 1000(mm)?",
        "LED_TILE",
        {"width_mm": 500.0, "height_mm": 1000.0},
        "width and height in mm were swapped (128 x 256 px at 3.91 mm is 500 mm wide x 1000 mm tall)",
        "INFiLED AR3.91 500 x 1000 product page (https://www.infiled.com/products-infiled/il-rss-orar3-9-turbo/); "
        "pixels x pitch of the same row",
    ),
    Correction(
        r"^infiled dbmk2 2\.6\.? 500 x 1000(mm)?",
        "LED_TILE",
        {"width_mm": 500.0, "height_mm": 1000.0},
        "the row gives 500 x 500 mm for the 500 x 1000 panel (192 x 384 px at 2.6 mm is 500 x 1000 mm)",
        "the product's own name and pixels x pitch; INFiLED DBmk2 series page "
        "(https://www.infiled.com/series/led-wall-panels-for-indoor-dbmk2-series/)",
    ),
    Correction(
        r"^barco ud[mx][ -]w\d+",
        "PROJECTOR",
        {"native_width_px": 1920, "native_height_px": 1200, "native_resolution_mode": "WUXGA"},
        "a Barco UDM/UDX 'W' model is WUXGA (1920 x 1200), not UHD",
        "Barco naming: UDX-W26 is listed as WUXGA (1920x1200) in the equipment library JSON itself; "
        "the 4K models carry '4K' in the name",
    ),
)


def correct_record(record: SpecRecord) -> SpecRecord:
    name = f"{record.manufacturer} {record.model}".casefold()
    for c in CORRECTIONS:
        if record.category == c.category and re.search(c.match, name):
            numbers = dict(record.numbers)
            numbers.update(c.fields)
            if "native_width_px" in c.fields and "native_resolution_mode" not in c.fields:
                numbers.pop("native_resolution_mode", None)
            record = replace(record, numbers=numbers)
    return record


def corrections_applied(record: SpecRecord) -> list[Correction]:
    name = f"{record.manufacturer} {record.model}".casefold()
    return [c for c in CORRECTIONS if record.category == c.category and re.search(c.match, name)]


def curated_library(records: Iterable[SpecRecord]) -> Iterator[SpecRecord]:
    """The JSON library with the frames put in (replaced by slug, missing ones added) and corrected."""
    seen = set()
    for record in records:
        seen.add(record.slug)
        if record.slug in FRAMES:  # the frame's ports and cards; the library's figures (power, pixels) stay
            framed = FRAMES[record.slug].record()
            record = replace(framed, numbers={**record.numbers, **framed.numbers})
        yield correct_record(record)
    for slug, frame in FRAMES.items():
        if slug not in seen:
            yield correct_record(frame.record())


def curated_references(records: Iterable[SpecRecord]) -> Iterator[SpecRecord]:
    for record in records:
        yield correct_record(record)
