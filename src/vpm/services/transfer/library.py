"""Library gear named in a workbook ("Sony HDCU-5500", "HDCU 5500", the slug) -> an equipment spec.

Forgiving: case, spaces, dashes and the manufacturer's name are optional. An exact slug or
"manufacturer model" wins; then a unique model match; otherwise nothing (the caller reports it).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import select

from vpm.domain.library import EquipmentSpec


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def spec_name(manufacturer: str, model: str) -> str:
    """How a spec is written in a workbook: "Manufacturer Model"."""
    return f"{manufacturer} {model}".strip()


def match_spec(session: Any, text: str) -> uuid.UUID | None:
    wanted = _squash(text)
    if not wanted:
        return None
    cache_key = "_transfer_specs"
    specs = session.info.get(cache_key)
    if specs is None:
        specs = session.info[cache_key] = [
            (sid, _squash(slug), _squash(spec_name(man, model)), _squash(model))
            for sid, slug, man, model in session.execute(
                select(EquipmentSpec.id, EquipmentSpec.slug, EquipmentSpec.manufacturer, EquipmentSpec.model).where(
                    EquipmentSpec.deleted_at.is_(None)
                )
            )
        ]
    for sid, slug, full, _model in specs:
        if wanted in (slug, full):
            return sid
    by_model = {sid for sid, _slug, _full, model in specs if model == wanted or (wanted.endswith(model) and model)}
    if len(by_model) == 1:
        return by_model.pop()
    contains = {sid for sid, _slug, full, model in specs if model and len(model) >= 4 and model in wanted}
    if len(contains) == 1:
        return contains.pop()
    from vpm.services.library_search import match_spec as fuzzy

    hit = fuzzy(session, text)  # the library's own matcher (rapidfuzz): "Sony HDCU 5500" -> HDCU-5500
    return uuid.UUID(str(hit.id)) if hit is not None else None
