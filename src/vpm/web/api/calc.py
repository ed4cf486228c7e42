"""The crew's maths over HTTP: every calculator of ``vpm.calc.registry``, and the show-aware numbers.

* ``GET /api/calc`` lists the calculators (name, summary, parameters with types, defaults and
  units, the rule's source).
* ``GET|POST /api/calc/{name}`` runs one, from query parameters or a JSON object body. Inputs are
  typed and checked from the calculator's own description: a wrong type, an unknown parameter,
  NaN or a number out of range is a 422 naming the parameter; the calculators' own checks
  (zero or negative sizes, rate 0 ...) come back the same way (``CalcError``).
* ``/api/led-screens/{id}/plan``, ``/api/screens/{id}/analysis``,
  ``/api/cameras/{id}/framing`` and ``/api/productions/{pid}/cable-totals`` run them on the show's
  own records (see :mod:`vpm.services.derived`).
"""

from __future__ import annotations

import inspect
import json
import logging
import math
import re
import types
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from vpm.calc import registry
from vpm.calc.cables import MAX_RUN_FT, MAX_STOCK_LENGTHS
from vpm.calc.errors import CalcError
from vpm.calc.units import M_PER_FOOT
from vpm.db.engine import Database
from vpm.domain.library import EquipmentSpec
from vpm.domain.ports import Connection
from vpm.domain.registry import REGISTRY
from vpm.services import derived
from vpm.services import entities as svc
from vpm.services.errors import NotFound
from vpm.services.hooks.displays import LedScreenHooks, aimed_at, show_of
from vpm.web.routers import checked_router
from vpm.web.deps import get_db

log = logging.getLogger("vpm.web.calc")
router = checked_router()
TAG = "Calculators"

#: Bounds on what the API hands the calculators: numbers a show can have, lists and text a person
#: can type. Beyond them the answer is a 422, never an overflow deep inside a formula.
MAX_MAGNITUDE = 1e12
MIN_MAGNITUDE = 1e-9
MAX_TEXT = 500
MAX_ITEMS = 10_000
MAX_BODY_BYTES = 1_000_000
#: plan_chains walks every cell of the grid.
MAX_CHAIN_CELLS = 250_000


# ---------------------------------------------------------------- types from the signatures


@dataclass(frozen=True)
class Kind:
    """A parameter type read from its annotation text: a scalar ("int", "float", "str", "bool",
    "any"), a list of ``item``, or a fixed tuple of ``items``."""

    name: str
    optional: bool = False
    item: Kind | None = None
    items: tuple[Kind, ...] = ()

    @property
    def json_type(self) -> str:
        base = {"int": "integer", "float": "number", "str": "string", "bool": "boolean", "any": "scalar"}
        if self.name == "list":
            return f"array of {self.item.json_type if self.item else 'scalar'}"
        if self.name == "tuple":
            return "array [" + ", ".join(k.json_type for k in self.items) + "]" if self.items else "array"
        return base[self.name]


