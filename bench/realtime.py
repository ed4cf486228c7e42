"""Live updates under load: commit-to-delivery latency at 200 SSE subscribers, 20 writers.

Creates a scratch PostgreSQL database with one show and one source per writer, starts two
`vpm serve` processes on it (or one with `--workers 2`), then runs, each in its own process:

- subscribers: asyncio + httpx streaming, split over both servers, stamping every `change` as it
  arrives;
- writers: PATCH their own source at a fixed pace (or flat out with --rate 0), alternating servers,
  noting when each answer came back.

Commit-to-delivery is bracketed by two stamps on the same host clock:
- `latency_ms` = arrival - the event's `created_at`, stamped inside the write transaction after the
  show's ordering lock, before NOTIFY and COMMIT: an upper bound;
- `latency_from_answer_ms` = arrival - the moment the writer had its answer (after COMMIT): a lower
  bound (negative when the stream beat the HTTP answer); writes are matched to change-log events
  by (entity id, version).
`write_request_ms` is how long the PATCH took. Every subscriber's ids are compared with the
change log: nothing lost, nothing twice, in order.

    .venv/bin/python bench/realtime.py --seconds 20 --subscribers 200 --writers 20 --rate 2
    .venv/bin/python bench/realtime.py --mode workers ...      # one `vpm serve --workers 2`
"""

from __future__ import annotations

import sys
from pathlib import Path


import argparse  # noqa: E402
import asyncio  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VPM = str(ROOT / ".venv" / "bin" / "vpm") if (ROOT / ".venv" / "bin" / "vpm").exists() else "vpm"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


# ------------------------------------------------------------------ subscribers (own process)


async def subscribe(urls: list[str], show: str, first: int, count: int, workdir: Path) -> None:
    """Subscribers ``first .. first+count-1``; files in ``workdir`` are suffixed with ``first``."""
    import httpx

    arrivals: list[list[tuple[int, float]]] = [[] for _ in range(count)]
    ready = [False] * count
    errors: list[str] = []
    stop_at: list[float | None] = [None]
    final: list[int | None] = [None]

    async def one(i: int, client: httpx.AsyncClient) -> None:
        params = {"name": f"crew{(first + i) % 20}", "client": f"tab{first + i}", "page": f"/productions/{show}"}
        buf = b""
        try:
            async with client.stream("GET", f"/api/productions/{show}/stream", params=params) as r:
                if r.status_code != 200:
                    errors.append(f"subscriber {i}: HTTP {r.status_code}")
                    return
                async for chunk in r.aiter_raw():
                    now = time.time()
                    buf += chunk
                    *frames, buf = buf.split(b"\n\n")
                    for fr in frames:
                        if fr.startswith(b"id: "):  # a change: "id: N\nevent: change\ndata: ..."
                            arrivals[i].append((int(fr[4 : fr.index(b"\n")]), now))
                        elif b"event: presence" in fr:
                            ready[i] = True
                    if final[0] is not None and arrivals[i] and arrivals[i][-1][0] >= final[0]:
                        return
        except (httpx.HTTPError, OSError) as exc:
            if final[0] is None:
                errors.append(f"subscriber {i}: {type(exc).__name__}")

    clients = [
        httpx.AsyncClient(
            base_url=u,
            timeout=httpx.Timeout(10, read=120),
            limits=httpx.Limits(max_connections=count, max_keepalive_connections=count),
        )
        for u in urls
    ]
    tasks = [asyncio.create_task(one(i, clients[(first + i) % len(clients)])) for i in range(count)]
    while not all(ready) and not errors:
        await asyncio.sleep(0.05)
    (workdir / f"ready-{first}").write_text(str(sum(ready)))
    stop_file = workdir / "stop"
    while not stop_file.exists():
        await asyncio.sleep(0.05)
    final[0] = int(stop_file.read_text())
    stop_at[0] = time.monotonic() + 15
    while not all(t.done() for t in tasks) and time.monotonic() < stop_at[0]:
        await asyncio.sleep(0.05)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for c in clients:
        await c.aclose()
    (workdir / f"arrivals-{first}.json").write_text(json.dumps({"arrivals": arrivals, "errors": errors}))


