"""Words for field names a crew would not write as the field is named (``h_res`` is "H res").

One vocabulary: vpm's own workbook uses it for its column headings (which must stay stable, so files
written earlier still import) and the pages extend it with words for display-only columns.
"""

from __future__ import annotations

FIELD_WORDS = {
    "h_res": "H res",
    "v_res": "V res",
    "ip": "IP",
    "vlan": "VLAN",
    "url": "URL",
    "control_ip": "Control IP",
    "ccu_id": "CCU",
    "equipment_spec_id": "Equipment",
    "processor_spec_id": "Processor",
    "lens_spec_id": "Lens",
    "screen_id": "Screen",
    "device_id": "Device",
    "format_id": "Format",
    "expected_format_id": "Expected format (EDID)",
    "mes": "M/Es",
    "smpte_cable_length_ft": "SMPTE cable (ft)",
    "length_ft": "Length (ft)",
    "days_before_show": "Lead days",
    "show_name": "Show",
    "load_in": "Load-in",
    "load_out": "Load-out",
    "show_info_url": "Show info URL",
    "stack_count": "Stacked",
    "width_m": "Width (m)",
    "height_m": "Height (m)",
    "max_zoom": "Max zoom",
}


def field_words(name: str) -> str:
    """The words for a field: its entry above, else its name without ``_id``, spaced and capitalised."""
    if name in FIELD_WORDS:
        return FIELD_WORDS[name]
    base = name[:-3] if name.endswith("_id") else name
    return base.replace("_", " ").strip().capitalize()
