"""The one formatter of derived figures: units, rounding, lists and missing inputs for people."""

from __future__ import annotations

from vpm.calc.display import figures, format_derived, format_missing, format_value, label_of, unit_of


def test_units_and_rounding_by_kind() -> None:
    assert format_value(1139.798602944, "kg") == "1,139.8 kg"
    assert format_value(8.0, "m") == "8.00 m"
    assert format_value(25920.0, "W") == "25,920 W"
    assert format_value(71.94672585286106, "A") == "72 A"
    assert format_value(0.26666666666666666, "%") == "27 %"
    assert format_value(35.97336292643053) == "35.97"
    assert format_value(2359296) == "2,359,296"
    assert format_value(None) == "—" and format_value(True) == "yes" and format_value(False) == "no"
    assert format_value(float("nan"), "m") == "—"


def test_units_read_from_key_names() -> None:
    assert unit_of("weight_kg") == ("kg", 1)
    assert unit_of("width_m") == ("m", 2)
    assert unit_of("area_m2") == ("m²", 2)
    assert unit_of("amps_max_208v_3ph") == ("A", 0)
    assert unit_of("pixels_w") == ("px", 0)  # not watts
    assert unit_of("power_max_w") == ("W", 0)
    assert unit_of("width_ft_in") == (None, None)  # already text: 26' 3"
    assert unit_of("aspect_label") == (None, None)


def test_lists_and_references_as_short_text() -> None:
    assert format_value({"id": "83b1", "name": "INFiLED AR3.91mm", "category": "LED_TILE"}) == "INFiLED AR3.91mm"
    projectors = [{"id": f"p{n}", "label": f"IMAG {n}", "total_lumens": 35000.0} for n in range(1, 7)]
    assert format_value(projectors) == "IMAG 1; IMAG 2; IMAG 3; IMAG 4 (+2 more)"
    assert format_value([]) == "none"
    assert format_value([9.59, 5.39], "mm") == "9.6 × 5.4 mm"
    assert format_value(8000.0, "mm") == "8,000 mm"
    assert format_value(["too heavy to hang", "needs 2 processors"]) == "too heavy to hang; needs 2 processors"


def test_derived_dict_as_labelled_pairs_without_ids() -> None:
    pairs = format_derived(
        {
            "tile_spec": {"id": "x", "name": "AR3.91"},
            "weight_kg": 1139.798602944,
            "width_ft_in": "26' 3\"",
            "projector_id": "abc",
            "pixel_load": 0.2667,
            "amps_max_120v_1ph": 216.0,
        }
    )
    assert pairs == [
        ("Tile spec", "AR3.91"),
        ("Weight", "1,139.8 kg"),
        ("Width", "26' 3\""),
        ("Pixel load", "27 %"),
        ("Amps max 120 V single-phase", "216 A"),
    ]
    assert all("{" not in text and "[" not in text for _, text in pairs)
    # one figure in several units is one line
    assert format_derived({"width_m": 8.0, "width_ft_in": "26' 3\"", "weight_kg": 68.0, "weight_lb": 149.914}) == [
        ("Width", "8.00 m · 26' 3\""),
        ("Weight", "68.0 kg · 149.9 lb"),
    ]


def test_missing_inputs_and_labels() -> None:
    assert format_missing(["focal_length_mm", "shooting_distance_ft"]) == "needs focal length, shooting distance"
    assert format_missing(["equipment_spec.power_w", "processor_spec_id"]) == "needs spec power, processor"
    assert format_missing([]) == ""
    assert label_of("shooting_distance_ft", {"shooting_distance_ft": "Distance"}) == "Distance"


def test_grid_line_headline_missing_and_error() -> None:
    wall = {
        "width_m": 8.0,
        "height_m": 4.5,
        "pixels_w": 2048,
        "pixels_h": 1152,
        "tiles": 144,
        "weight_kg": 1139.798602944,
        "power_max_w": 25920.0,
        "warnings": ["over the hang limit"],
    }
    assert figures(wall) == "8.00 × 4.50 m · 2,048 × 1,152 px · 144 tiles · 1,139.8 kg · 25,920 W max · 1 warning"
    assert figures(None, ["focal_length_mm", "shooting_distance_ft"]) == "needs focal length, shooting distance"
    assert (
        figures(None, [], {"field": "equipment_spec.power_w", "reason": "must be more than 0"})
        == "cannot work out: Spec power must be more than 0"
    )
    assert figures(None) == ""
