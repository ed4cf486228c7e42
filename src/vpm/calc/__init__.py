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
    camera      frame size, focal length for a framing, lens range checks, field of view
    cables      cable tallies, cable families and their stock lengths, stock-length splits
    reach       how far each cable family carries a signal rate, and a path's reach budget
    ipvideo     IP flow bandwidths (ST 2110-20/30/31/40, 2022-6/7, NDI, SRT, RTMP) and link budgets
    units       ft/m, in/mm, kg/lb, fL/nits, ft-in text
    registry    a plain description of every calculator for the API layer
"""

from .errors import CalcError

__all__ = ["CalcError"]
