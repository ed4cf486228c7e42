"""Library fidelity: numbers that cannot be true.

- an LED tile whose millimetres do not match pixels x pitch (and whether swapping width and height
  would fix it);
- a resolution that contradicts the model's class (a "W" projector that is not WUXGA 1920 x 1200,
  a "4K" one narrower than 3840);
- weights, powers, brightness and pitches outside any real product's range.

``check_numbers`` is pure (used by the seed test on the raw records); ``check_library`` reads the
database; ``vpm library check`` prints the findings and exits 1 when there are any.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vpm.domain.library import SPEC_NUMBER_COLUMNS, EquipmentSpec

#: (low, high) per number, per category ("*" for any).
RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "*": {
        "weight_kg": (0.01, 3000),
        "power_w": (0.1, 100_000),
        "power_typical_w": (0.1, 100_000),
        "height_mm": (1, 5000),
        "width_mm": (1, 5000),
        "depth_mm": (1, 5000),
    },
    "LED_TILE": {
        "weight_kg": (0.1, 100),
        "power_w": (1, 2000),
        "pixel_pitch_mm": (0.3, 40),
        "native_width_px": (4, 2048),
        "native_height_px": (4, 2048),
    },
    "PROJECTOR": {
        "lumens": (100, 100_000),
        "weight_kg": (0.5, 500),
        "native_width_px": (320, 8192),
        "native_height_px": (200, 4320),
    },
    "LED_PROCESSOR": {"pixels_per_port": (1_000, 10_000_000), "port_count": (1, 1000)},
}
_W_CLASS = re.compile(r"(^|[\s-])w\d{1,2}\b", re.IGNORECASE)
_4K_CLASS = re.compile(r"\b4k\d*\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    slug: str
    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"slug": self.slug, "field": self.field, "reason": self.reason}


def _close(a: float, b: float, tol: float = 0.03) -> bool:
    return abs(a - b) <= tol * max(abs(a), abs(b))


def check_numbers(slug: str, category: str, manufacturer: str, model: str, numbers: Mapping[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    n = {k: v for k, v in numbers.items() if v is not None}
    for table in (RANGES["*"], RANGES.get(category, {})):
        for name, (lo, hi) in table.items():
            value = n.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and not lo <= value <= hi:
                out.append(Finding(slug, name, f"{value:g} is outside {lo:g}..{hi:g} for a {category.lower()}"))
    if category == "LED_TILE":
        wmm, hmm, wpx, hpx = (n.get(k) for k in ("width_mm", "height_mm", "native_width_px", "native_height_px"))
        pitch = n.get("pixel_pitch_mm")
        if wmm and hmm and wpx and hpx:
            pw, ph = wmm / wpx, hmm / hpx
            if not _close(pw, ph, 0.05) or (pitch and not _close(pw, pitch, 0.05)):
                swapped = hmm / wpx, wmm / hpx
                hint = " (width and height look swapped)" if _close(*swapped, 0.05) else ""
                out.append(
                    Finding(
                        slug,
                        "width_mm",
                        f"{wmm:g} x {hmm:g} mm does not match {wpx} x {hpx} px"
                        + (f" at {pitch:g} mm" if pitch else "")
                        + hint,
                    )
                )
    if category == "PROJECTOR":
        w, h = n.get("native_width_px"), n.get("native_height_px")
        name = f"{model}"
        if w and h and _W_CLASS.search(name) and (w, h) != (1920, 1200):
            out.append(Finding(slug, "native_width_px", f"{model} is a WUXGA (W) model but says {w} x {h}"))
        if w and _4K_CLASS.search(name) and w < 3840:
            out.append(Finding(slug, "native_width_px", f"{model} is a 4K model but says {w} px wide"))
    return out


def check_specs(specs: Iterable[Any]) -> list[Finding]:
    out: list[Finding] = []
    for s in specs:
        numbers = {k: getattr(s, k, None) for k in SPEC_NUMBER_COLUMNS}
        out += check_numbers(s.slug, s.category, s.manufacturer, s.model, numbers)
    return out


def check_library(session: Session) -> list[Finding]:
    specs = session.scalars(
        select(EquipmentSpec).where(EquipmentSpec.deleted_at.is_(None)).order_by(EquipmentSpec.slug)
    ).all()
    return check_specs(specs)