def kind_of(annotation: Any) -> Kind:
    """Kind of a calculator parameter from its real annotation (``typing.get_type_hints``):
    ``int``, ``float | None``, ``tuple[float, ...] | list[float]`` (a list: the first alternative
    that is not None decides), ``Iterable[Iterable[int]]``, ``Iterable[tuple[str, float, float]]``,
    ``Iterable[tuple]``. Anything else is "any" (a number or text)."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        concrete = [a for a in args if a is not type(None)]
        inner = kind_of(concrete[0]) if concrete else Kind("any")
        return replace(inner, optional=type(None) in args)
    if annotation in (int, float, str, bool):
        return Kind(annotation.__name__)
    if annotation is tuple:
        return Kind("tuple")
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        return Kind("tuple", items=tuple(kind_of(a) for a in args))
    if origin is not None and args:  # list[x], tuple[x, ...], Iterable[x], Sequence[x]
        return Kind("list", item=kind_of(args[0]))
    return Kind("any")


@cache
def param_kinds(name: str) -> dict[str, tuple[Kind, bool]]:
    """Each parameter of a calculator: (its Kind from the function's type hints, whether it is required)."""
    func = registry.get_calculator(name)
    hints = get_type_hints(func)
    return {
        param.name: (kind_of(hints.get(param.name, Any)), param.default is inspect.Parameter.empty)
        for param in inspect.signature(func).parameters.values()
    }


# ---------------------------------------------------------------- coercion


def _finite(field: str, value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        raise CalcError(field, "must be a finite number")
    if abs(value) > MAX_MAGNITUDE:
        raise CalcError(field, f"must be at most {MAX_MAGNITUDE:g} in size, got {value!r}")
    if value != 0 and abs(value) < MIN_MAGNITUDE:
        raise CalcError(field, f"must be 0 or at least {MIN_MAGNITUDE:g} in size, got {value!r}")
    return value


class JsonConstant:
    """NaN, Infinity or -Infinity met in a JSON body (Python's parser accepts them; JSON does not)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


def parse_body(body: bytes) -> Any:
    """A JSON body; NaN/Infinity become :class:`JsonConstant` so the parameter holding them is named."""
    if len(body) > MAX_BODY_BYTES:
        raise CalcError("body", f"must be at most {MAX_BODY_BYTES} bytes")
    if not body.strip():
        return {}
    try:
        return json.loads(body, parse_constant=JsonConstant)
    except ValueError:
        raise CalcError("body", "the body is not valid JSON") from None


def coerce_json(field: str, kind: Kind, value: Any) -> Any:
    """A JSON value checked against ``kind`` (CalcError on ``field`` otherwise)."""
    if isinstance(value, JsonConstant):
        raise CalcError(field, f"{value.name} is not a number")
    if value is None:
        if kind.optional:
            return None
        raise CalcError(field, f"must be {kind.json_type}, not null")
    if kind.name == "bool":
        if not isinstance(value, bool):
            raise CalcError(field, f"must be true or false, got {value!r}")
        return value
    if kind.name in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise CalcError(field, f"must be a number, got {value!r}")
        if isinstance(value, int) and abs(value) > MAX_MAGNITUDE:  # before float(): 10**400 overflows
            raise CalcError(field, f"must be at most {MAX_MAGNITUDE:g} in size")
        number = _finite(field, float(value))
        if kind.name == "int":
            if number != int(number):
                raise CalcError(field, f"must be a whole number, got {value!r}")
            return int(number)
        return value if isinstance(value, int) else number
    if kind.name == "str":
        if not isinstance(value, str):
            raise CalcError(field, f"must be text, got {value!r}")
        if len(value) > MAX_TEXT or "\x00" in value:
            raise CalcError(field, f"must be text of at most {MAX_TEXT} characters without NUL")
        return value
    if kind.name == "any":
        if isinstance(value, str):
            return coerce_json(field, Kind("str"), value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return (
                coerce_json(field, Kind("float"), value)
                if isinstance(value, float)
                else coerce_json(field, Kind("int"), value)
            )
        if isinstance(value, bool):
            return value
        raise CalcError(field, f"must be a number or text, got {value!r}")
    if not isinstance(value, list):
        raise CalcError(field, f"must be {kind.json_type}, got {value!r}")
    if len(value) > MAX_ITEMS:
        raise CalcError(field, f"at most {MAX_ITEMS} items")
    if kind.name == "tuple":
        if kind.items and len(value) != len(kind.items):
            raise CalcError(field, f"must be {kind.json_type}, got {value!r}")
        return (
            [coerce_json(field, k, v) for k, v in zip(kind.items, value, strict=True)]
            if kind.items
            else [coerce_json(field, Kind("any"), v) for v in value]
        )
    return [coerce_json(field, kind.item or Kind("any"), v) for v in value]


_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


def coerce_query(field: str, kind: Kind, values: list[str]) -> Any:
    """Query text (one or several values of a parameter) checked against ``kind``."""
    if kind.name in ("list", "tuple"):
        if len(values) == 1 and values[0].strip().startswith("["):
            try:
                parsed = json.loads(values[0], parse_constant=JsonConstant)
            except ValueError:
                raise CalcError(field, "is not a valid JSON array") from None
            return coerce_json(field, kind, parsed)
        texts = values if len(values) > 1 else [v for v in values[0].split(",") if v.strip()] if values[0] else []
        item = kind.item or Kind("any")
        if item.name in ("list", "tuple") or kind.name == "tuple":
            raise CalcError(field, "give this list as a JSON array, e.g. [[0, 1], [2, 3]]")
        return coerce_json(field, kind, [_scalar_from_text(field, item, t) for t in texts])
    if len(values) > 1:
        raise CalcError(field, "given more than once")
    text = values[0]
    if kind.optional and text.strip().lower() in ("", "null", "none"):
        return None
    return coerce_json(field, kind, _scalar_from_text(field, kind, text))


def _scalar_from_text(field: str, kind: Kind, text: str) -> Any:
    raw = text.strip()
    if kind.name == "bool":
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise CalcError(field, f"must be true or false, got {text!r}")
    if kind.name in ("int", "float"):
        try:
            number = float(raw)
        except ValueError:
            raise CalcError(field, f"must be a number, got {text!r}") from None
        if (
            kind.name == "int"
            and math.isfinite(number)
            and number == int(number)
            and "." not in raw
            and "e" not in raw.lower()
        ):
            return int(raw)
        return number
    if kind.name == "any":
        try:
            return float(raw)
        except ValueError:
            return text
    return text


# ---------------------------------------------------------------- the catalogue

_SUFFIX_UNITS = (
    ("_m2", "m²"),
    ("_mm", "mm"),
    ("_m", "m"),
    ("_ft", "ft"),
    ("_kg", "kg"),
    ("_px", "px"),
    ("_gbps", "Gb/s"),
    ("_mbps", "Mb/s"),
    ("_lux", "lx"),
    ("_hz", "Hz"),
    ("_us", "µs"),
    ("_deg", "°"),
)
_NAME_UNITS = {
    "h": "px",
    "v": "px",
    "w": "px",
    "rate": "Hz",
    "pixels": "px",
    "total_pixels": "px",
    "pixels_per_port": "px",
    "processor_max_pixels": "px",
    "max_pixels_per_input": "px",
    "x": "px",
    "y": "px",
    "crop_h": "px",
    "crop_v": "px",
    "input_w": "px",
    "input_h": "px",
    "output_w": "px",
    "source_w": "px",
    "source_h": "px",
    "box_w": "px",
    "box_h": "px",
    "canvas_w": "px",
    "canvas_h": "px",
    "pixels_w": "px",
    "watts": "W",
    "tile_watts": "W",
    "max_w": "W",
    "typical_w": "W",
    "tile_power_max_w": "W",
    "tile_power_typical_w": "W",
    "half_tile_power_max_w": "W",
    "power_w": "W",
    "volts": "V",
    "breaker_amps": "A",
    "amps_per_unit": "A",
    "lumens": "lm",
    "lumens_per_projector": "lm",
    "image_nits": "cd/m²",
    "ppi": "px/in",
    "inches": "in",
    "payload_bytes": "B",
    "bits_per_component": "bit",
    "bit_depth": "bit",
    "run_rate": "fraction",
    "usage": "fraction",
    "transmission": "fraction",
    "max_utilisation": "fraction",
    "throw_ratio": "ratio (distance / width)",
    "throw_ratio_needed": "ratio (distance / width)",
    "tolerance": "ratio (distance / width)",
    "gain": "factor",
    "extender": "factor",
    "scale": "factor",
    "columns": "tiles",
    "rows": "tiles",
    "half_rows": "rows of half tiles",
    "corner_tiles": "tiles",
    "tiles_high": "tiles",
    "max_hang": "tiles",
    "max_stack": "tiles",
    "tile_count": "tiles",
    "max_chain_length": "tiles",
    "count": "projectors",
    "projectors_per_stack": "projectors",
    "stacks": "stacks",
    "units": "units",
    "phases": "phases",
    "processor_ports": "ports",
    "ports_per_processor": "ports",
    "voids": "(column, row) tiles",
    "flows_gbps": "Gb/s",
    "lenses": "(name, min ratio, max ratio)",
    "cables": "(type, length ft[, count])",
    "stock_lengths_ft": "ft",
    "segments": "(cable type, length m)",
    "min_overlap": "fraction",
    "channels": "channels",
    "bytes_per_frame": "B",
    "frame_lines": "lines",
    "cable_type": "text",
    "screen_width": "any length unit (same for both)",
    "screen_height": "any length unit (same for both)",
    "throw_distance": "any length unit (same as image_width)",
    "image_width": "any length unit",
    "given_w": "any unit (same for all)",
    "given_h": "any unit (same for all)",
    "adjusted_w": "any unit (same for all)",
    "adjusted_h": "any unit (same for all)",
}
_REFERENCES = re.compile(
    r"[A-Z][A-Za-z ]*![A-Z]{1,2}\d+(?::[A-Z]{1,2}\d+)?"
    r"|SMPTE ST \d+(?:-\d+)?|CTA-861(?:-[A-Z])?|VESA CVT(?: \d\.\d)?|NEC \d+\.\d+\([A-Z]\)(?:/\d+\.\d+\([A-Z]\))?"
    r"|HDMI \d\.\d\w?|DisplayPort \d\.\d|RFC \d+|reference(?: inventory)? §\d+(?:\.\d+)*"
    r"|\"[A-Z][A-Za-z ]+\" sheet|[A-Z][A-Z ]{3,}[A-Z] sheet|the previous app's [A-Za-z ]+?(?=[,.;)])"
)


#: Units of a size or a rate: a required parameter in one of them must be greater than 0 (the
#: calculators themselves let a few through as "empty", like the spreadsheet's blank rows).
SIZE_UNITS = frozenset({"px", "mm", "m", "m²", "ft", "in", "Hz"})


def is_size(unit: str | None) -> bool:
    return unit is not None and (unit in SIZE_UNITS or unit.startswith(("any length unit", "any unit")))


def unit_of(name: str) -> str | None:
    """The unit of a calculator parameter, from its name (``tile_w_mm`` -> mm)."""
    if name in _NAME_UNITS:
        return _NAME_UNITS[name]
    if "_px_" in name:
        return "px"
    for suffix, unit in _SUFFIX_UNITS:
        if name.endswith(suffix):
            return unit
    return None


def _references(text: str) -> list[str]:
    seen: list[str] = []
    for match in _REFERENCES.finditer(text.replace("\n", " ")):
        found = re.sub(r"\s+", " ", match.group(0)).strip()
        if found not in seen:
            seen.append(found)
    return seen


@cache
def describe(name: str) -> dict[str, Any]:
    """registry.describe() plus each parameter's unit and JSON type, the full rule text and its
    sources (references found in the function's docstring, else in its module's)."""
    base = registry.describe(name)
    func = registry.get_calculator(name)
    doc = inspect.getdoc(func) or ""
    module_doc = inspect.getdoc(inspect.getmodule(func)) or ""
    params = []
    kinds = param_kinds(name)
    for param in base["parameters"]:
        kind = kinds[param["name"]][0]
        unit = unit_of(param["name"])
        params.append(
            {
                **param,
                "default": derived.jsonable(param["default"]),
                "json_type": kind.json_type,
                "unit": unit,
                "positive": bool(param["required"] and is_size(unit) and kind.name in ("int", "float")),
            }
        )
    return {
        **base,
        "parameters": params,
        "doc": doc,
        "url": f"/api/calc/{name}",
        "source": {
            "module": base["module"],
            "module_summary": module_doc.split("\n")[0],
            "references": _references(doc) or _references(module_doc),
        },
    }


@router.get("/api/calc", tags=[TAG], summary="Every calculator: parameters with types, defaults and units, and sources")
def list_calculators() -> Any:
    modules = {}
    for name in registry.calculator_names():
        module = inspect.getmodule(registry.get_calculator(name))
        if module is not None and module.__name__ not in modules:
            modules[module.__name__] = inspect.getdoc(module) or ""
    return JSONResponse({"items": [describe(n) for n in registry.calculator_names()], "modules": modules})


@router.get("/api/calc/{name}", tags=[TAG], summary="Run a calculator with query parameters")
def run_get(name: str, request: Request) -> Any:
    _known(name)
    raw: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        raw.setdefault(key, []).append(value)
    kinds = param_kinds(name)
    inputs = {}
    for key, values in raw.items():
        if key not in kinds:
            raise CalcError(key, f"is not a parameter of {name}")
        inputs[key] = coerce_query(key, kinds[key][0], values)
    return _run(name, inputs)


@router.post("/api/calc/{name}", tags=[TAG], summary="Run a calculator with a JSON object body")
async def run_post(name: str, request: Request) -> Any:
    _known(name)
    data = parse_body(await request.body())
    if not isinstance(data, dict):
        raise CalcError("body", "must be a JSON object of parameter names and values")
    kinds = param_kinds(name)
    inputs = {}
    for key, value in data.items():
        if key not in kinds:
            raise CalcError(key, f"is not a parameter of {name}")
        inputs[key] = coerce_json(key, kinds[key][0], value)
    for key, _value in request.query_params.multi_items():
        if key not in kinds:
            raise CalcError(key, f"is not a parameter of {name}")
        if key in inputs:
            raise CalcError(key, "given both in the query and in the body")
    for key in {k for k, _ in request.query_params.multi_items()}:
        inputs[key] = coerce_query(key, kinds[key][0], request.query_params.getlist(key))
    return _run(name, inputs)


def _known(name: str) -> None:
    if name not in registry.calculator_names():
        raise NotFound(f"no calculator named {name!r}; GET /api/calc lists them")


def _run(name: str, inputs: dict[str, Any]) -> JSONResponse:
    kinds = param_kinds(name)
    for key, (_kind, required) in kinds.items():
        if required and key not in inputs:
            raise CalcError(key, "is required")
    for param in describe(name)["parameters"]:
        value = inputs.get(param["name"])
        if param["positive"] and isinstance(value, (int, float)) and value <= 0:
            raise CalcError(param["name"], f"must be greater than 0, got {value!r}")
    _limits(name, inputs)
    args = {
        k: (tuple(tuple(i) if isinstance(i, list) else i for i in v) if isinstance(v, list) else v)
        for k, v in inputs.items()
    }
    try:
        result = registry.get_calculator(name)(**args)
    except (OverflowError, ZeroDivisionError) as exc:  # the bounds above keep these out; never a 500
        log.warning("calculator %s overflowed on %r: %s", name, inputs, exc)
        field = next(iter(inputs), "body")
        raise CalcError(field, "the inputs are too far out of range for this calculator") from None
    defaults = {p["name"]: p["default"] for p in describe(name)["parameters"] if not p["required"]}
    echo = {**defaults, **derived.jsonable(inputs)}
    return JSONResponse({"calculator": name, "inputs": echo, "result": derived.jsonable(result)})


def _limits(name: str, inputs: dict[str, Any]) -> None:
    """Keep the calculators that walk a grid or a table within what a show has."""
    if name == "plan_chains":
        cols, rows = inputs.get("columns"), inputs.get("rows")
        if isinstance(cols, int) and isinstance(rows, int) and cols * rows > MAX_CHAIN_CELLS:
            raise CalcError("columns", f"columns x rows must be at most {MAX_CHAIN_CELLS}")
    if name == "split_run":
        if len(inputs.get("stock_lengths_ft") or ()) > MAX_STOCK_LENGTHS:
            raise CalcError("stock_lengths_ft", f"at most {MAX_STOCK_LENGTHS} stock lengths")
        for length in inputs.get("stock_lengths_ft") or ():
            if isinstance(length, (int, float)) and length > MAX_RUN_FT:
                raise CalcError("stock_lengths_ft", f"each stock length must be at most {MAX_RUN_FT} ft")


# ---------------------------------------------------------------- the show's own data


def _query_number(request: Request, name: str, *, positive: bool = True) -> float | None:
    """An optional number from the query: finite, in range, > 0 (or >= 0)."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    value = coerce_query(name, Kind("float", optional=True), values)
    if value is None:
        return None
    if positive and value <= 0:
        raise CalcError(name, f"must be greater than 0, got {value!r}")
    if not positive and value < 0:
        raise CalcError(name, f"must be 0 or more, got {value!r}")
    return value


def _pattern_from_query(request: Request) -> dict[str, Any] | None:
    pattern: dict[str, Any] = {}
    for key in ("order", "start"):
        if key in request.query_params:
            pattern[key] = request.query_params[key]
    for key in ("serpentine", "break_at_line_end"):
        if key in request.query_params:
            pattern[key] = coerce_query(key, Kind("bool"), request.query_params.getlist(key))
    if not pattern:
        return None
    return derived.check_pattern(pattern, "pattern", name_keys=True)


def _plan_answer(db: Database, entity_id: str, grid: dict[str, Any] | None, pattern: dict[str, Any] | None) -> Any:
    spec = REGISTRY["led-screens"]
    with db.read() as session:
        screen = svc.load(session, spec, entity_id)
        cache: dict[str, Any] = {}
        tile, processor = LedScreenHooks.specs(session, screen, cache)
        production = show_of(session, screen, cache)
        return JSONResponse(derived.jsonable(derived.led_plan(screen, tile, processor, grid, pattern, production)))


@router.get(
    "/api/led-screens/{entity_id}/plan",
    tags=[TAG],
    summary="An LED wall's numbers and data-chain plan from its tile spec, processor spec and grid",
)
def led_plan(entity_id: str, request: Request, db: Database = Depends(get_db)) -> Any:
    """Query ``order`` (rows|columns), ``start`` (top-left ...), ``serpentine``, ``break_at_line_end``
    override the chain pattern saved in the grid."""
    return _plan_answer(db, entity_id, None, _pattern_from_query(request))


@router.post(
    "/api/led-screens/{entity_id}/plan",
    tags=[TAG],
    summary="The same plan for a draft grid (nothing is saved): body {tile_grid | tile_cols + tile_rows, pattern}",
)
async def led_plan_draft(entity_id: str, request: Request, db: Database = Depends(get_db)) -> Any:
    data = parse_body(await request.body())
    if not isinstance(data, dict):
        raise CalcError("body", "must be a JSON object")
    unknown = set(data) - {"tile_grid", "tile_cols", "tile_rows", "pattern"}
    if unknown:
        raise CalcError(min(unknown), "is not a field of a draft plan")
    grid = None
    if data.get("tile_grid") is not None:
        grid = derived.check_grid(data["tile_grid"])
    elif "tile_cols" in data or "tile_rows" in data:
        cols = coerce_json("tile_cols", Kind("int"), data.get("tile_cols"))
        rows = coerce_json("tile_rows", Kind("int"), data.get("tile_rows"))
        for field, value in (("tile_cols", cols), ("tile_rows", rows)):
            if not 1 <= value <= derived.MAX_GRID_SIDE:
                raise CalcError(field, f"must be from 1 to {derived.MAX_GRID_SIDE} tiles")
        if cols * rows > derived.MAX_GRID_CELLS:
            raise CalcError("tile_cols", f"a wall has at most {derived.MAX_GRID_CELLS} tiles")
        grid = derived.solid_grid(cols, rows)
    pattern = derived.check_pattern(data["pattern"], "pattern", name_keys=True) if data.get("pattern") else None
    return _plan_answer(db, entity_id, grid, pattern)


@router.get(
    "/api/screens/{entity_id}/analysis",
    tags=[TAG],
    summary="A screen's raster, blend, lumen usage, nits, fL, contrast, throw and the lenses that fit",
)
def screen_analysis(entity_id: str, request: Request, db: Database = Depends(get_db)) -> Any:
    """Query ``throw_distance_m`` (lens to screen; default: the screen's projector assignments)
    and ``tolerance`` (throw ratio slack, default 0)."""
    distance = _query_number(request, "throw_distance_m")
    tolerance = _query_number(request, "tolerance", positive=False) or 0.0
    spec = REGISTRY["screens"]
    with db.read() as session:
        surface = svc.load(session, spec, entity_id)
        cache: dict[str, Any] = {}
        aimed = aimed_at(session, surface, cache)
        lenses = session.scalars(
            select(EquipmentSpec)
            .where(EquipmentSpec.category == "LENS", EquipmentSpec.deleted_at.is_(None))
            .order_by(EquipmentSpec.manufacturer, EquipmentSpec.model)
        ).all()
        answer = derived.screen_analysis(surface, aimed, lenses, distance, tolerance)
        return JSONResponse(derived.jsonable(answer))


@router.get(
    "/api/cameras/{entity_id}/framing",
    tags=[TAG],
    summary="What a camera frames at a distance, and the focal length for a target frame height",
)
def camera_framing(entity_id: str, request: Request, db: Database = Depends(get_db)) -> Any:
    """Query ``distance_m`` (default: the camera's shooting distance), ``focal_length_mm`` (default:
    the camera's), ``frame_height_m`` (target), ``sensor_width_mm``/``sensor_height_mm`` (default
    2/3-inch 16:9), ``lens_min_mm``/``lens_max_mm`` (default: read from the lens name, "UJ86x9.3B")."""
    numbers = {
        name: _query_number(request, name)
        for name in (
            "distance_m",
            "focal_length_mm",
            "frame_height_m",
            "sensor_width_mm",
            "sensor_height_mm",
            "lens_min_mm",
            "lens_max_mm",
        )
    }
    with db.read() as session:
        cam = svc.load(session, REGISTRY["cameras"], entity_id)
        distance = numbers["distance_m"]
        if distance is None and derived.entered(cam.shooting_distance_ft):
            distance = cam.shooting_distance_ft * M_PER_FOOT
        if distance is None:
            raise CalcError("distance_m", "is required: the camera has no shooting_distance_ft")
        focal = numbers["focal_length_mm"] or derived.entered(cam.focal_length_mm)
        if focal is None:
            raise CalcError("focal_length_mm", "is required: the camera has no focal_length_mm")
        lens = None
        if numbers["lens_min_mm"] or numbers["lens_max_mm"]:
            if not (numbers["lens_min_mm"] and numbers["lens_max_mm"]):
                raise CalcError(
                    "lens_max_mm" if numbers["lens_min_mm"] else "lens_min_mm", "give both lens_min_mm and lens_max_mm"
                )
            lens = (numbers["lens_min_mm"], numbers["lens_max_mm"])
        sensor = {k: v for k, v in numbers.items() if k in ("sensor_width_mm", "sensor_height_mm") and v is not None}
        answer = derived.framing(cam, distance, focal, numbers["frame_height_m"], lens_mm=lens, **sensor)
        return JSONResponse(derived.jsonable({"id": str(cam.id), "label": cam.label, **answer}))


@router.get(
    "/api/productions/{production_id}/cable-totals",
    tags=[TAG],
    summary="Cable totals per type from the show's connections, and each run split into stock lengths",
)
def cable_totals(production_id: str, request: Request, db: Database = Depends(get_db)) -> Any:
    """Query ``stock_lengths_ft`` (comma-separated or repeated, default 25,50,100,150,200)."""
    stock: tuple[int, ...] | None = None  # each cable family's own stock lengths
    if request.query_params.getlist("stock_lengths_ft"):
        values = coerce_query(
            "stock_lengths_ft", Kind("list", item=Kind("int")), request.query_params.getlist("stock_lengths_ft")
        )
        if not values:
            raise CalcError("stock_lengths_ft", "needs at least one stock length")
        if len(values) > MAX_STOCK_LENGTHS:
            raise CalcError("stock_lengths_ft", f"at most {MAX_STOCK_LENGTHS} stock lengths")
        for value in values:
            if not 1 <= value <= MAX_RUN_FT:
                raise CalcError("stock_lengths_ft", f"each stock length must be from 1 to {MAX_RUN_FT} ft")
        stock = tuple(values)
    with db.read() as session:
        production = svc.live_production(session, production_id)
        rows = session.execute(
            select(Connection.id, Connection.label, Connection.cable_type, Connection.length_ft)
            .where(Connection.production_id == production.id, Connection.deleted_at.is_(None))
            .order_by(Connection.cable_type, Connection.created_at)
        ).all()
    runs = [derived.Run(str(i), label, kind, length) for i, label, kind, length in rows]
    return JSONResponse(derived.jsonable({"production_id": str(production.id), **derived.cable_report(runs, stock)}))


@router.get(
    "/api/productions/{production_id}/ip-budget",
    tags=[TAG],
    summary="IP video flows summed per network link and per port from the show's signal flow",
)
def ip_budget(production_id: str, db: Database = Depends(get_db)) -> Any:
    """Each network cable (NDI, IP, ST 2110/2022 ports) carries the flow of the format leaving its output;
    links and ports are checked against their speed x the show's headroom rule (``ip_max_utilisation``)."""
    from vpm.services.signal.graph import show_graph

    with db.read() as session:
        production = svc.live_production(session, production_id)
        headroom = derived.show_headroom(production)
    graph = show_graph(db, production_id)
    return JSONResponse(derived.jsonable({"production_id": str(production.id), **derived.ip_budget(graph, headroom)}))
