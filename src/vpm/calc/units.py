"""Unit conversions used across the calculators (exact SI definitions).

1 in = 25.4 mm and 1 ft = 0.3048 m exactly (international yard and pound agreement, 1959);
1 lb = 0.45359237 kg exactly. The spreadsheet uses the same factors through CONVERT().
"""

from __future__ import annotations

from . import _checks

MM_PER_INCH = 25.4
M_PER_FOOT = 0.3048
KG_PER_POUND = 0.45359237
#: 1 foot-lambert = 1/pi candela per square foot = 3.4262591 cd/m^2 (nits).
NITS_PER_FOOT_LAMBERT = 3.4262590996


def feet_to_metres(feet: float) -> float:
    """Feet to metres (exact factor 0.3048)."""
    return _checks.number("feet", feet) * M_PER_FOOT


def metres_to_feet(metres: float) -> float:
    """Metres to feet (exact factor 0.3048)."""
    return _checks.number("metres", metres) / M_PER_FOOT


def feet_inches_to_feet(feet: float, inches: float = 0.0) -> float:
    """Feet + inches to decimal feet, as the PROJECTION SCREENS sheet does (D = B + C/12)."""
    return _checks.number("feet", feet) + _checks.number("inches", inches) / 12.0


def kg_to_lb(kg: float) -> float:
    """Kilograms to pounds (1 lb = 0.45359237 kg exactly)."""
    return _checks.number("kg", kg) / KG_PER_POUND


def lb_to_kg(lb: float) -> float:
    """Pounds to kilograms (1 lb = 0.45359237 kg exactly)."""
    return _checks.number("lb", lb) * KG_PER_POUND


def format_feet_inches(total_inches: float) -> str:
    """Format a length in inches as ``5' 7"`` the way the LED SCREEN INFO sheet does.

    The sheet writes ROUNDDOWN(in / 12) & "' " & ROUND(MOD(in, 12)) & '"'. When the
    rounded inches reach 12 that formula prints ``65' 12"``; here the carry goes into the
    feet instead (``66' 0"``).
    """
    inches_total = _checks.non_negative("total_inches", total_inches)
    feet = int(inches_total // 12)
    inches = round(inches_total - feet * 12)
    if inches == 12:
        feet, inches = feet + 1, 0
    return f"{feet}' {inches}\""


def format_metres(metres: float, places: int = 2) -> str:
    """Format metres with up to ``places`` decimals and no trailing zeros, e.g. ``20m``, ``3.5m``."""
    value = round(_checks.number("metres", metres), places)
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return f"{text}m"
