"""docs/DEVELOPING.md stays true: every file and name its recipes point at exists, and the recipes for a
calculator and a paperwork view are followed here, step by step, with a throwaway example.
(The recipe for a device kind is followed in tests/unit/test_new_kind.py.)"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "DEVELOPING.md").read_text()


def _defined_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _resolve(ref: str) -> Path | None:
    for base in (ROOT, ROOT / "src" / "vpm"):
        if (base / ref).exists():
            return base / ref
    return None


def test_every_path_the_guide_names_exists() -> None:
    refs = set(re.findall(r"`((?:src|tests|docs|bench|domain|services|web|calc|db|ops|cli|seed)/[\w./<>-]+)`", DOC))
    missing = [r for r in sorted(refs) if "<" not in r and _resolve(r.rstrip("/")) is None]
    assert not missing, f"DEVELOPING.md names paths that do not exist: {missing}"


def test_every_name_the_guide_places_in_a_file_is_there() -> None:
    """ "`name` in `path.py`" and "`name` from `path.py`" must be true."""
    pairs = re.findall(r"`([A-Za-z_]\w*)`(?: \([^)]*\))?(?: [a-z]+)?,? (?:in|from|of) `([\w./]+\.py)`", DOC)
    assert len(pairs) >= 4, pairs
    # names the recipes mention in other words
    pairs += [
        ("Document", "src/vpm/services/signal/pdf.py"),
        ("simple_table", "src/vpm/services/signal/printed.py"),
        ("READ", "src/vpm/services/transfer/legacy.py"),
        ("parse", "src/vpm/services/transfer/legacy.py"),
        ("skip", "src/vpm/services/transfer/legacy.py"),
        ("HOOKS", "src/vpm/services/hook_table.py"),
        ("WriteContext", "src/vpm/domain/registry.py"),
        ("_device", "src/vpm/domain/entities.py"),
        ("DeviceHooks", "src/vpm/services/hooks/devices.py"),
        ("CalcError", "src/vpm/calc/errors.py"),
        ("create_many_in", "src/vpm/services/entities.py"),
        ("extra_rows", "src/vpm/domain/registry.py"),
        ("record_event", "src/vpm/services/changelog.py"),
        ("writing", "src/vpm/services/context.py"),
    ]
    for name, _ in pairs[-14:]:
        assert f"`{name}" in DOC, f"the guide no longer mentions {name}; update this test"
    wrong = []
    for name, ref in pairs:
        path = _resolve(ref)
        if path is None or name not in _defined_names(path):
            wrong.append(f"{name} in {ref}")
    assert not wrong, f"DEVELOPING.md places names where they are not: {wrong}"


# ------------------------------------------------------------------ "Adding a calculator", followed


def stage_throw_m(screen_width_m: float, throw_ratio: float = 1.5) -> float:
    """Throw distance (m) = screen width (m) x throw ratio (the lens's published ratio)."""
    from vpm.calc import _checks

    width = _checks.positive("screen_width_m", screen_width_m)
    ratio = _checks.positive("throw_ratio", throw_ratio)
    return width * ratio


def test_a_new_calculator_is_served_by_the_api(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from vpm.calc import registry

    monkeypatch.setitem(registry._EXPORTED, "stage_throw_m", stage_throw_m)  # step 2: one line
    listed = {c["name"]: c for c in client.get("/api/calc").json()["items"]}
    assert "stage_throw_m" in listed
    assert [p["name"] for p in listed["stage_throw_m"]["parameters"]] == ["screen_width_m", "throw_ratio"]
    r = client.post("/api/calc/stage_throw_m", json={"screen_width_m": 4})
    assert r.status_code == 200, r.text
    assert r.json()["result"] == pytest.approx(6.0)
    r = client.get("/api/calc/stage_throw_m", params={"screen_width_m": 4, "throw_ratio": 2})
    assert r.status_code == 200 and r.json()["result"] == pytest.approx(8.0)
    bad = client.post("/api/calc/stage_throw_m", json={"screen_width_m": -1})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["screen_width_m"]


# ------------------------------------------------------------------ "Adding a paperwork view", followed


def test_a_new_paperwork_view_gets_the_header_and_page_numbers() -> None:
    from pypdf import PdfReader

    from vpm.domain.naming import natural_key
    from vpm.services.signal.pdf import Column, PageSetup
    from vpm.services.signal.printed import simple_table

    labels = sorted((f"SRC {n}" for n in range(1, 301)), key=natural_key)  # step 1: rows in natural order
    setup = PageSetup(paper="a4", show="Guide Show", venue="Hall B", revision="Rev C", printed="2027-02-15 09:00")
    pdf = simple_table(
        "Source list",
        setup,
        [Column("Source", 20), Column("Notes", 80)],
        [[label, "checked"] for label in labels],
        heading="Sources",
    )
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 1
    for n, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert "Guide Show" in text and "Hall B" in text and "Rev C" in text, n
        assert f"page {n} of {len(pages)}" in text.lower(), n
    first = pages[0].extract_text()
    assert first.index("SRC 2") < first.index("SRC 11")
