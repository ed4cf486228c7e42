"""Import and export over HTTP: upload, preview, confirm; show downloads; grid downloads."""

from __future__ import annotations

import io
import json

import python_calamine as pc

SOURCES_CSV = (
    b"Label,Name,Source type,H res,V res,Rate,Notes\r\nSRC 1,GFX A,LAPTOP,1920,1080,59.94,=HYPERLINK(1)\r\n"
    b"SRC 2,GFX B,LAPTOP,1920,1080,59.94,\r\n"
)


def _upload(client, pid, name, content):
    return client.post(f"/api/productions/{pid}/import", files={"file": (name, content, "application/octet-stream")})


def test_upload_preview_confirm_and_again(client, production) -> None:
    pid = production["id"]
    r = _upload(client, pid, "sources.csv", SOURCES_CSV)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ops"] == {"create": 2} and body["layout"] == "vpm"
    assert client.get(f"/api/productions/{pid}/sources").json()["total"] == 0  # a preview writes nothing
    r = client.post(f"/api/productions/{pid}/import/{body['token']}", data={"confirm": "true"})
    assert r.status_code == 200, r.text
    assert r.json()["written"] is True
    items = client.get(f"/api/productions/{pid}/sources").json()["items"]
    assert sorted(i["label"] for i in items) == ["SRC 1", "SRC 2"]
    assert next(i for i in items if i["label"] == "SRC 1")["notes"] == "=HYPERLINK(1)"
    # the token is spent; the same file again changes nothing
    assert client.post(f"/api/productions/{pid}/import/{body['token']}", data={"confirm": "true"}).status_code == 404
    again = _upload(client, pid, "sources.csv", SOURCES_CSV).json()
    assert again["ops"] == {"unchanged": 2}


def test_a_change_between_preview_and_confirm_is_a_conflict(client, production) -> None:
    pid = production["id"]
    client.post(
        f"/api/productions/{pid}/import/" + _upload(client, pid, "sources.csv", SOURCES_CSV).json()["token"],
        data={"confirm": "true"},
    )
    edited = SOURCES_CSV.replace(b"GFX B", b"GFX B2")
    token = _upload(client, pid, "sources.csv", edited).json()["token"]
    src = next(i for i in client.get(f"/api/productions/{pid}/sources").json()["items"] if i["label"] == "SRC 2")
    r = client.patch(f"/api/sources/{src['id']}", json={"version": src["version"], "name": "SOMEONE ELSE"})
    assert r.status_code == 200, r.text
    r = client.post(f"/api/productions/{pid}/import/{token}", data={"confirm": "true"})
    assert r.status_code == 409 and "changed by someone else" in r.json()["detail"]
    assert client.get(f"/api/sources/{src['id']}").json()["name"] == "SOMEONE ELSE"


def test_bad_uploads_get_a_clear_4xx(client, production) -> None:
    pid = production["id"]
    r = _upload(client, pid, "notes.txt", b"hi")
    assert r.status_code == 422 and "not a workbook" in r.text
    r = _upload(client, pid, "show.xlsx", b"PK\x03\x04broken")
    assert r.status_code == 422 and "not a readable xlsx" in r.json()["detail"]
    r = client.post(f"/api/productions/{pid}/import/..%2F..%2Fetc%2Fpasswd", data={"confirm": "true"})
    assert r.status_code == 404
    r = client.post(f"/api/productions/{pid}/import/" + "A" * 24, data={"confirm": "true"})
    assert r.status_code == 404
    token = _upload(client, pid, "sources.csv", SOURCES_CSV).json()["token"]
    r = client.post(f"/api/productions/{pid}/import/{token}", data={"placeholders": json.dumps({"X": "nope"})})
    assert r.status_code == 422 and "not a device kind" in r.text


def test_show_export_downloads_and_reimports(client, production) -> None:
    pid = production["id"]
    client.post(
        f"/api/productions/{pid}/import/" + _upload(client, pid, "sources.csv", SOURCES_CSV).json()["token"],
        data={"confirm": "true"},
    )
    for fmt in ("xlsx", "ods"):
        r = client.get(f"/api/productions/{pid}/export.{fmt}")
        assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(r.content))
        assert "Show" in book.sheet_names and "Sources" in book.sheet_names and "Connections" in book.sheet_names
        rows = book.get_sheet_by_name("Sources").to_python()
        assert rows[0][:2] == ["Label", "Name"] and {r[0] for r in rows[1:]} == {"SRC 1", "SRC 2"}
        again = _upload(client, pid, f"show.{fmt}", r.content).json()
        assert again["ops"].get("create", 0) == 0 and again["ops"].get("update", 0) == 0, again["rows"][:3]
    assert client.get("/api/productions/00000000-0000-0000-0000-000000000000/export.xlsx").status_code == 404


def test_grid_download_has_the_visible_columns_and_filter(client, production) -> None:
    pid = production["id"]
    client.post(
        f"/api/productions/{pid}/import/" + _upload(client, pid, "sources.csv", SOURCES_CSV).json()["token"],
        data={"confirm": "true"},
    )
    r = client.get(f"/api/productions/{pid}/grid/sources.csv", params={"columns": "label,name,notes", "q": "GFX A"})
    assert r.status_code == 200, r.text
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines == ["Label,Name,Notes", "SRC 1,GFX A,'=HYPERLINK(1)"]  # the formula-injection guard
    r = client.get(f"/api/productions/{pid}/grid/sources.xlsx", params={"columns": "name,rate", "name": "GFX B"})
    rows = pc.CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_name("Sources").to_python()
    assert rows == [["Name", "Rate"], ["GFX B", 59.94]]
    assert client.get(f"/api/productions/{pid}/grid/sources.csv", params={"columns": "bogus"}).status_code == 422
    assert client.get(f"/api/productions/{pid}/grid/sources.csv", params={"nope": "1"}).status_code == 422
    assert (
        client.get(f"/api/productions/{pid}/grid/streams.csv", params={"columns": "label,stream_key"})
        .text.splitlines()[0]
        .lstrip("\ufeff")
        == "Label"
    )


def test_import_page_upload_preview_confirm(client, production) -> None:
    pid = production["id"]
    r = client.get(f"/productions/{pid}/import")
    assert r.status_code == 200 and "Download .xlsx" in r.text
    r = client.post(f"/productions/{pid}/import", files={"file": ("sources.csv", SOURCES_CSV, "text/csv")})
    assert r.status_code == 200 and "data-import-preview" in r.text and "2</strong> to create" in r.text
    token = r.text.split(f"/productions/{pid}/import/")[1].split('"')[0]
    r = client.post(f"/productions/{pid}/import/{token}", data={"action": "confirm"})
    assert r.status_code == 200 and "data-import-done" in r.text
    assert client.get(f"/api/productions/{pid}/sources").json()["total"] == 2
    r = client.post(f"/productions/{pid}/import", files={"file": ("x.pdf", b"%PDF", "application/pdf")})
    assert r.status_code == 422 and "not a workbook" in r.text
