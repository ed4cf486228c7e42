"""API throughput and latency on a show of 500 devices and 5,000 ports.

Starts `vpm serve` on a fresh database (SQLite file, PostgreSQL scratch database), fills one show
through the services, then drives list / get / create / patch from a separate process with
concurrent clients for a fixed time. Prints requests/s and p50/p99 per endpoint, and each
endpoint's throughput as a ratio of GET /health measured in the same run (the framework floor).

    .venv/bin/python bench/api.py --backend both --seconds 15 --clients 8
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VPM = str(ROOT / ".venv" / "bin" / "vpm") if (ROOT / ".venv" / "bin" / "vpm").exists() else "vpm"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DEVICES, PORTS_PER_DEVICE = 500, 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def populate(url: str) -> str:
    """One show with 500 sources of 10 ports each (5 in, 5 out), written through the services."""
    import vpm.domain.entities  # noqa: F401
    from vpm.db.engine import Database
    from vpm.domain.registry import REGISTRY
    from vpm.services.context import Actor, writing
    from vpm.services.entities import create_in

    db = Database(url)
    with writing(db, Actor("bench")) as ctx:
        prod = create_in(ctx, REGISTRY["productions"], {"show_name": "Bench show", "client": "bench"},
                         {"checklist_template": False})
        pid = prod.id
    ports = REGISTRY["ports"]
    for batch in range(DEVICES // 50):
        with writing(db, Actor("bench")) as ctx:
            for i in range(50):
                n = batch * 50 + i + 1
                dev = create_in(ctx, REGISTRY["sources"], {"label": f"SRC {n}", "name": f"Source {n}",
                                                           "h_res": 1920, "v_res": 1080, "rate": 59.94}, {}, pid)
                for k in range(PORTS_PER_DEVICE):
                    create_in(ctx, ports, {"device_id": dev.id, "direction": "in" if k < 5 else "out",
                                           "connector": "HDMI", "label": f"P{k + 1}", "index": k % 5 + 1}, {}, pid)
    return str(pid)


def start_server(url: str, home: str, port: int, workers: int) -> subprocess.Popen:
    env = os.environ | {"DATABASE_URL": url, "VPM_HOME": home}
    proc = subprocess.Popen([VPM, "serve", "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    import httpx

    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server did not start: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")


async def drive(base: str, pid: str, seconds: float, clients: int) -> dict[str, list[float]]:
    import httpx

    lat: dict[str, list[float]] = {k: [] for k in ("health", "list", "get", "create", "patch")}
    errors: dict[str, int] = {k: 0 for k in lat}
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=clients)) as http:
        ids = [i["id"] for i in (await http.get(f"/api/productions/{pid}/sources", params={"limit": 500})).json()["items"]]
        stop = time.perf_counter() + seconds

        async def worker(w: int) -> None:
            mine: dict[str, int] = {}
            rnd = random.Random(w)
            while time.perf_counter() < stop:
                kind = rnd.choices(["health", "list", "get", "create", "patch"], [1, 3, 4, 1, 2])[0]
                t0 = time.perf_counter()
                if kind == "health":
                    r = await http.get("/health")
                elif kind == "list":
                    r = await http.get(f"/api/productions/{pid}/sources",
                                       params={"limit": 50, "offset": rnd.randrange(0, 450), "sort": "label"})
                elif kind == "get":
                    r = await http.get(f"/api/sources/{rnd.choice(ids)}")
                elif kind == "create":
                    r = await http.post(f"/api/productions/{pid}/sources",
                                        json={"label": f"B{w}-{uuid.uuid4().hex[:8]}", "h_res": 1920})
                    if r.status_code == 201:
                        mine[r.json()["id"]] = r.json()["version"]
                else:
                    if not mine:
                        continue
                    eid = rnd.choice(list(mine))
                    r = await http.patch(f"/api/sources/{eid}", json={"version": mine[eid], "notes": f"n{t0}"})
                    if r.status_code == 200:
                        mine[eid] = r.json()["version"]
                elapsed = time.perf_counter() - t0
                if r.status_code >= 400:
                    errors[kind] += 1
                else:
                    lat[kind].append(elapsed)

        await asyncio.gather(*(worker(w) for w in range(clients)))
    lat["_errors"] = [float(sum(errors.values()))]
    return lat


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def run_backend(backend: str, seconds: float, clients: int, workers: int) -> dict:
    home = tempfile.mkdtemp(prefix="vpm-bench-")
    dbname = None
    if backend == "sqlite":
        url = f"sqlite:///{home}/bench.db"
    else:
        import psycopg

        dbname = f"vpm_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as c:
            c.execute(f"CREATE DATABASE {dbname}")
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{dbname}"
    env = os.environ | {"DATABASE_URL": url, "VPM_HOME": home}
    subprocess.run([VPM, "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([VPM, "seed", "--only", "formats", "--only", "picklists"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    t0 = time.perf_counter()
    pid = populate(url)
    fill_s = time.perf_counter() - t0
    port = free_port()
    proc = start_server(url, home, port, workers if backend == "postgresql" else 1)
    try:
        lat = asyncio.run(drive(f"http://127.0.0.1:{port}", pid, seconds, clients))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if dbname:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as c:
                c.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
    errors = int(lat.pop("_errors")[0])
    health_p50 = pct(lat["health"], 0.5)
    rows = {}
    for kind, values in lat.items():
        rps = len(values) / seconds
        p50 = pct(values, 0.5)
        rows[kind] = {"requests": len(values), "rps": round(rps, 1), "p50_ms": round(p50, 2),
                      "p99_ms": round(pct(values, 0.99), 2),
                      "ratio_vs_health": round(p50 / health_p50, 2) if health_p50 else None}
    return {"backend": backend, "seconds": seconds, "clients": clients, "fill_s": round(fill_s, 2),
            "errors": errors, "endpoints": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, default=1, help="server processes on PostgreSQL")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = [run_backend(b, args.seconds, args.clients, args.workers) for b in backends]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for res in results:
        print(f"\n{res['backend']}: {DEVICES} devices / {DEVICES * PORTS_PER_DEVICE} ports "
              f"(filled in {res['fill_s']} s), {res['clients']} clients, {res['seconds']} s, errors {res['errors']}")
        total = sum(r["requests"] for r in res["endpoints"].values()) / res["seconds"]
        print(f"all endpoints together: {total:.1f} requests/s")
        print(f"{'endpoint':10} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'p50 / health p50':>17}")
        for kind, row in res["endpoints"].items():
            print(f"{kind:10} {row['requests']:>9} {row['rps']:>8} {row['p50_ms']:>8} {row['p99_ms']:>8} "
                  f"{row['ratio_vs_health']:>17}")


if __name__ == "__main__":
    sys.exit(main())
