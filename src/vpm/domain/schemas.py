"""Pydantic models derived from the registry: create, patch and read shapes of every entity."""

from __future__ import annotations

import datetime as dt
import uuid
from functools import cache
from typing import Any, Literal, Optional

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from vpm.domain.registry import EntitySpec, FieldInfo


class StrictInput(BaseModel):
    """Unknown fields are refused (422), never passed on to the database."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, allow_inf_nan=False)


INT32 = 2**31 - 1
#: No measurement of a show is this big; past it, derived figures (areas, brightness, bandwidth)
#: overflow or lose all meaning, so a number field refuses it as bad input.
MAX_NUMBER = 1e9


def _no_nul(value: Any) -> Any:
    """Text with a NUL byte cannot be stored by PostgreSQL; refuse it as bad input, anywhere in JSON too
    (and numbers no JSON answer can carry: not finite, or whole numbers past 64 bits)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
    elif isinstance(value, dict):
        for k, v in value.items():
            _no_nul(k)
            _no_nul(v)
    elif isinstance(value, list):
        for v in value:
            _no_nul(v)
    elif isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ValueError("must be a finite number")
    elif isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        # JSON encoders (and PostgreSQL's jsonb numbers as read back) stop at 64 bits
        raise ValueError("holds a whole number past 64 bits")
    return value


SafeStr = Annotated[str, AfterValidator(_no_nul)]
SafeJson = Annotated[Any, AfterValidator(_no_nul)]


def _value_type(f: FieldInfo) -> Any:
    if f.choices:
        return Literal[f.choices]
    if f.type == "json":
        return SafeJson
    if f.python_type is str:
        return SafeStr
    return f.python_type


def _field_kwargs(f: FieldInfo) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if f.max_length:
        kwargs["max_length"] = f.max_length
    if f.type == "integer":
        kwargs["ge"], kwargs["le"] = -INT32, INT32
    if f.type == "number":
        kwargs["ge"], kwargs["le"] = -MAX_NUMBER, MAX_NUMBER
    if f.secret:
        kwargs["json_schema_extra"] = {"writeOnly": True}
    return kwargs


def _name(spec: EntitySpec, suffix: str) -> str:
    return "".join(p.capitalize() for p in spec.slug.split("-")) + suffix


@cache
def create_schema(spec: EntitySpec) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for f in spec.writable_fields:
        t = _value_type(f)
        kw = _field_kwargs(f)
        if f.required:
            if f.type in ("string", "text") and not f.choices:
                kw["min_length"] = 1
            fields[f.name] = (t, Field(..., **kw))
        elif f.nullable:
            fields[f.name] = (Optional[t], Field(None, **kw))  # noqa: UP045
        else:
            fields[f.name] = (t, Field(f.default, **kw))
    for name, (t, default) in spec.create_options.items():
        fields[name] = (t, Field(default))
    return create_model(_name(spec, "Create"), __base__=StrictInput, **fields)


@cache
def patch_schema(spec: EntitySpec) -> type[BaseModel]:
    fields: dict[str, Any] = {
        "version": (Optional[int], Field(None, description="The version this edit started from (required).")),  # noqa: UP045
    }
    for f in spec.writable_fields:
        if f.name in spec.immutable:
            continue
        t = _value_type(f)
        kw = _field_kwargs(f)
        if f.required and f.type in ("string", "text") and not f.choices:
            kw["min_length"] = 1
        fields[f.name] = ((Optional[t] if f.nullable else t), Field(None, **kw))  # noqa: UP045
    for name, (t, default) in spec.patch_options.items():
        fields[name] = (t, Field(default))
    return create_model(_name(spec, "Patch"), __base__=StrictInput, **fields)


#: The read and list shapes only document the answers (OpenAPI); nothing validates or serialises with
#: them. ``defer_build``: their validators and serialisers (and those of the routes' documented
#: responses) are not built when the app starts, only their JSON schemas when /openapi.json is asked for.
_DOCUMENTATION_ONLY = ConfigDict(defer_build=True)


@cache
def read_schema(spec: EntitySpec) -> type[BaseModel]:
    """For documentation (OpenAPI); responses are built by ``services.serialize``."""
    fields: dict[str, Any] = {}
    for f in spec.fields:
        t = _value_type(f)
        fields[f.name] = (Optional[t], None)  # noqa: UP045
    return create_model(_name(spec, "Read"), __config__=_DOCUMENTATION_ONLY | ConfigDict(extra="allow"), **fields)


@cache
def list_schema(spec: EntitySpec) -> type[BaseModel]:
    return create_model(
        _name(spec, "List"),
        __config__=_DOCUMENTATION_ONLY,
        items=(list[read_schema(spec)], ...),  # type: ignore[misc, arg-type]
        total=(int, ...),
    )


def jsonable(value: Any) -> Any:
    """A column value as JSON: UUIDs and times as strings."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)
