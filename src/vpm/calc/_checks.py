"""Input checks shared by the calc modules. Each raises CalcError naming the argument."""

from __future__ import annotations

import math
from collections.abc import Iterable

from .errors import CalcError


def number(field: str, value: object) -> float:
    """Return ``value`` as a finite float, or raise CalcError (rejects bool, NaN, inf, text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CalcError(field, f"must be a number, got {value!r}")
    result = float(value)
    if math.isnan(result) or math.isinf(result):
        raise CalcError(field, "must be a finite number")
    return result


def positive(field: str, value: object) -> float:
    """A finite number greater than zero."""
    result = number(field, value)
    if result <= 0:
        raise CalcError(field, f"must be greater than 0, got {value!r}")
    return result


def non_negative(field: str, value: object) -> float:
    """A finite number of zero or more."""
    result = number(field, value)
    if result < 0:
        raise CalcError(field, f"must be 0 or more, got {value!r}")
    return result


def fraction(field: str, value: object, *, allow_zero: bool = True) -> float:
    """A number in [0, 1] (or (0, 1] when ``allow_zero`` is False)."""
    result = number(field, value)
    low_ok = result >= 0 if allow_zero else result > 0
    if not low_ok or result > 1:
        bound = "[0, 1]" if allow_zero else "(0, 1]"
        raise CalcError(field, f"must be a fraction in {bound}, got {value!r}")
    return result


def whole(field: str, value: object, *, minimum: int = 0) -> int:
    """An integer (or integral float) of at least ``minimum``."""
    result = number(field, value)
    if result != int(result):
        raise CalcError(field, f"must be a whole number, got {value!r}")
    if result < minimum:
        raise CalcError(field, f"must be at least {minimum}, got {value!r}")
    return int(result)


def choice(field: str, value: object, options: Iterable[str]) -> str:
    """Match ``value`` case-insensitively against ``options``; return the canonical option."""
    options = tuple(options)
    if isinstance(value, str):
        key = value.strip().lower()
        for option in options:
            if option.lower() == key:
                return option
    raise CalcError(field, f"must be one of {', '.join(options)}; got {value!r}")


#: Frame (or field) rates a video format can have, in Hz: slower than 1 Hz is a slide show, faster
#: than 1000 Hz no display shows.
MIN_RATE_HZ = 1.0
MAX_RATE_HZ = 1000.0


def frame_rate(field: str, value: object) -> float:
    """A frame or field rate in Hz, from 1 to 1000 (0.01 Hz would make a 0 MHz clock)."""
    result = positive(field, value)
    if not MIN_RATE_HZ <= result <= MAX_RATE_HZ:
        raise CalcError(field, f"must be a frame rate from {MIN_RATE_HZ:g} to {MAX_RATE_HZ:g} Hz, got {value!r}")
    return result


def at_most(field: str, value: float, limit: float, unit: str = "") -> float:
    """``value`` unchanged when it is at most ``limit``; CalcError naming ``field`` otherwise."""
    if value > limit:
        raise CalcError(field, f"must be at most {limit:g}{' ' + unit if unit else ''}, got {value:g}")
    return value
