"""Secret fields (stream keys) cannot be used as an oracle: no sort, filter or search by them."""

from __future__ import annotations


def test_secret_fields_are_not_sortable_filterable_or_searchable(people):  # type: ignore[no-untyped-def]
    clients, pid = people["clients"], people["production_id"]
    editor, viewer = clients["editor"], clients["viewer"]
    for n, key in enumerate(("m-secret-key", "a-secret-key", "z-secret-key")):
        r = editor.post(f"/api/productions/{pid}/streams", json={"label": f"STR {n}", "stream_key": key})
        assert r.status_code == 201, r.text
    url = f"/api/productions/{pid}/streams"
    for who in (viewer, editor, clients["share"], clients["admin"]):
        for sort in ("stream_key", "-stream_key"):
            r = who.get(url, params={"sort": sort})
            assert r.status_code == 422 and r.json()["errors"][0]["field"] == "sort", r.text
        r = who.get(url, params={"stream_key": "a-secret-key"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "stream_key", r.text
        r = who.get(url, params={"q": "secret-key"})
        assert r.status_code == 200 and r.json()["total"] == 0, r.text
        r = who.get(f"/api/productions/{pid}/search", params={"q": "a-secret-key"})
        assert r.status_code == 200 and r.json()["results"] == [], r.text
        listed = who.get(url, params={"q": "STR"})
        assert listed.json()["total"] == 3 and "secret-key" not in listed.text


def test_a_spec_cannot_declare_a_searchable_or_sorted_secret():  # type: ignore[no-untyped-def]
    import dataclasses

    import pytest

    from vpm.domain.registry import REGISTRY, Registry

    streams = REGISTRY["streams"]
    for change in ({"search_fields": ("label", "stream_key")}, {"default_sort": ("-stream_key",)}):
        with pytest.raises(ValueError, match="secret"):
            Registry().add(dataclasses.replace(streams, **change))
