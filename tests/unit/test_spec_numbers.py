"""A spec's typed numbers are declared once (the model); the seed's list and the derived table agree."""

from __future__ import annotations


def test_spec_numbers_derive_from_the_model() -> None:
    from vpm.domain.library import SPEC_NUMBER_COLUMNS, EquipmentSpec, SpecNumberColumns
    from vpm.seed.data import SPEC_NUMBER_FIELDS

    assert list(SPEC_NUMBER_COLUMNS) == list(SpecNumberColumns.__annotations__)
    for name, kind in SPEC_NUMBER_COLUMNS.items():
        assert EquipmentSpec.__table__.c[name].nullable, name
        assert kind in (int, float, str, bool), name
    # every number the seed reads has a column (the app adds two crews enter by hand)
    assert set(SPEC_NUMBER_FIELDS) <= set(SPEC_NUMBER_COLUMNS)
    assert set(SPEC_NUMBER_COLUMNS) - set(SPEC_NUMBER_FIELDS) == {"power_typical_w", "max_chain_length"}