# ------------------------------------------------------------------ writers (own process)


async def write(urls: list[str], entities: list[str], seconds: float, rate: float, workdir: Path) -> None:
    import httpx

    writes: list[dict] = []
    failures: dict[str, int] = {}
    stop = time.monotonic() + seconds

    async def writer(w: int, entity: str) -> None:
        rnd = random.Random(w)
        clients = [httpx.AsyncClient(base_url=u, timeout=30, headers={"X-VPM-User": f"writer{w}"}) for u in urls]
        try:
            current = (await clients[0].get(f"/api/sources/{entity}")).json()["version"]
            await asyncio.sleep(rnd.random() / max(rate, 1))
            n = 0
            while time.monotonic() < stop:
                started = time.monotonic()
                client = clients[n % len(clients)]
                r = await client.patch(f"/api/sources/{entity}", json={"version": current, "notes": f"w{w} n{n}"})
                if r.status_code == 200:
                    body = r.json()
                    current = body["version"]
                    at = dt.datetime.fromisoformat(body["updated_at"].replace("Z", "+00:00")).timestamp()
                    writes.append(
                        {
                            "entity": entity,
                            "version": current,
                            "updated_at": at,
                            "answered": time.time(),
                            "request_s": time.monotonic() - started,
                        }
                    )
                else:
                    failures[str(r.status_code)] = failures.get(str(r.status_code), 0) + 1
                n += 1
                if rate > 0:
                    await asyncio.sleep(max(0.0, 1 / rate - (time.monotonic() - started)))
        finally:
            for c in clients:
                await c.aclose()

    await asyncio.gather(*(writer(w, e) for w, e in enumerate(entities)))
    (workdir / "writes.json").write_text(json.dumps({"writes": writes, "failures": failures}))


# ------------------------------------------------------------------ orchestration


def prepare(url: str, writers: int) -> tuple[str, list[str]]:
    import vpm.domain.entities  # noqa: F401
    from vpm.db.engine import Database
    from vpm.db.migrate import upgrade
    from vpm.domain.registry import REGISTRY
    from vpm.services import seeding
    from vpm.services.context import Actor, writing
    from vpm.services.entities import create_in

    upgrade(url)
    db = Database(url)
    seeding.seed_formats(db)
    with writing(db, Actor("bench")) as ctx:
        prod = create_in(
            ctx,
            REGISTRY["productions"],
            {"show_name": "Realtime bench", "client": "bench"},
            {"checklist_template": False},
        )
        ids = [
            create_in(
                ctx,
                REGISTRY["sources"],
                {"label": f"SRC {n + 1}", "name": f"Source {n + 1}", "h_res": 1920, "v_res": 1080, "rate": 59.94},
                {},
                prod.id,
            ).id
            for n in range(writers)
        ]
        pid = prod.id
    return str(pid), [str(i) for i in ids]


