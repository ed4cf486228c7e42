"""LED walls, projection surfaces, projectors and cameras: their derived numbers in every read shape.

Each hook keeps the device behaviour of :class:`DeviceHooks` (labels, references, ports) and adds
``derived`` / ``derived_missing`` / ``derived_error`` from :mod:`vpm.services.derived`. Because
the numbers are part of the read shape, they are in the API answers and in every change event's
``data``, so other people's pages get them with the normal change events.

Reading a list must not cost one query per row: the specs (and, for surfaces, the projectors
aimed at them) of the whole show are fetched once per request and kept in the ``cache`` dict
that :func:`vpm.services.serialize.serialize` passes to every row of the list.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vpm.calc.errors import CalcError
from vpm.domain.devices import LedScreen, ProjectionScreen
from vpm.domain.library import EquipmentSpec
from vpm.domain.registry import EntitySpec
from vpm.services import derived
from vpm.services.errors import ValidationFailed
from vpm.services.hooks.devices import DeviceHooks


def specs_by_id(session: Session, cache: dict[str, Any], ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, Any]:
    """Equipment specs by id, memoised in ``cache``; the ones not yet known come in one query."""
    known: dict[uuid.UUID, Any] = cache.setdefault("derived:specs", {})
    wanted = {i for i in ids if i is not None and i not in known}
    if wanted:
        for spec in session.scalars(select(EquipmentSpec).where(EquipmentSpec.id.in_(wanted))):
            known[spec.id] = spec
        for i in wanted:
            known.setdefault(i, None)
    return known


def _prefetch(session: Session, cache: dict[str, Any], key: str, columns: tuple[Any, ...], production_id: Any,
              model: type) -> None:
    """Load, once per request, every spec that a kind of device of this show points at."""
    marker = f"derived:{key}:{production_id}"
    if marker in cache:
        return
    rows = session.execute(select(*columns).where(model.production_id == production_id,
                                                  model.deleted_at.is_(None))).all()
    specs_by_id(session, cache, (value for row in rows for value in row))
    cache[marker] = True


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class LedScreenHooks(DeviceHooks):
    """An LED wall: its grid is checked on every write, tile_cols/tile_rows follow the painted grid
    (and a resize crops or pads it), and its read shape carries the wall's numbers."""

    def validate(self, ctx: Any, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        super().validate(ctx, spec, data, obj, is_new)
        grid = data.get("tile_grid")
        if grid is not None:
            try:
                normal = derived.check_grid(grid)
            except CalcError as err:
                raise ValidationFailed(err.field, err.reason) from None
            for name, key in (("tile_cols", "cols"), ("tile_rows", "rows")):
                if data.get(name) is not None and data[name] != normal[key]:
                    raise ValidationFailed("tile_grid", f"the grid is {normal['cols']} x {normal['rows']} but "
                                           f"{name} is {data[name]}; send both, or only one of them")
        for name in ("tile_cols", "tile_rows"):
            value = data.get(name)
            if value is not None and not 1 <= value <= derived.MAX_GRID_SIDE:
                raise ValidationFailed(name, f"must be from 1 to {derived.MAX_GRID_SIDE} tiles")
        if data.get("tile_cols") and data.get("tile_rows") \
                and data["tile_cols"] * data["tile_rows"] > derived.MAX_GRID_CELLS:
            raise ValidationFailed("tile_cols", f"a wall has at most {derived.MAX_GRID_CELLS} tiles")

    def before_create(self, ctx: Any, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        super().before_create(ctx, spec, obj, options)
        grid = obj.tile_grid
        if isinstance(grid, dict):
            for name, key in (("tile_cols", "cols"), ("tile_rows", "rows")):
                if getattr(obj, name) is None and _whole(grid.get(key)):
                    setattr(obj, name, grid[key])

    def on_update(self, ctx: Any, spec: EntitySpec, obj: Any, changes: dict[str, Any], options: dict[str, Any]) -> None:
        super().on_update(ctx, spec, obj, changes, options)
        if "tile_grid" in changes:
            grid = changes["tile_grid"]
            if isinstance(grid, dict):
                for name, key in (("tile_cols", "cols"), ("tile_rows", "rows")):
                    if name not in changes and _whole(grid.get(key)) and getattr(obj, name) != grid[key]:
                        changes[name] = grid[key]
            return
        if ("tile_cols" in changes or "tile_rows" in changes) and isinstance(obj.tile_grid, dict):
            cols = changes.get("tile_cols", obj.tile_cols)
            rows = changes.get("tile_rows", obj.tile_rows)
            if isinstance(cols, int) and isinstance(rows, int) and 1 <= cols <= derived.MAX_GRID_SIDE \
                    and 1 <= rows <= derived.MAX_GRID_SIDE:
                changes["tile_grid"] = derived.resize_grid(obj.tile_grid, cols, rows)
            elif cols is None and rows is None:
                changes["tile_grid"] = None

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        out = super().extra_read(session, obj, detail, cache)
        tile, processor = self.specs(session, obj, cache)
        out.update(derived.led_numbers(obj, tile, processor).as_fields())
        return out

    @staticmethod
    def specs(session: Session, obj: Any, cache: dict[str, Any]) -> tuple[Any, Any]:
        """The wall's tile spec and processor spec (the show's LED specs come in one query)."""
        _prefetch(session, cache, "led", (LedScreen.equipment_spec_id, LedScreen.processor_spec_id),
                  obj.production_id, LedScreen)
        known = specs_by_id(session, cache, (obj.equipment_spec_id, obj.processor_spec_id))
        return known.get(obj.equipment_spec_id), known.get(obj.processor_spec_id)


class ProjectorHooks(DeviceHooks):
    """A projector position: lumens x stacked units, native raster, its lens's throw range."""

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        out = super().extra_read(session, obj, detail, cache)
        _prefetch(session, cache, "projectors", (ProjectionScreen.equipment_spec_id, ProjectionScreen.lens_spec_id),
                  obj.production_id, ProjectionScreen)
        known = specs_by_id(session, cache, (obj.equipment_spec_id, obj.lens_spec_id))
        numbers = derived.projector_numbers(obj, known.get(obj.equipment_spec_id), known.get(obj.lens_spec_id))
        out.update(numbers.as_fields())
        return out


def aimed_at(session: Session, surface: Any, cache: dict[str, Any]) -> list[derived.Aimed]:
    """The live projectors whose ``surface_id`` is this surface, with their specs. All projectors
    of the show that are aimed anywhere are read once per request."""
    key = f"derived:aimed:{surface.production_id}"
    if key not in cache:
        rows = list(session.scalars(
            select(ProjectionScreen).where(ProjectionScreen.production_id == surface.production_id,
                                           ProjectionScreen.deleted_at.is_(None),
                                           ProjectionScreen.surface_id.is_not(None))
            .order_by(ProjectionScreen.sort_order, ProjectionScreen.label)))
        specs_by_id(session, cache, (i for pj in rows for i in (pj.equipment_spec_id, pj.lens_spec_id)))
        grouped: dict[uuid.UUID, list[Any]] = {}
        for pj in rows:
            grouped.setdefault(pj.surface_id, []).append(pj)
        cache[key] = grouped
    known = specs_by_id(session, cache, ())
    return [derived.Aimed(pj, known.get(pj.equipment_spec_id), known.get(pj.lens_spec_id))
            for pj in cache[key].get(surface.id, [])]


class ProjectionSurfaceHooks(DeviceHooks):
    """A projection surface: area and aspect, and brightness from the projectors aimed at it."""

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        out = super().extra_read(session, obj, detail, cache)
        out.update(derived.surface_numbers(obj, aimed_at(session, obj, cache)).as_fields())
        return out


class CameraHooks(DeviceHooks):
    """A camera: the frame at its shooting distance with its focal length."""

    def extra_read(self, session: Any, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        out = super().extra_read(session, obj, detail, cache)
        out.update(derived.camera_numbers(obj).as_fields())
        return out
