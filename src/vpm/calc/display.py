"""Derived figures as people read them: units, sensible rounding, lists as short text.

One formatter for every place a computed number is shown (grids, detail pages, paperwork,
exports), so a wall's weight reads ``1,139.8 kg`` everywhere and never ``1139.798602944``.
Pure functions, no I/O.

- :func:`format_value` — one value, with its unit (given, or read from the key's suffix by
  :func:`unit_of`): metres to 2 decimals, kilograms and pounds to 1, watts, amps, pixels and
  lumens whole; fractions of a whole as percentages; lists and references as short text.
- :func:`format_derived` — a ``derived`` dict as ``[(label, text), ...]`` in its own order, ids
  left out.
- :func:`format_missing` — the inputs a figure still needs: ``needs focal length, shooting distance``.
- :func:`figures` — the short line a grid shows for a record: its headline figures, or what is missing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

#: Unit of a key, by its suffix (longest first): (suffix, unit shown, decimals).
SUFFIX_UNITS: tuple[tuple[str, str, int], ...] = (
    ("_sqft", "sq ft", 1),
    ("_m2", "m²", 2),
    ("_ft_in", "", 0),
    ("_mm", "mm", -1),
    ("_m", "m", 2),
    ("_ft", "ft", 1),
    ("_kg", "kg", 1),
    ("_lb", "lb", 1),
    ("_w", "W", 0),
    ("_px", "px", 0),
    ("_deg", "°", 1),
    ("_lux", "lux", 0),
    ("_nits", "nits", 0),
)
#: Decimals by unit when the unit is given directly (``format_value(2.345, "m")``).
UNIT_DECIMALS: dict[str, int] = {
    "m": 2,
    "m²": 2,
    "mm": -1,
    "ft": 1,
    "sq ft": 1,
    "kg": 1,
    "lb": 1,
    "W": 0,
    "A": 0,
    "px": 0,
    "lm": 0,
    "nits": 0,
    "lux": 0,
    "fL": 1,
    "°": 1,
    "%": 0,
}
#: Keys whose unit is not in a suffix.
KEY_UNITS: dict[str, str] = {
    "pixels_w": "px",
    "pixels_h": "px",
    "nits": "nits",
    "ambient_nits": "nits",
    "foot_lamberts": "fL",
    "lumens_per_unit": "lm",
    "total_lumens": "lm",
    "used_lumens": "lm",
}
#: Keys that are a part of a whole (0..1), shown as a percentage.
FRACTION_KEYS = frozenset({"pixel_load", "lumen_usage", "blend_fraction"})
#: Keys never shown to people (references are shown by their name instead).
HIDDEN_KEYS = frozenset({"id", "explain"})  # "explain" has its own "How was this computed?" disclosure
#: Words for key parts that read badly as they are.
WORDS: dict[str, str] = {
    "pixels_w": "pixels wide",
    "pixels_h": "pixels high",
    "equipment_spec": "spec",
    "processor_spec": "processor",
    "lens_spec": "lens",
    "h_res": "H res",
    "v_res": "V res",
    "pj": "projector",
    "ds": "downstage",
    "1ph": "single-phase",
    "3ph": "3-phase",
    "120v": "120 V",
    "208v": "208 V",
    "15a": "15 A",
}
MISSING = "—"
MAX_LIST = 4


def unit_of(key: str) -> tuple[str | None, int | None]:
    """The unit and decimals a key's name implies: ``weight_kg`` -> ("kg", 1); (None, None) if none."""
    if key in KEY_UNITS:
        unit = KEY_UNITS[key]
        return unit, UNIT_DECIMALS.get(unit, 2)
    if key.startswith("amps_"):
        return "A", 0
    if key in FRACTION_KEYS:
        return "%", 0
    for suffix, unit, decimals in SUFFIX_UNITS:
        if key.endswith(suffix):
            return (unit or None), (decimals if unit else None)
    return None, None


def _number(value: float, decimals: int | None) -> str:
    """``decimals`` None or -1: whole numbers as they are, others to 2 (None) or 1 (-1) decimals."""
    if isinstance(value, float) and not math.isfinite(value):
        return MISSING
    if decimals == -1:
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    if decimals is None:
        if isinstance(value, int) or float(value).is_integer():
            return f"{int(value):,}"
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,.{decimals}f}"


def _name_of(item: Mapping[str, Any]) -> str | None:
    for key in ("label", "name", "title", "model"):
        if item.get(key):
            return str(item[key])
    return None


