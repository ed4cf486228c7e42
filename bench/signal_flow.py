"""Signal check and trace on a synthetic show of 2,000 devices and 20,000 cables.

The show: 200 signal chains of 10 devices each (media server → snake → router → converter →
snake → router → vision switcher → router → scaler → send), ten cables between neighbours in a
chain (18,000), plus 2,000 cross-links: port 11 of each pass-through device feeds the same device
of the next chain (so a snake or router column forms a 200-device daisy chain, the longest path),
media-server spares to the chain's own and later chains' sends. Routers have every crosspoint set
(n → n). A few chains carry mistakes on purpose (HDMI into SDI snakes, UHD on 3G-SDI, a 720p scaler
into a 1080p send) so the check has findings to write. Rows go in through SQLAlchemy Core.

Timed, 20 runs each, median and max:

- ``check cold``: GET /api/productions/{id}/signal-check with the graph cache emptied first
  (load the show + check + JSON);
- ``check warm``: the same request again (the graph and its findings are reused while the change
  log has not moved);
- ``check only``: ``check()`` on a freshly loaded graph, no HTTP, no loading;
- ``trace cold`` / ``trace warm``: GET /api/ports/{id}/trace on the port with the longest upstream
  path, with and without the cache;
- ``trace only``: ``trace()`` on the loaded graph.

    .venv/bin/python bench/signal_flow.py --backend both
"""

from __future__ import annotations

import sys
from pathlib import Path


import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CHAINS = 200
COLUMNS = (
    "media_server",
    "cable_snake",
    "router",
    "converter",
    "cable_snake",
    "router",
    "vision_switcher",
    "router",
    "converter",
    "send",
)
TARGET_CABLES = 20_000
RUNS = 20
P1080, P1080_50 = "1920 x 1080 @ 59.94", "1920 x 1080 @ 50"
P720, UHD = "1280 x 720 @ 59.94", "3840 x 2160 @ 59.94"


def _ports_of(col: int) -> tuple[int, int]:
    """(inputs, outputs) of the device in column ``col``."""
    if col == 0:
        return 0, 13
    if col == len(COLUMNS) - 1:
        return 13, 0
    return 11, 11


