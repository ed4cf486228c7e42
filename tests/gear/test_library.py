"""Library fidelity check (shipped library passes, planted rows fail) and the fuzzy matcher."""

from __future__ import annotations

from click.testing import CliRunner

from vpm.seed.frames import CORRECTIONS, corrections_applied, curated_library, curated_references
from vpm.seed.library_data import load_equipment_library, load_reference_libraries
from vpm.services.library_check import check_numbers


def test_shipped_library_has_no_impossible_numbers_and_corrections_are_cited() -> None:
    records = list(curated_library(load_equipment_library())) + list(curated_references(load_reference_libraries()))
    findings = [f for r in records for f in check_numbers(r.slug, r.category, r.manufacturer, r.model, r.numbers)]
    assert findings == []
    for c in CORRECTIONS:
        assert c.reason and c.source
        assert any(c in corrections_applied(r) for r in records), f"correction {c.match} matches no row"
    by_slug = {r.slug: r for r in records}
    tile = by_slug["ref-infiled-ar3-91mm-500-x-1000mm"].numbers
    assert (tile["width_mm"], tile["height_mm"], tile["native_width_px"], tile["native_height_px"]) == (
        500,
        1000,
        128,
        256,
    )
    w = by_slug["ref-barco-udm-w22"].numbers
    assert (w["native_width_px"], w["native_height_px"], w["native_resolution_mode"]) == (1920, 1200, "WUXGA")


def test_planted_bad_rows_are_flagged() -> None:
    swapped = check_numbers(
        "t",
        "LED_TILE",
        "INFiLED",
        "AR3.91 500 x 1000",
        {"width_mm": 1000, "height_mm": 500, "native_width_px": 128, "native_height_px": 256, "pixel_pitch_mm": 3.91},
    )
    assert len(swapped) == 1 and "swapped" in swapped[0].reason
    wuxga = check_numbers("p", "PROJECTOR", "Barco", "UDX-W32", {"native_width_px": 3840, "native_height_px": 2160})
    assert [f.field for f in wuxga] == ["native_width_px"]
    heavy = check_numbers("h", "LED_TILE", "X", "Y", {"weight_kg": 900, "power_w": -3})
    assert {f.field for f in heavy} == {"weight_kg", "power_w"}
    assert (
        check_numbers("ok", "PROJECTOR", "Barco", "UDX-W32", {"native_width_px": 1920, "native_height_px": 1200}) == []
    )


def test_api_and_cli_check_the_database(client, db_url, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/library/check")
    assert r.status_code == 200 and r.json() == {"ok": True, "findings": []}
    from vpm.cli import cli

    monkeypatch.setenv("DATABASE_URL", db_url)
    ok = CliRunner().invoke(cli, ["library", "check"])
    assert ok.exit_code == 0, ok.output
    bad = client.post(
        "/api/equipment-specs",
        json={
            "category": "LED_TILE",
            "manufacturer": "Test",
            "model": "Swapped 500 x 1000",
            "width_mm": 1000,
            "height_mm": 500,
            "native_width_px": 128,
            "native_height_px": 256,
            "pixel_pitch_mm": 3.91,
        },
    )
    assert bad.status_code == 201, bad.text
    r = client.get("/api/library/check").json()
    assert r["ok"] is False and [f["slug"] for f in r["findings"]] == [bad.json()["slug"]]
    failed = CliRunner().invoke(cli, ["library", "check"])
    assert failed.exit_code == 1 and bad.json()["slug"] in failed.output


def test_fuzzy_search_tolerates_spacing_hyphens_and_order(client) -> None:  # type: ignore[no-untyped-def]
    def top(q: str, n: int = 1) -> list[str]:
        r = client.get("/api/library/search", params={"q": q})
        assert r.status_code == 200, r.text
        return [i["slug"] for i in r.json()["items"][:n]]

    assert top("hdc5500") == ["sony-hdc-5500"]
    assert "sony-hdc-5500" in top("Sony 5500", 2)
    assert "sony-hdc-5500" in top("5500 sony", 2)
    assert top("carbonite ultra") == ["ross-carbonite-ultra"]
    assert top("barco e2") == ["barco-e2"]
    assert top("videohub 40x40 12g") == ["blackmagic-videohub-40x40-12g"]
    assert top("bmd smart videohub 20") == ["blackmagic-smart-videohub-20x20"]
    assert client.get("/api/library/search", params={"q": "zzzz qqqq"}).json()["items"] == []


def test_match_spec_is_one_function_for_picker_paste_and_import(db) -> None:  # type: ignore[no-untyped-def]
    from vpm.services.library_search import match_spec

    with db.read() as session:
        assert match_spec(session, "HDC-5500").slug == "sony-hdc-5500"
        assert match_spec(session, "Ross Carbonite Ultra").slug == "ross-carbonite-ultra"
        assert match_spec(session, "nothing like it at all") is None
        assert match_spec(session, "hdcu 5500", category="CCU").slug == "sony-hdcu-5500"