def format_value(value: Any, unit: str | None = None, decimals: int | None = None) -> str:
    """One value as text. ``unit`` is appended (``"1,139.8 kg"``); ``"%"`` reads a fraction of a
    whole (0.266 -> ``"27 %"``). None reads ``—``; booleans ``yes``/``no``; a reference
    (a dict with a name) its name; a list its items, short."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if decimals is None and unit is not None:
            decimals = UNIT_DECIMALS.get(unit)
        if unit == "%":
            return f"{_number(value * 100, decimals or 0)} %"
        text = _number(value, decimals)
        return f"{text} {unit}" if unit and text != MISSING else text
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        named = _name_of(value)
        if named:
            return named
        return ", ".join(
            f"{label_of(k)} {format_value(v, *unit_of(k))}"
            for k, v in value.items()
            if k not in HIDDEN_KEYS and not k.endswith("_id")
        )
    if isinstance(value, Sequence):
        return format_list(value, unit, decimals)
    return str(value)


def format_list(items: Sequence[Any], unit: str | None = None, decimals: int | None = None) -> str:
    """A list as short text: ``none``; numbers as ``9.59 × 5.39 mm``; names joined, the rest counted."""
    if not items:
        return "none"
    if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in items) and len(items) <= 3:
        text = " × ".join(
            _number(x, decimals if decimals is not None else UNIT_DECIMALS.get(unit or "")) for x in items
        )
        return f"{text} {unit}" if unit else text
    parts = [format_value(x) if not isinstance(x, Mapping) else (_name_of(x) or format_value(x)) for x in items]
    shown = parts[:MAX_LIST]
    more = len(parts) - len(shown)
    return "; ".join(shown) + (f" (+{more} more)" if more else "")


def label_of(key: str, labels: Mapping[str, str] | None = None) -> str:
    """A key as a label, its unit suffix left to the value: ``weight_kg`` -> ``Weight``,
    ``equipment_spec.power_w`` -> ``Spec power``, ``lens_spec_id`` -> ``Lens``."""
    if labels and key in labels:
        return labels[key]
    parts = []
    for part in key.split("."):
        if part.endswith("_id"):
            part = part[:-3]
        if part in WORDS:
            parts.append(WORDS[part])
            continue
        for suffix, _unit, _dec in SUFFIX_UNITS:
            if part.endswith(suffix) and len(part) > len(suffix):
                part = part[: -len(suffix)]
                break
        parts.append(" ".join(WORDS.get(w, w) for w in part.split("_")))
    text = " ".join(p for p in parts if p).strip()
    return text[:1].upper() + text[1:] if text else key


def format_derived(derived: Mapping[str, Any] | None, labels: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Every figure of a ``derived`` dict as ``(label, text)``, in its order; ids left out. The same
    figure in other units (``width_m``, ``width_ft_in``) shares one line: ``8.00 m · 26' 3"``."""
    out: dict[str, list[str]] = {}
    for key, value in (derived or {}).items():
        if key in HIDDEN_KEYS or key.endswith("_id"):
            continue
        unit, decimals = unit_of(key)
        out.setdefault(label_of(key, labels), []).append(format_value(value, unit, decimals))
    return [(label, " · ".join(texts)) for label, texts in out.items()]


def format_missing(fields: Iterable[str], labels: Mapping[str, str] | None = None) -> str:
    """``needs focal length, shooting distance`` ('' when nothing is missing)."""
    names = [label_of(f, labels).lower() for f in fields]
    names = [n for i, n in enumerate(names) if n not in names[:i]]
    return f"needs {', '.join(names)}" if names else ""


def format_error(error: Mapping[str, Any] | None, labels: Mapping[str, str] | None = None) -> str:
    """``cannot work out: Spec power must be more than 0`` ('' without an error)."""
    if not error:
        return ""
    return f"cannot work out: {label_of(str(error.get('field', '')), labels)} {error.get('reason', '')}".strip()


#: The figures a grid shows first, in order: (keys, label). Two keys read as ``a × b``.
HEADLINE: tuple[tuple[tuple[str, ...], str], ...] = (
    (("width_m", "height_m"), ""),
    (("frame_width_m", "frame_height_m"), "frame"),
    (("pixels_w", "pixels_h"), ""),
    (("total_h_px", "total_v_px"), ""),
    (("tiles",), "tiles"),
    (("total_lumens",), ""),
    (("nits",), ""),
    (("weight_kg",), ""),
    (("total_weight_kg",), ""),
    (("power_max_w",), "max"),
    (("total_power_w",), ""),
    (("amps_max_208v_3ph",), "at 208 V 3-phase"),
    (("processors_needed",), "processors"),
)
MAX_HEADLINE = 5


def _pair(a: Any, b: Any, key: str) -> str:
    unit, decimals = unit_of(key)
    return f"{_number(a, decimals)} × {_number(b, decimals)}{f' {unit}' if unit else ''}"


def figures(
    derived: Mapping[str, Any] | None,
    missing: Sequence[str] | None = None,
    error: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The short line a grid shows for a record: ``8.00 × 4.50 m · 2,048 × 1,152 px · 144 tiles ·
    1,139.8 kg · 25,920 W max``; or ``needs …``; or ``cannot work out: …``; warnings counted."""
    if error:
        return format_error(error, labels)
    if missing:
        return format_missing(missing, labels)
    if not derived:
        return ""
    parts: list[str] = []
    for keys, label in HEADLINE:
        values = [derived.get(k) for k in keys]
        if any(v is None or isinstance(v, bool) or not isinstance(v, (int, float)) for v in values):
            continue
        text = _pair(values[0], values[1], keys[0]) if len(keys) == 2 else format_value(values[0], *unit_of(keys[0]))
        parts.append(f"{text} {label}".strip())
        if len(parts) >= MAX_HEADLINE:
            break
    warnings = derived.get("warnings")
    if isinstance(warnings, list) and warnings:
        parts.append(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}")
    return " · ".join(parts)