def build(url: str) -> dict[str, Any]:
    """Insert the show; return its production id, the counts and the port ids by (chain, column, dir, n)."""
    from sqlalchemy import insert

    import vpm.domain.entities  # noqa: F401
    from vpm.db.engine import get_engine
    from vpm.domain import devices as d
    from vpm.domain.ports import Connection, Port, RouterCrosspoint
    from vpm.domain.production import Production

    engine = get_engine(url)
    now = dt.datetime.now(dt.UTC)
    base = {
        "version": 1,
        "field_versions": {},
        "created_at": now,
        "updated_at": now,
        "created_by": "bench",
        "updated_by": "bench",
        "deleted_at": None,
    }
    pid = uuid.uuid4()
    devices, children, ports, cables, crosspoints = [], {}, [], [], []
    port_id: dict[tuple[int, int, str, int], uuid.UUID] = {}
    child_model = {
        "media_server": d.MediaServer,
        "cable_snake": d.CableSnake,
        "router": d.Router,
        "converter": d.Converter,
        "vision_switcher": d.VisionSwitcher,
        "send": d.Send,
    }
    labels = {
        "media_server": "MS",
        "cable_snake": "SNAKE",
        "router": "RTR",
        "converter": "CONV",
        "vision_switcher": "VSW",
        "send": "DST",
    }
    for c in range(CHAINS):
        for col, kind in enumerate(COLUMNS):
            dev_id = uuid.uuid4()
            devices.append(
                base
                | {
                    "id": dev_id,
                    "production_id": pid,
                    "kind": kind,
                    "label": f"{labels[kind]} {c + 1}.{col}",
                    "name": f"{kind} {c + 1}.{col}",
                    "equipment_spec_id": None,
                    "station": None,
                    "notes": None,
                    "sort_order": 0,
                }
            )
            child = {"id": dev_id}
            if kind == "converter":
                child |= {"is_scaler": col == 8, "is_distribution_amp": False, "converter_type": None}
            if kind == "send":
                child |= {"h_res": 1920, "v_res": 1080, "rate": 59.94, "blanking": "NONE"}
            children.setdefault(child_model[kind], []).append(child)
            n_in, n_out = _ports_of(col)
            for direction, count in (("in", n_in), ("out", n_out)):
                for n in range(1, count + 1):
                    pid_ = uuid.uuid4()
                    port_id[(c, col, direction, n)] = pid_
                    connector = "3G-SDI" if kind == "cable_snake" else "12G-SDI"
                    fmt = None
                    if kind == "media_server" and direction == "out":
                        connector = "HDMI" if c % 10 == 5 else "12G-SDI"
                        fmt = UHD if (c % 10 == 3 and n <= 2) else P1080
                    elif kind == "vision_switcher" and direction == "out":
                        fmt = P1080
                    elif col == 8 and direction == "out":
                        fmt = P720 if c % 10 == 7 else P1080
                    edid = P1080 if (kind == "vision_switcher" and direction == "in") else None
                    ports.append(
                        base
                        | {
                            "id": pid_,
                            "production_id": pid,
                            "device_id": dev_id,
                            "direction": direction,
                            "connector": connector,
                            "label": f"{direction} {n}",
                            "index": n,
                            "card_slot": None,
                            "format_id": fmt,
                            "expected_format_id": edid,
                            "spec_port_id": None,
                            "spec_card_port_id": None,
                            "notes": None,
                        }
                    )
            if kind == "router":
                for n in range(1, n_out + 1):
                    crosspoints.append((c, col, n))

    def cable(a: tuple[int, int, int], b: tuple[int, int, int]) -> None:
        cables.append(
            base
            | {
                "id": uuid.uuid4(),
                "production_id": pid,
                "from_port_id": port_id[(a[0], a[1], "out", a[2])],
                "to_port_id": port_id[(b[0], b[1], "in", b[2])],
                "cable_type": None,
                "length_ft": 25.0,
                "label": None,
                "notes": None,
            }
        )

    for c in range(CHAINS):
        for col in range(len(COLUMNS) - 1):
            for n in range(1, 11):
                cable((c, col, n), (c, col + 1, n))
    extra = [((c, col, 11), (c + 1, col, 11)) for col in range(1, 9) for c in range(CHAINS - 1)]
    extra += [((c, 0, 11), (c, 9, 11)) for c in range(CHAINS)]
    extra += [((c, 0, 12), ((c + 1) % CHAINS, 9, 12)) for c in range(CHAINS)]
    extra += [((c, 0, 13), ((c + 2) % CHAINS, 9, 13)) for c in range(CHAINS)]
    for a, b in extra[: TARGET_CABLES - len(cables)]:
        cable(a, b)
    xps = [
        base
        | {
            "id": uuid.uuid4(),
            "production_id": pid,
            "router_id": devices[c * len(COLUMNS) + col]["id"],
            "output_port_id": port_id[(c, col, "out", n)],
            "input_port_id": port_id[(c, col, "in", n)],
            "notes": None,
        }
        for c, col, n in crosspoints
    ]
    with engine.begin() as conn:
        show = base | {
            "id": pid,
            "client": "bench",
            "show_name": "Signal bench",
            "venue": None,
            "room": None,
            "load_in": None,
            "load_out": None,
            "show_info_url": None,
            "status": "PLANNING",
            "notes": None,
        }
        conn.execute(insert(Production), [show])
        conn.execute(insert(d.Device.__table__), devices)
        for model, rows in children.items():
            conn.execute(insert(model.__table__), rows)
        for i in range(0, len(ports), 5000):
            conn.execute(insert(Port.__table__), ports[i : i + 5000])
        for i in range(0, len(cables), 5000):
            conn.execute(insert(Connection.__table__), cables[i : i + 5000])
        conn.execute(insert(RouterCrosspoint.__table__), xps)
    return {"pid": pid, "devices": len(devices), "ports": len(ports), "cables": len(cables), "crosspoints": len(xps)}


