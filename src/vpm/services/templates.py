"""Templates a new show starts from (the department's default checklist)."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _template() -> tuple[dict[str, Any], ...]:
    from vpm.seed.data import load_checklist_template

    return tuple(
        {"category": i.category, "title": i.title, "days_before_show": i.days_before_show, "sort_order": i.sort_order}
        for i in load_checklist_template()
    )


def checklist_template() -> list[dict[str, Any]]:
    """The default checklist items (category, title, lead days, order); empty if the data is missing."""
    try:
        return [dict(i) for i in _template()]
    except FileNotFoundError:
        return []
