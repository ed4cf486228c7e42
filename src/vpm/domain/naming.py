"""How the crew names things: natural sort order and the codes printed on a port.

Pure functions (no database): lists, paperwork, import and export all call these so a port reads
the same everywhere.

- :func:`natural_key` sorts "SRC 2" before "SRC 11" and "IN 5.3" before "IN 5.10".
- :func:`port_code` is the code printed on the gear: ``IN 5.3`` (card 5, port 3), ``OUT 2.1``,
  ``IN 3`` for a port with no card, ``line 7`` for a snake line.
- :func:`parse_port_code` reads such a code back (``"in 5.3"``, ``"OUT2"``, ``"Line 07"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_CHUNKS = re.compile(r"(\d+)")
_SPACES = re.compile(r"\s+")


def natural_key(text: Any) -> tuple[Any, ...]:
    """A sort key that orders digit runs by value: SRC 2 < SRC 11 < src 12, IN 5.3 < IN 5.10.

    Case-insensitive, blank-insensitive at the ends, and total: None sorts first, numbers sort as
    their text, numbers come before letters. Each chunk is a (kind, value) pair so text and numbers never compare directly.
    """
    if text is None:
        return ()
    s = _SPACES.sub(" ", str(text).strip()).casefold()
    out: list[tuple[int, Any]] = []
    for i, part in enumerate(_CHUNKS.split(s)):
        if i % 2:
            out.append((0, int(part)))  # numbers before text, as in a file browser
        elif part:
            out.append((1, part))
    return tuple(out)


def direction_word(direction: str) -> str:
    return "IN" if direction == "in" else "OUT"


def port_code(
    direction: str, index: int | None, card_slot: int | None = None, card_port: int | None = None, snake: bool = False
) -> str:
    """The code printed on a port.

    ``snake`` (a cable snake's line): ``line 7`` whatever the direction, since a line is one pair of
    connectors at the two ends. A port on a card: ``IN 5.3`` (slot 5, third port of the card). A
    port with no card: ``IN 3`` / ``OUT 12``.
    """
    if snake:
        return f"line {index}"
    word = direction_word(direction)
    if card_slot is not None and card_port is not None:
        return f"{word} {card_slot}.{card_port}"
    return f"{word} {index}"


def code_of(port: Any, snake: bool = False) -> str:
    """:func:`port_code` of any object with ``direction``, ``index``, ``card_slot`` and ``card_port``."""
    return port_code(
        port.direction, port.index, getattr(port, "card_slot", None), getattr(port, "card_port", None), snake
    )


@dataclass(frozen=True)
class PortCode:
    """A parsed port code. ``direction`` is None for a snake line or a bare number."""

    direction: str | None
    number: int
    card_port: int | None = None
    line: bool = False

    @property
    def card_slot(self) -> int | None:
        return self.number if self.card_port is not None else None


_CODE = re.compile(
    r"^(?:(?P<dir>in(?:put)?|out(?:put)?|line)\s*)?(?:#\s*)?(?P<a>\d+)(?:\s*[.:/-]\s*(?P<b>\d+))?$", re.IGNORECASE
)


def parse_port_code(text: str) -> PortCode | None:
    """``"IN 5.3"`` -> direction in, slot 5, port 3; ``"out 12"`` -> out 12; ``"line 7"`` -> line 7;
    ``"5.3"`` -> no direction. None when the text is not a port code (it may be a port label)."""
    s = _SPACES.sub(" ", (text or "").strip())
    m = _CODE.match(s)
    if not m:
        return None
    word = (m.group("dir") or "").lower()
    a, b = int(m.group("a")), m.group("b")
    if word == "line":
        if b is not None:
            return None
        return PortCode(None, a, None, line=True)
    direction = "in" if word.startswith("in") else "out" if word.startswith("out") else None
    return PortCode(direction, a, int(b) if b is not None else None)


def normalise_label(text: str | None) -> str:
    """Labels compared the way a crew reads them: case, repeated blanks and ends do not matter."""
    return _SPACES.sub(" ", (text or "").strip()).casefold()
