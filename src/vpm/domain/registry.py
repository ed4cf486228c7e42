"""One registry of entity specs. Schemas, routes, pages, event names and contract tests derive from it.

An entity is a typed SQLAlchemy model plus one :class:`EntitySpec`. Only real domain behaviour
(stamping ports, validating a connection, deriving a due date) is written by hand, as hooks.
"""

from __future__ import annotations

import builtins
import datetime as dt
import enum
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol, overload

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, String, Text, Uuid, inspect
from sqlalchemy.orm import Mapper, Session

from vpm.domain.mixins import SYSTEM_FIELDS


@dataclass(frozen=True)
class FieldInfo:
    """What a client may know about one column of an entity."""

    name: str
    type: str  # "string" | "text" | "integer" | "number" | "boolean" | "datetime" | "uuid" | "json"
    python_type: builtins.type
    nullable: bool
    required: bool
    writable: bool
    default: Any = None
    max_length: int | None = None
    choices: tuple[str, ...] | None = None
    secret: bool = False

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "nullable": self.nullable,
            "required": self.required,
            "writable": self.writable,
            "max_length": self.max_length,
            "choices": list(self.choices) if self.choices else None,
            "secret": self.secret,
        }


def _column_type(col: Any) -> tuple[str, type, int | None]:
    t = col.type
    if isinstance(t, Boolean):
        return "boolean", bool, None
    if isinstance(t, Integer):
        return "integer", int, None
    if isinstance(t, Float):
        return "number", float, None
    if isinstance(t, Uuid):
        return "uuid", uuid.UUID, None
    if isinstance(t, JSON):
        return "json", object, None
    if isinstance(t, DateTime) or getattr(t, "impl", None) is not None and isinstance(t.impl, DateTime):
        return "datetime", dt.datetime, None
    if isinstance(t, Date):
        return "date", dt.date, None
    if isinstance(t, Text):
        return "text", str, None
    if isinstance(t, String):
        return "string", str, t.length
    raise TypeError(f"no API type for column {col} of type {t!r}")


class LiveChoices(Sequence[str]):
    """Choices worked out from the registry when read (e.g. library categories from the device kinds), so a
    kind registered later is offered too."""

    def __init__(self, compute: Callable[[], tuple[str, ...]]) -> None:
        self._compute = compute

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._compute()[index]

    def __len__(self) -> int:
        return len(self._compute())


class WriteContext(Protocol):
    """What a hook sees of one write (the services' ``WriteContext`` has this shape): the session, who
    acts, the events to publish after commit, and a per-write cache."""

    session: Session
    actor: Any
    events: list[dict[str, Any]]
    cache: dict[str, Any]

    def production(self, production_id: uuid.UUID) -> Any: ...


class Hooks:
    """Domain behaviour of an entity. Override only what the entity needs.

    The services layer implements them and installs one per entity with :meth:`Registry.use_hooks`;
    the domain layer never names the services.
    """

    def validate(self, ctx: WriteContext, spec: EntitySpec, data: dict[str, Any], obj: Any, is_new: bool) -> None:
        """Raise ``ValidationFailed`` for bad input. ``data`` is the full new state of the writable
        fields; ``obj`` is the row (not yet inserted when ``is_new``)."""

    def before_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        """Fill derived columns before the insert."""

    def after_create(self, ctx: WriteContext, spec: EntitySpec, obj: Any, options: dict[str, Any]) -> None:
        """Create dependent rows (ports from a spec, checklist from a template ...)."""

    def on_update(
        self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, Any], options: dict[str, Any]
    ) -> None:
        """Adjust ``changes`` (field -> new value) before they are applied."""

    def after_update(self, ctx: WriteContext, spec: EntitySpec, obj: Any, changes: dict[str, tuple[Any, Any]]) -> None:
        """React to applied changes (e.g. restamp ports after a new equipment spec)."""

    def before_delete(self, ctx: WriteContext, spec: EntitySpec, obj: Any) -> None:
        """Soft-delete or detach dependants."""

    def extra_read(self, session: Session, obj: Any, detail: bool, cache: dict[str, Any]) -> dict[str, Any]:
        """Derived fields added to the read shape (ports, due date, link standard ...)."""
        return {}

    def load_options(self, detail: bool) -> list[Any]:
        """SQLAlchemy loader options for reading many rows at once."""
        return []

    def extra_rows(
        self, session: Session, spec: EntitySpec, items: list[dict[str, Any]], detail: bool, cache: dict[str, Any]
    ) -> list[dict[str, Any]] | None:
        """The same derived fields as ``extra_read``, for many rows read without ORM objects
        (``items`` are their read shapes so far); None when there are none."""
        return None

    @property
    def reads_rows(self) -> bool:
        """Whether ``extra_rows`` stands for ``extra_read``: it is defined on the same class as
        ``extra_read`` or on a subclass of it (a subclass that changes only ``extra_read`` needs objects)."""
        mro = type(self).__mro__
        read_at = next(i for i, c in enumerate(mro) if "extra_read" in c.__dict__)
        rows_at = next(i for i, c in enumerate(mro) if "extra_rows" in c.__dict__)
        return rows_at <= read_at