def _stats(samples: list[float]) -> str:
    return f"median {statistics.median(samples):7.1f} ms   max {max(samples):7.1f} ms"


def run(url: str, label: str) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from vpm.config import Settings
    from vpm.db.engine import Database, dispose_engines
    from vpm.db.migrate import upgrade
    from vpm.services import seeding
    from vpm.services.signal import graph as graph_mod
    from vpm.services.signal.check import check
    from vpm.services.signal.trace import trace, walk_up
    from vpm.web.app import create_app

    upgrade(url)
    seeding.seed_formats(Database(url))
    seeding.seed_picklists(Database(url))
    started = time.perf_counter()
    show = build(url)
    setup_s = time.perf_counter() - started
    pid = show["pid"]
    db = Database(url)
    graph_mod.clear_cache()
    loaded = time.perf_counter()
    with db.read() as session:
        g = graph_mod.load_graph(session, pid)
    load_ms = (time.perf_counter() - loaded) * 1000
    # the longest upstream path in the show
    start = max((p for p in g.ports.values() if p.is_input), key=lambda p: len(walk_up(g, p)[0]))
    hops = len(walk_up(g, start)[0])
    out: dict[str, Any] = {
        "backend": label,
        **{k: v for k, v in show.items() if k != "pid"},
        "setup_s": round(setup_s, 1),
        "load_ms": round(load_ms, 1),
        "longest_hops": hops,
    }
    times: dict[str, list[float]] = {
        k: [] for k in ("check cold", "check warm", "check only", "trace cold", "trace warm", "trace only")
    }
    findings = None
    with TestClient(create_app(Settings(database_url=url, home=Path(tempfile.mkdtemp())))) as client:
        for _ in range(RUNS):
            graph_mod.clear_cache()
            t = time.perf_counter()
            r = client.get(f"/api/productions/{pid}/signal-check")
            times["check cold"].append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.text
            findings = r.json()["summary"]
            t = time.perf_counter()
            client.get(f"/api/productions/{pid}/signal-check")
            times["check warm"].append((time.perf_counter() - t) * 1000)
        for _ in range(RUNS):
            with db.read() as session:
                fresh = graph_mod.load_graph(session, pid)
            t = time.perf_counter()
            check(fresh)
            times["check only"].append((time.perf_counter() - t) * 1000)
        for _ in range(RUNS):
            graph_mod.clear_cache()
            t = time.perf_counter()
            r = client.get(f"/api/ports/{start.id}/trace")
            times["trace cold"].append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200 and len(r.json()["upstream"]["hops"]) == hops
            t = time.perf_counter()
            client.get(f"/api/ports/{start.id}/trace")
            times["trace warm"].append((time.perf_counter() - t) * 1000)
        for _ in range(RUNS):
            t = time.perf_counter()
            trace(g, start)
            times["trace only"].append((time.perf_counter() - t) * 1000)
    dispose_engines()
    out["findings"] = findings
    out["times"] = {k: (round(statistics.median(v), 1), round(max(v), 1)) for k, v in times.items()}
    print(
        f"\n== {label}: {show['devices']} devices, {show['ports']} ports, {show['cables']} cables, "
        f"{show['crosspoints']} crosspoints (setup {setup_s:.1f} s, one load {load_ms:.0f} ms)"
    )
    print(f"   findings {findings}; longest path traced: {hops} hops")
    for k, v in times.items():
        print(f"   {k:11s} {_stats(v)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.db", "SQLite")
    if args.backend in ("postgresql", "both"):
        import psycopg

        name = f"vpm_bench_signal_{uuid.uuid4().hex[:8]}"
        admin = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        try:
            run(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", "PostgreSQL")
        finally:
            from vpm.db.engine import dispose_engines

            dispose_engines()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
