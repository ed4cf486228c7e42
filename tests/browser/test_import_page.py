"""The Import page in Chromium: upload a workbook, read the preview, choose a placeholder, confirm,
and see the rows in the grids; the grid's download follows its visible columns and filter."""

from __future__ import annotations

from tests.browser.conftest import goto, make_show, shot


def test_upload_preview_confirm_then_grids_show_the_rows(page, server, api, tmp_path):  # type: ignore[no-untyped-def]
    show = make_show(api, "Imported In Browser")
    pid = show["id"]
    sources = tmp_path / "sources.csv"
    sources.write_text(
        "Label,Name,Source type,Rate\nSRC 1,GFX A,LAPTOP,59.94\nSRC 2,NOTES A,LAPTOP,59.94\n", encoding="utf-8"
    )
    goto(page, f"{server.base}/productions/{pid}/import")
    page.set_input_files("#import-file", str(sources))
    page.click("[data-import-upload] button[type=submit]")
    page.wait_for_selector("[data-import-preview]")
    summary = page.inner_text("[data-import-summary]")
    assert "2 to create" in summary, summary
    assert page.locator("tr.op-create").count() == 2
    shot(page, "import-preview")
    page.click("[data-import-confirm]")
    page.wait_for_selector("[data-import-done]")
    assert "2 created" in page.inner_text("[data-import-done]")
    assert api.get(f"/api/productions/{pid}/sources").json()["total"] == 2

    goto(page, f"{server.base}/productions/{pid}/sources")
    page.wait_for_selector("table.grid tbody tr[data-id]")
    labels = page.locator("table.grid tbody tr[data-id]").all_inner_texts()
    assert any("GFX A" in t for t in labels) and any("NOTES A" in t for t in labels)
    page.fill("[data-grid-search]", "GFX")
    page.wait_for_function("() => new URL(location.href).searchParams.get('q') === 'GFX'")
    with page.expect_download() as info:
        page.click("[data-grid-download=csv]")
    text = open(info.value.path(), encoding="utf-8-sig").read()
    lines = text.splitlines()
    assert lines[0].startswith("Label,Name") and len(lines) == 2 and "GFX A" in lines[1]

    # the same file again: nothing to create
    goto(page, f"{server.base}/productions/{pid}/import")
    page.set_input_files("#import-file", str(sources))
    page.click("[data-import-upload] button[type=submit]")
    page.wait_for_selector("[data-import-preview]")
    assert "0</strong> to create" in page.inner_html("[data-import-summary]")


def test_show_export_links_download_workbooks(page, server, api):  # type: ignore[no-untyped-def]
    show = make_show(api, "Exported In Browser")
    goto(page, f"{server.base}/productions/{show['id']}/import")
    for fmt in ("xlsx", "ods"):
        with page.expect_download() as info:
            page.click(f"[data-export={fmt}]")
        assert info.value.suggested_filename == f"Exported-In-Browser.{fmt}"
        data = open(info.value.path(), "rb").read()
        assert data[:2] == b"PK"