@dataclass(frozen=True, eq=False)
class EntitySpec:
    slug: str
    model: type[Any]
    label: str
    plural: str
    group: str
    scope: str  # "production" | "global"
    event_type: str
    kind: str | None = None
    label_prefix: str | None = None
    list_columns: tuple[str, ...] = ()
    search_fields: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    read_only: tuple[str, ...] = ()
    immutable: tuple[str, ...] = ()
    secret_fields: tuple[str, ...] = ()
    choices: Mapping[str, type[enum.Enum] | Sequence[str]] = field(default_factory=dict)
    create_options: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    patch_options: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    lookup_field: str | None = None
    default_sort: tuple[str, ...] = ("created_at",)
    delete_mode: str = "soft"  # "soft" | "hard" | "deactivate"
    #: A device kind's usual library category (offered first in its spec picker; "add to show" target).
    spec_category: str | None = None
    id_type: type = uuid.UUID
    #: Slugs this entity had before a rename: their pages and API paths redirect to ``slug``.
    former_slugs: tuple[str, ...] = ()
    #: Other names it had (kind, label, plural): an old workbook's sheet or kind column still reads.
    former_names: tuple[str, ...] = ()

    @property
    def hooks(self) -> Hooks:
        """The entity's behaviour, as installed by the services layer (a plain :class:`Hooks` if none)."""
        return REGISTRY.hooks_for(self)

    @property
    def per_production(self) -> bool:
        return self.scope == "production"

    @cached_property
    def fields(self) -> tuple[FieldInfo, ...]:
        mapper: Mapper[Any] = inspect(self.model)
        out = []
        for attr in mapper.column_attrs:
            col = attr.columns[0]
            name = attr.key
            if name.startswith("_"):
                continue
            type_name, py, max_len = _column_type(col)
            writable = name not in SYSTEM_FIELDS and name not in self.read_only
            if self.id_type is not uuid.UUID and name == "id":
                writable = False
            default = None
            if col.default is not None and getattr(col.default, "is_scalar", False):
                default = col.default.arg
            choices = self.choices.get(name)
            if choices is not None and isinstance(choices, type) and issubclass(choices, enum.Enum):
                choices = tuple(m.value for m in choices)
            out.append(
                FieldInfo(
                    name=name,
                    type=type_name,
                    python_type=py,
                    nullable=bool(col.nullable),
                    required=name in self.required,
                    writable=writable,
                    default=default,
                    max_length=max_len,
                    choices=tuple(choices) if choices else None,
                    secret=name in self.secret_fields,
                )
            )
        return tuple(out)

    @cached_property
    def field_map(self) -> dict[str, FieldInfo]:
        return {f.name: f for f in self.fields}

    @cached_property
    def writable_fields(self) -> tuple[FieldInfo, ...]:
        return tuple(f for f in self.fields if f.writable)

    def describe(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "label": self.label,
            "plural": self.plural,
            "group": self.group,
            "scope": self.scope,
            "kind": self.kind,
            "event_type": self.event_type,
            "list_columns": list(self.list_columns),
            "search_fields": list(self.search_fields),
            "fields": [f.describe() for f in self.fields],
        }


class Registry:
    def __init__(self) -> None:
        self._by_slug: dict[str, EntitySpec] = {}
        self._hooks: dict[str, Hooks] = {}
        self._hooks_loader: Callable[[], None] | None = None
        self._device_hooks: Hooks | None = None
        self.hooks_installed = False

    def set_hooks_loader(self, loader: Callable[[], None]) -> None:
        """Called once, on first use of any entity's hooks, to install them (the services layer)."""
        self._hooks_loader = loader

    def use_hooks(self, slug: str, hooks: Hooks) -> None:
        """Install the behaviour of one entity (called by ``vpm.services.hook_table``)."""
        if slug not in self._by_slug:
            raise ValueError(f"hooks for an unknown entity: {slug}")
        self._hooks[slug] = hooks
        self.hooks_installed = True

    def use_device_hooks(self, hooks: Hooks) -> None:
        """The behaviour of every device kind that has none of its own (also kinds added later)."""
        self._device_hooks = hooks

    def hooks_for(self, spec: EntitySpec) -> Hooks:
        if not self.hooks_installed and self._hooks_loader is not None:
            self._hooks_loader()
        if not self.hooks_installed:
            # a write without the services' hooks would skip validation: refuse loudly instead
            raise RuntimeError("entity hooks are not installed: import vpm.services first")
        hooks = self._hooks.get(spec.slug)
        if hooks is None:
            hooks = self._device_hooks if spec.kind is not None and self._device_hooks else _PLAIN_HOOKS
        return hooks

    def add(self, spec: EntitySpec) -> EntitySpec:
        if spec.slug in self._by_slug:
            raise ValueError(f"entity slug registered twice: {spec.slug}")
        exposed = set(spec.secret_fields) & (set(spec.search_fields) | {k.lstrip("-") for k in spec.default_sort})
        if exposed:  # ordering or matching by a secret would let readers recover it
            raise ValueError(f"{spec.slug}: secret fields cannot be searched or sorted by: {sorted(exposed)}")
        self._by_slug[spec.slug] = spec
        return spec

    def __iter__(self) -> Any:
        return iter(self._by_slug.values())

    def __getitem__(self, slug: str) -> EntitySpec:
        return self._by_slug[slug]

    def get(self, slug: str) -> EntitySpec | None:
        return self._by_slug.get(slug)

    def renamed(self, old_slug: str) -> EntitySpec | None:
        """The entity that used to be called ``old_slug`` (``former_slugs``), if any."""
        return next((s for s in self if old_slug in s.former_slugs), None)

    def by_event_type(self, event_type: str) -> EntitySpec | None:
        return next((s for s in self if s.event_type == event_type), None)

    def for_model(self, model: type) -> EntitySpec | None:
        return next((s for s in self if s.model is model), None)

    @property
    def per_production(self) -> list[EntitySpec]:
        return [s for s in self if s.per_production]

    @property
    def devices(self) -> list[EntitySpec]:
        return [s for s in self if s.kind is not None]


REGISTRY = Registry()
_PLAIN_HOOKS = Hooks()

Validator = Callable[[Any], Any]
