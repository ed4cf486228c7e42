"""Pure maths of Video Production Manager: no I/O, standard library only.

Modules:
    errors      CalcError(field, reason), the one exception for bad input
    formats     format ids, rate labels, loose-string parser, derived standard, the 37 presets
    timing      CTA-861 and VESA CVT (standard, RBv1, RBv2, RBv3) timing cards and pixel clocks
    links       the spreadsheet's SL/DL/4K rule and which connectors carry a format
    sdi         SDI levels (single, dual, quad link), ST 2110-20 bandwidth, flow sums per link
    scaling     scale factor, aspect ratio, fit, PIP layout, px <-> inches, pitch rescale
    led         LED wall pixels, size, weight, power, phase current, circuits, processors
    led_chains  LED data-chain plans (serpentine, capped per port, voids skipped)
    projection  projected raster, blends, lumen usage, nits, contrast, throw, lenses, stacks
    camera      frame size, focal length for a framing, lens range checks
    cables      cable tallies and stock-length splits
    units       ft/m, in/mm, kg/lb, fL/nits, ft-in text
    registry    a plain description of every calculator for the API layer
"""

from .errors import CalcError

__all__ = ["CalcError"]
