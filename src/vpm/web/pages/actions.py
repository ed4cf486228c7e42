"""JSON operations the pages need beyond the eight routes of every entity: start a show from another
one, and create many rows at once (a paste from a spreadsheet) in one transaction."""

# No ``from __future__ import annotations``: FastAPI reads the body models from real annotations.

from typing import Any, Literal

from fastapi import Body, Depends
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vpm.db.engine import Database
from vpm.domain.registry import REGISTRY
from vpm.domain.schemas import create_schema
from vpm.services import duplicate as dup
from vpm.services.context import Actor, writing
from vpm.services.entities import create_in
from vpm.services.errors import NotFound, ValidationFailed
from vpm.services.serialize import serialize
from vpm.web.routers import checked_router
from vpm.web.deps import get_actor, get_db
from vpm.web.errors import validation_body

router = checked_router(tags=["Pages support"])

MAX_BULK = 1000


class DuplicateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    show_name: str = Field(..., min_length=1, max_length=200)
    client: str | None = Field(None, max_length=200)
    venue: str | None = Field(None, max_length=200)
    room: str | None = Field(None, max_length=200)
    load_in: str | None = None
    load_out: str | None = None
    include_connections: bool = True
    checklist: Literal["copy", "default", "none"] = "copy"
    include_ip_plan: bool = True


@router.post(
    "/api/productions/{production_id}/duplicate",
    status_code=201,
    summary="A new show from this one: devices with ports, and optionally patch, checklist and IP plan",
)
def duplicate_show(
    production_id: str, body: DuplicateBody, db: Database = Depends(get_db), actor: Actor = Depends(get_actor)
) -> Any:
    spec = REGISTRY["productions"]
    fields = {
        k: v for k, v in body.model_dump(exclude_unset=True).items() if k in spec.field_map and v not in (None, "")
    }
    fields["show_name"] = body.show_name
    schema = create_schema(spec)
    try:
        checked = schema.model_validate(fields | {"checklist_template": False}).model_dump(exclude_unset=True)
    except ValidationError as exc:
        return _invalid(exc)
    checked.pop("checklist_template", None)
    return dup.duplicate_production(
        db,
        production_id,
        checked,
        actor,
        include_connections=body.include_connections,
        checklist=body.checklist,
        include_ip_plan=body.include_ip_plan,
    )


def _invalid(exc: ValidationError, prefix: str = "") -> Any:
    from fastapi.responses import JSONResponse

    errors = [dict(e) | {"loc": (prefix, *e["loc"]) if prefix else e["loc"]} for e in exc.errors()]
    return JSONResponse(validation_body(errors), status_code=422)


@router.post(
    "/api/{slug}/bulk", status_code=201, summary="Create many rows of one kind in one transaction (all or nothing)"
)
def bulk_create(
    slug: str,
    items: list[dict[str, Any]] = Body(..., embed=True),
    production_id: str | None = Body(None, embed=True),
    db: Database = Depends(get_db),
    actor: Actor = Depends(get_actor),
) -> Any:
    spec = REGISTRY.get(slug)
    if spec is None:
        raise NotFound(f"no entity kind {slug!r}")
    if spec.slug == "productions":
        raise ValidationFailed("slug", "shows are created one at a time")
    if spec.per_production and not production_id:
        raise ValidationFailed("production_id", "is required for a per-show entity")
    if not 0 < len(items) <= MAX_BULK:
        raise ValidationFailed("items", f"send between 1 and {MAX_BULK} rows")
    schema = create_schema(spec)
    rows = []
    for n, raw in enumerate(items):
        try:
            values = schema.model_validate(raw).model_dump()
        except ValidationError as exc:
            return _invalid(exc, f"items.{n}")
        options = {k: values.pop(k) for k in list(values) if k in spec.create_options}
        rows.append((values, options))
    with writing(db, actor) as ctx:
        made = []
        for n, (values, options) in enumerate(rows):
            try:
                obj = create_in(ctx, spec, values, options, production_id if spec.per_production else None)
            except ValidationFailed as exc:
                first, *more = [(f"items.{n}.{e['field']}", e["reason"]) for e in exc.errors]
                raise ValidationFailed(*first, *more) from None
            made.append(obj)
        result = [serialize(spec, o, ctx.session) for o in made]
    return {"items": result, "total": len(result)}
