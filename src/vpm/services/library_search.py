"""Find equipment specs from what a crew types: ``hdc5500``, ``Sony 5500``, ``carbonite ultra``, ``E2``.

One matcher (rapidfuzz) serves the library picker, paste into a grid and the workbook import.
Manufacturer, model, slug and aliases are folded to lower-case words with spaces, hyphens and
punctuation ignored, so ``HDC-5500``, ``hdc 5500`` and ``hdc5500`` are one thing, and word order
does not matter (``5500 sony``). Results are ranked best first with a score from 0 to 100.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vpm.domain.library import EquipmentSpec

_WORDS = re.compile(r"[a-z0-9]+")
#: Other names the crew uses for a maker or a product family.
ALIASES: dict[str, tuple[str, ...]] = {
    "blackmagic design": ("bmd", "blackmagic"),
    "ross": ("ross video",),
    "barco": ("event master", "eventmaster"),
    "christie": ("spyder",),
    "pixelhue": ("pixel hue",),
    "novastar": ("nova star",),
    "brompton technology": ("brompton", "tessera"),
    "decimator": ("decimator design",),
}


def fold(text: str | None) -> str:
    """Lower-case words, digits kept, everything else a single space ("HDC-5500" -> "hdc 5500")."""
    return " ".join(_WORDS.findall((text or "").casefold()))


def squash(text: str | None) -> str:
    """No spaces at all ("hdc 5500" -> "hdc5500"), so run-together and spaced spellings meet."""
    return "".join(_WORDS.findall((text or "").casefold()))


@dataclass(frozen=True)
class SpecMatch:
    id: str
    slug: str
    manufacturer: str
    model: str
    category: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "slug": self.slug,
            "manufacturer": self.manufacturer,
            "model": self.model,
            "category": self.category,
            "score": round(self.score, 1),
        }


@dataclass(frozen=True)
class _Entry:
    id: str
    slug: str
    manufacturer: str
    model: str
    category: str
    text: str  # folded "manufacturer aliases model"
    model_sq: str  # squashed model
    all_sq: str  # squashed manufacturer + model


def _entry(row: Any) -> _Entry:
    maker = fold(row.manufacturer)
    aliases = " ".join(a for key, names in ALIASES.items() if key in maker for a in names)
    text = " ".join(x for x in (maker, aliases, fold(row.model), fold(row.slug.replace("-", " "))) if x)
    return _Entry(
        str(row.id),
        row.slug,
        row.manufacturer,
        row.model,
        row.category,
        text,
        squash(row.model),
        squash(f"{row.manufacturer} {row.model}"),
    )


def score(query: str, entry: _Entry) -> float:
    """How well ``query`` names the spec, 0..100."""
    from rapidfuzz import fuzz  # loaded by the first search, not when the server starts (3.6 MB)

    q, q_sq = fold(query), squash(query)
    if not q:
        return 0.0
    best = max(
        fuzz.token_set_ratio(q, entry.text),  # words in any order, extra words in the spec allowed
        # "hdc5500" inside "sonyhdc5500": the shorter string found inside the longer, when they are
        # of comparable length (a two-letter model must not match any query containing its letter)
        fuzz.partial_ratio(q_sq, entry.model_sq)
        if len(q_sq) >= 3 and min(len(q_sq), len(entry.model_sq)) >= 0.6 * max(len(q_sq), len(entry.model_sq))
        else 0,
        fuzz.ratio(q_sq, entry.all_sq),
    )
    # every word of the query found (as a part) somewhere: a strong hint ("sony 5500")
    words = q.split()
    hay = entry.text.replace(" ", "")
    if words and all(w in hay for w in words):
        best = max(best, 90.0 + min(10.0, 10.0 * len(q_sq) / max(1, len(entry.all_sq))))
    if q_sq == entry.model_sq or q_sq == entry.all_sq:
        best = 100.0
    return float(best)


class _Index:
    """The library folded once per process, rebuilt when the library changes (its newest update)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: Any = None
        self.entries: list[_Entry] = []


_INDEX = _Index()


def _entries(session: Session) -> list[_Entry]:
    from sqlalchemy import func

    row = session.execute(
        select(func.count(EquipmentSpec.id), func.max(EquipmentSpec.updated_at)).where(
            EquipmentSpec.deleted_at.is_(None)
        )
    ).one()
    bind: Any = session.get_bind()
    key = (str(getattr(bind, "url", id(bind))), tuple(row))
    with _INDEX.lock:
        if _INDEX.key != key:
            rows = session.execute(
                select(
                    EquipmentSpec.id,
                    EquipmentSpec.slug,
                    EquipmentSpec.manufacturer,
                    EquipmentSpec.model,
                    EquipmentSpec.category,
                ).where(EquipmentSpec.deleted_at.is_(None))
            ).all()
            _INDEX.entries = [_entry(r) for r in rows]
            _INDEX.key = key
        return _INDEX.entries


def search_specs(
    session: Session, query: str, limit: int = 10, category: str | None = None, min_score: float = 60.0
) -> list[SpecMatch]:
    """Specs that match ``query``, best first (ties: manufacturer, model)."""
    from rapidfuzz import fuzz, process

    entries = [e for e in _entries(session) if category is None or e.category == category]
    if not fold(query):
        return []
    # a cheap first pass with rapidfuzz's batch scorer keeps big libraries fast, then the full score
    rough = process.extract(
        fold(query), [e.text for e in entries], scorer=fuzz.token_set_ratio, limit=max(limit * 20, 200)
    )
    pool = {i for _, _, i in rough}
    q_sq = squash(query)
    pool |= {i for i, e in enumerate(entries) if q_sq and (q_sq in e.all_sq or e.model_sq in q_sq and e.model_sq)}
    scored = [(score(query, entries[i]), entries[i]) for i in pool]
    scored = [(s, e) for s, e in scored if s >= min_score]
    scored.sort(key=lambda t: (-t[0], t[1].manufacturer.casefold(), t[1].model.casefold()))
    return [SpecMatch(e.id, e.slug, e.manufacturer, e.model, e.category, s) for s, e in scored[:limit]]


def match_spec(session: Session, query: str, category: str | None = None, min_score: float = 85.0) -> SpecMatch | None:
    """The one spec ``query`` names, or None when nothing is close enough or two are equally close."""
    hits = search_specs(session, query, limit=2, category=category, min_score=min_score)
    if not hits:
        return None
    if len(hits) > 1 and hits[1].score >= hits[0].score and hits[0].score < 100:
        return None
    return hits[0]
