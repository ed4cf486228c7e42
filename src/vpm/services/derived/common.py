"""Shared glue for the derived numbers: JSON shaping, the ``Derived`` read shape, "entered"
numbers, spec references, the show's supply and headroom, and one figure's explanation."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from vpm.calc import display, sdi
from vpm.calc.errors import CalcError


def jsonable(value: Any) -> Any:
    """A calc result as JSON: dataclasses (with their properties) to dicts, tuples to lists,
    NaN and infinities to None (JSON has no NaN)."""
    import dataclasses

    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in dir(type(value)):
            if not name.startswith("_") and isinstance(getattr(type(value), name, None), property):
                out[name] = jsonable(getattr(value, name))
        return out
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


@dataclass
class Derived:
    """What a read shape carries: ``derived`` (None when it cannot be computed), the fields whose
    absence stopped it, and the first invalid number found (``{"field", "reason"}``)."""

    values: dict[str, Any] | None = None
    missing: list[str] = field(default_factory=list)
    error: dict[str, str] | None = None

    def as_fields(self) -> dict[str, Any]:
        return {
            "derived": self.values,
            "derived_missing": self.missing,
            "derived_error": self.error,
            "figures": display.figures(self.values, self.missing, self.error),
        }


def entered(value: Any) -> float | None:
    """A usable positive number from a column, else None (None, 0, negatives and NaN are "not entered")."""
    if value is None or isinstance(value, bool):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) and result > 0 else None


def spec_name(spec: Any) -> str | None:
    return None if spec is None else f"{spec.manufacturer} {spec.model}".strip()


def spec_ref(spec: Any) -> dict[str, Any] | None:
    return None if spec is None else {"id": str(spec.id), "name": spec_name(spec), "category": spec.category}


def error_fields(err: CalcError, names: dict[str, str]) -> dict[str, str]:
    return {"field": names.get(err.field, err.field), "reason": err.reason}


def missing_spec_numbers(spec: Any, ref_field: str, prefix: str, names: Sequence[str]) -> list[str]:
    if spec is None:
        return [ref_field]
    return [f"{prefix}.{name}" for name in names if entered(getattr(spec, name)) is None]


def show_supply(production: Any) -> dict[str, Any]:
    """The show's supply (docs/MATHS.md): its own volts, phases and breaker, else 120 V, 1 phase, 15 A."""
    volts = entered(getattr(production, "power_volts", None)) if production is not None else None
    phases = getattr(production, "power_phases", None) if production is not None else None
    breaker = entered(getattr(production, "power_breaker_a", None)) if production is not None else None
    return {
        "volts": volts or DEFAULT_SUPPLY["volts"],
        "phases": phases or DEFAULT_SUPPLY["phases"],
        "breaker_amps": breaker or DEFAULT_SUPPLY["breaker_amps"],
        "from_show": any(v is not None for v in (volts, phases, breaker)),
    }


def show_headroom(production: Any) -> float:
    """The show's IP headroom rule: the fraction of a link flows may fill (default 0.9)."""
    value = entered(getattr(production, "ip_max_utilisation", None)) if production is not None else None
    return value or sdi.DEFAULT_MAX_UTILISATION


#: A show without a supply of its own: 120 V, single phase, 15 A circuits (the previous app's planner).
DEFAULT_SUPPLY = {"volts": 120.0, "phases": 1, "breaker_amps": 15.0}


def explain(formula: str, inputs: dict[str, Any], source: str) -> dict[str, Any]:
    """One figure's "how was this computed?": the formula, the inputs it used and where the rule comes from;
    ``inputs_text`` is the inputs as people read them (the one formatter, :mod:`vpm.calc.display`)."""

    def text(key: str, value: Any) -> str:
        if isinstance(value, list) and all(isinstance(v, (int, float)) for v in value):
            return " × ".join(display.format_value(v, *display.unit_of(key)) for v in value)
        return display.format_value(value, *display.unit_of(key))

    return {
        "formula": formula,
        "inputs": inputs,
        "source": source,
        "inputs_text": ", ".join(f"{display.label_of(k).lower()} {text(k, v)}" for k, v in inputs.items()),
    }
