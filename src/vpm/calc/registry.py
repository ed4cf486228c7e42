"""A plain-Python catalogue of the calculators, for an API layer to wrap generically.

Each entry names a pure function whose keyword arguments are simple types (int, float, str,
bool, lists of those); :func:`describe` turns one into a dict of parameter names, type text,
defaults and the first docstring line. Results are frozen dataclasses (use
``dataclasses.asdict``) or plain values; bad input raises :class:`vpm.calc.errors.CalcError`
naming the argument.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from . import cables, camera, formats, ipvideo, led, led_chains, links, projection, reach, scaling, sdi, timing

_EXPORTED: dict[str, Callable[..., Any]] = {
    # formats and links
    "format_id": formats.format_id,
    "parse_format": formats.parse_format,
    "derived_standard": formats.derived_standard,
    "link_standard": links.link_standard,
    "link_report": links.link_report,
    "timing_card": timing.timing_card,
    # SDI and IP
    "sdi_requirement": sdi.sdi_requirement,
    "st2110_bandwidth": sdi.st2110_bandwidth,
    "sum_flows": sdi.sum_flows,
    "video_2110_flow": ipvideo.video_2110_flow,
    "audio_flow": ipvideo.audio_flow,
    "anc_flow": ipvideo.anc_flow,
    "st2022_6_flow": ipvideo.st2022_6_flow,
    "ndi_flow": ipvideo.ndi_flow,
    "stream_flow": ipvideo.stream_flow,
    "link_budget": ipvideo.link_budget,
    # scaling
    "aspect_ratio": scaling.aspect_ratio,
    "scale_to_width": scaling.scale_to_width,
    "equivalent_height": scaling.equivalent_height,
    "equivalent_width": scaling.equivalent_width,
    "fit_within": scaling.fit_within,
    "pip_layout": scaling.pip_layout,
    "pixels_to_inches": scaling.pixels_to_inches,
    "inches_to_pixels": scaling.inches_to_pixels,
    "rescale_for_pitch": scaling.rescale_for_pitch,
    "input_split": scaling.input_split,
    # LED
    "led_wall": led.led_wall,
    "amps_per_phase": led.amps_per_phase,
    "power_summary": led.power_summary,
    "spreadsheet_phase_draw": led.spreadsheet_phase_draw,
    "power_supply": led.power_supply,
    "supply_power": led.supply_power,
    "circuits_needed": led.circuits_needed,
    "tiles_per_circuit": led.tiles_per_circuit,
    "max_tiles_per_port": led.max_tiles_per_port,
    "derated_pixels_per_port": led.derated_pixels_per_port,
    "processors_needed": led.processors_needed,
    "led_processing": led.led_processing,
    "rigging_check": led.rigging_check,
    "plan_chains": led_chains.plan_chains,
    # projection
    "projection_screen": projection.projection_screen,
    "screen_raster": projection.screen_raster,
    "blend": projection.blend,
    "plan_blend": projection.plan_blend,
    "lumen_usage": projection.lumen_usage,
    "screen_nits": projection.screen_nits,
    "contrast_ratio": projection.contrast_ratio,
    "throw_ratio": projection.throw_ratio,
    "throw_distance": projection.throw_distance,
    "image_width_for_throw": projection.image_width_for_throw,
    "parse_throw_ratio": projection.parse_throw_ratio,
    "lenses_that_fit": projection.lenses_that_fit,
    "projector_stacks": projection.projector_stacks,
    # cameras
    "frame_size": camera.frame_size,
    "focal_length_for_frame_height": camera.focal_length_for_frame_height,
    "zoom_factor_needed": camera.zoom_factor_needed,
    "lens_range_check": camera.lens_range_check,
    "field_of_view": camera.field_of_view,
    "subject_in_frame": camera.subject_in_frame,
    # cables
    "split_run": cables.split_run,
    "cable_totals": cables.cable_totals,
    "stock_lengths_for": cables.stock_lengths_for,
    "cable_reach": reach.cable_reach,
    "sdi_reach": reach.sdi_reach,
    "path_reach": reach.path_reach,
}


def calculator_names() -> tuple[str, ...]:
    """Names of every exported calculator, in catalogue order."""
    return tuple(_EXPORTED)


def get_calculator(name: str) -> Callable[..., Any]:
    """The function behind a calculator name (KeyError when unknown)."""
    return _EXPORTED[name]


def describe(name: str) -> dict[str, Any]:
    """Plain description of one calculator: name, module, summary, parameters, returns.

    Each parameter is {"name", "type", "required", "default"}; types are the annotation text
    ("int", "float", "str | None" ...).
    """
    func = _EXPORTED[name]
    signature = inspect.signature(func)
    params = []
    for param in signature.parameters.values():
        required = param.default is inspect.Parameter.empty
        params.append(
            {
                "name": param.name,
                "type": param.annotation
                if isinstance(param.annotation, str)
                else getattr(param.annotation, "__name__", str(param.annotation)),
                "required": required,
                "default": None if required else param.default,
            }
        )
    doc = inspect.getdoc(func) or ""
    returns = signature.return_annotation
    return {
        "name": name,
        "module": func.__module__,
        "summary": doc.split("\n\n")[0].replace("\n", " "),
        "parameters": params,
        "returns": returns if isinstance(returns, str) else getattr(returns, "__name__", str(returns)),
    }


def describe_all() -> list[dict[str, Any]]:
    """:func:`describe` for every calculator."""
    return [describe(name) for name in _EXPORTED]
