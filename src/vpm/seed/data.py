"""Seed data, parsed: the one import point for the seeding code.

* library_data: equipment-library.json (+ enrichment from the spreadsheet's CSV libraries) and
  those CSV libraries as extra "ref-" specs.
* reference_data: shared data folder, connector vocabulary, pick-lists, system video formats and
  the default checklist.

Pure parsing, standard library only; no database code.
"""

from __future__ import annotations

from .library_data import (
    CATEGORY_MAP,
    CSV_LIBRARIES,
    CURATED_MATCHES,
    EQUIPMENT_CATEGORIES,
    SPEC_NUMBER_FIELDS,
    CardRecord,
    EnrichmentMatch,
    PortRecord,
    SpecRecord,
    enrichment_matches,
    load_equipment_library,
    load_reference_libraries,
    parse_native_res,
    parse_throw_ratio,
)
from .reference_data import (
    BLANKINGS,
    CANONICAL_CONNECTORS,
    CHECKLIST_CATEGORIES,
    CONNECTOR_ALIASES,
    CONNECTOR_FAMILIES,
    CONNECTOR_FAMILY_NAMES,
    CONNECTOR_TYPES,
    FRAME_RATES,
    RESOLUTION_PRESETS,
    SOURCE_TYPES,
    SYSTEM_FORMATS,
    ChecklistTemplateItem,
    FormatRecord,
    connector_family,
    format_key,
    load_checklist_template,
    normalise_connector,
    shared_data_dir,
    slugify,
)

__all__ = [
    "BLANKINGS",
    "CANONICAL_CONNECTORS",
    "CATEGORY_MAP",
    "CHECKLIST_CATEGORIES",
    "CONNECTOR_ALIASES",
    "CONNECTOR_FAMILIES",
    "CONNECTOR_FAMILY_NAMES",
    "CONNECTOR_TYPES",
    "CSV_LIBRARIES",
    "CURATED_MATCHES",
    "CardRecord",
    "ChecklistTemplateItem",
    "EQUIPMENT_CATEGORIES",
    "EnrichmentMatch",
    "FRAME_RATES",
    "FormatRecord",
    "PortRecord",
    "RESOLUTION_PRESETS",
    "SOURCE_TYPES",
    "SPEC_NUMBER_FIELDS",
    "SYSTEM_FORMATS",
    "SpecRecord",
    "connector_family",
    "enrichment_matches",
    "format_key",
    "load_checklist_template",
    "load_equipment_library",
    "load_reference_libraries",
    "normalise_connector",
    "parse_native_res",
    "parse_throw_ratio",
    "shared_data_dir",
    "slugify",
]