def start_server(url: str, home: Path, port: int, workers: int) -> subprocess.Popen:
    import httpx

    env = os.environ | {"DATABASE_URL": url, "VPM_HOME": str(home)}
    log = open(home / f"serve-{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [VPM, "serve", "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(400):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server did not start; see {log.name}")


def cpu_seconds(procs: list[subprocess.Popen]) -> float:
    """User + system CPU of the server processes and their workers so far."""
    import psutil

    total = 0.0
    for p in procs:
        try:
            root = psutil.Process(p.pid)
            for proc in [root, *root.children(recursive=True)]:
                t = proc.cpu_times()
                total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def events_after(base: str, show: str, after: int) -> list[dict]:
    import httpx

    out: list[dict] = []
    while True:
        body = httpx.get(
            f"{base}/api/productions/{show}/events", params={"after": after, "limit": 5000}, timeout=60
        ).json()
        out += body["items"]
        if len(body["items"]) < 5000:
            return out
        after = body["last_id"]


def run(args: argparse.Namespace) -> dict:
    import psycopg

    home = Path(tempfile.mkdtemp(prefix="vpm-bench-rt-"))
    dbname = f"vpm_bench_rt_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {dbname}")
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{dbname}"
    servers: list[subprocess.Popen] = []
    try:
        show, entities = prepare(url, args.writers)
        if args.mode == "workers":
            port = free_port()
            servers.append(start_server(url, home, port, 2))
            urls = [f"http://127.0.0.1:{port}"]
        else:
            ports = [free_port(), free_port()]
            servers += [start_server(url, home, p, 1) for p in ports]
            urls = [f"http://127.0.0.1:{p}" for p in ports]
        start_id = (events_after(urls[0], show, 0) or [{"id": 0}])[-1]["id"]
        me = [sys.executable, str(Path(__file__).resolve())]
        share = -(-args.subscribers // args.subscriber_procs)
        firsts = list(range(0, args.subscribers, share))
        subs = [
            subprocess.Popen(
                me
                + [
                    "_subscribe",
                    "--urls",
                    ",".join(urls),
                    "--show",
                    show,
                    "--first",
                    str(f),
                    "--count",
                    str(min(share, args.subscribers - f)),
                    "--workdir",
                    str(home),
                ]
            )
            for f in firsts
        ]
        for _ in range(1200):
            if all((home / f"ready-{f}").exists() for f in firsts) or any(s.poll() is not None for s in subs):
                break
            time.sleep(0.05)
        if not all((home / f"ready-{f}").exists() for f in firsts):
            raise SystemExit("subscribers did not connect")
        load_before = os.getloadavg()[0]
        cpu_before = cpu_seconds(servers)
        subs_before, wall_before = cpu_seconds(subs), time.monotonic()
        writers = subprocess.Popen(
            me
            + [
                "_write",
                "--urls",
                ",".join(urls),
                "--entities",
                ",".join(entities),
                "--seconds",
                str(args.seconds),
                "--rate",
                str(args.rate),
                "--workdir",
                str(home),
            ]
        )
        writers.wait()
        load_after = os.getloadavg()[0]
        subs_share = (cpu_seconds(subs) - subs_before) / (time.monotonic() - wall_before)
        log = events_after(urls[0], show, start_id)
        final = log[-1]["id"] if log else start_id
        (home / "stop").write_text(str(final))
        for sp in subs:
            sp.wait(120)
        server_cpu = cpu_seconds(servers) - cpu_before
        arrivals: dict[str, list] = {"arrivals": [], "errors": []}
        for f in firsts:
            part = json.loads((home / f"arrivals-{f}.json").read_text())
            arrivals["arrivals"] += part["arrivals"]
            arrivals["errors"] += part["errors"]
        wrote = json.loads((home / "writes.json").read_text())
        (home / "log.json").write_text(json.dumps(log))
    finally:
        for p in servers:
            p.terminate()
        for p in servers:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        if not args.keep:
            import shutil

            shutil.rmtree(home, ignore_errors=True)

    expected = [e["id"] for e in log]
    key_of = {e["id"]: (e["entity_id"], e["version"]) for e in log}
    logged_at = {e["id"]: dt.datetime.fromisoformat(e["created_at"]).timestamp() for e in log}
    answered = {(w["entity"], w["version"]): w["answered"] for w in wrote["writes"]}
    upper: list[float] = []  # arrival - the event's created_at (in the transaction, before NOTIFY and COMMIT)
    lower: list[float] = []  # arrival - the writer got its answer (after COMMIT)
    lost = dup = disorder = 0
    for got in arrivals["arrivals"]:
        ids = [i for i, _ in got]
        if ids != expected:
            lost += len(set(expected) - set(ids))
            dup += len(ids) - len(set(ids))
            disorder += int(ids != sorted(ids))
        for eid, at in got:
            if eid in logged_at:
                upper.append((at - logged_at[eid]) * 1000)
            done = answered.get(key_of.get(eid))
            if done is not None:
                lower.append((at - done) * 1000)
    requests = [w["request_s"] * 1000 for w in wrote["writes"]]

    def summary(values: list[float]) -> dict[str, float]:
        return {
            "p50": round(pct(values, 0.5), 1),
            "p90": round(pct(values, 0.9), 1),
            "p99": round(pct(values, 0.99), 1),
            "max": round(max(values, default=float("nan")), 1),
        }

    return {
        "mode": args.mode,
        "subscribers": args.subscribers,
        "writers": args.writers,
        "seconds": args.seconds,
        "rate_per_writer": args.rate,
        "writes": len(wrote["writes"]),
        "write_failures": wrote["failures"],
        "events": len(expected),
        "deliveries": sum(len(a) for a in arrivals["arrivals"]),
        "expected_deliveries": len(expected) * args.subscribers,
        "lost": lost,
        "duplicated": dup,
        "out_of_order_streams": disorder,
        "subscriber_errors": arrivals["errors"][:5],
        "latency_ms": summary(upper),
        "latency_from_answer_ms": summary(lower),
        "write_request_ms": summary(requests),
        "subscriber_procs": len(firsts),
        "subscriber_processes_cpu_share": round(subs_share, 2),
        "server_cpu_seconds": round(server_cpu, 2),
        "server_cpu_ms_per_1000_deliveries": round(
            server_cpu * 1e6 / max(1, sum(len(a) for a in arrivals["arrivals"])), 1
        ),
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "cpus": os.cpu_count(),
        "raw_data": str(home) if args.keep else None,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd")
    s = sub.add_parser("_subscribe")
    s.add_argument("--urls", required=True)
    s.add_argument("--show", required=True)
    s.add_argument("--first", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--workdir", required=True)
    w = sub.add_parser("_write")
    w.add_argument("--urls", required=True)
    w.add_argument("--entities", required=True)
    w.add_argument("--seconds", type=float, required=True)
    w.add_argument("--rate", type=float, required=True)
    w.add_argument("--workdir", required=True)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--subscribers", type=int, default=200)
    p.add_argument("--writers", type=int, default=20)
    p.add_argument("--rate", type=float, default=2.0, help="writes per second per writer; 0 = as fast as possible")
    p.add_argument("--keep", action="store_true", help="keep the raw arrivals, writes and change log (path printed)")
    p.add_argument(
        "--subscriber-procs",
        type=int,
        default=2,
        help="processes the subscribers are spread over (none of them writes)",
    )
    p.add_argument(
        "--mode",
        choices=["processes", "workers"],
        default="processes",
        help="two `vpm serve` processes, or one with --workers 2",
    )
    args = p.parse_args()
    if args.cmd == "_subscribe":
        asyncio.run(subscribe(args.urls.split(","), args.show, args.first, args.count, Path(args.workdir)))
    elif args.cmd == "_write":
        asyncio.run(write(args.urls.split(","), args.entities.split(","), args.seconds, args.rate, Path(args.workdir)))
    else:
        result = run(args)
        print(json.dumps(result, indent=2))
        ok = result["lost"] == 0 and result["duplicated"] == 0 and result["out_of_order_streams"] == 0
        print(
            f"\n{result['events']} events to {args.subscribers} subscribers ({result['deliveries']} deliveries): "
            f"p50 {result['latency_ms']['p50']} ms, p99 {result['latency_ms']['p99']} ms; "
            f"{'nothing lost, duplicated or out of order' if ok else 'LOSS/DUPLICATES/DISORDER: see above'}"
        )
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
