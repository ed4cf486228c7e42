"""API throughput and latency on the workload of the app vpm replaces, driven by wrk.

The same data as the side-by-side comparison with the previous app (VideoDept's API, Express +
Prisma on Node 20): 3 shows; 200 sources with 2 output ports each in the first. For every server
configuration a fresh database is filled through the services, ``vpm serve`` is started (start-up
to the first 200 from /health is timed), its idle RSS is read, then each endpoint of the table is
driven for a fixed time with ``wrk -t2 -c16`` (and ``-c64`` for the 200-source list). Prints
requests/s, p50 and p99 per endpoint next to the previous app's figures (measured earlier on this
machine, quoted from the comparison), plus start-up, idle RSS and peak RSS per worker, and the
server's own CPU time per request (user + system of the serving processes over the run, divided by
the requests wrk completed): on a shared machine that figure moves far less than requests/s.

A same-run baseline — a bare Starlette app answering a constant JSON /health on uvicorn — is
measured first: the machine may be shared, so compare ratios rather than absolute figures.

    .venv/bin/python bench/api.py                      # PostgreSQL 1 and 2 workers, SQLite 1 worker
    .venv/bin/python bench/api.py --backend sqlite --workers 1 --only health,get
    .venv/bin/python bench/api.py --startup 7          # start-up and RSS only: 7 spawns per configuration

``--startup N`` measures start-up alone (no wrk): ``vpm serve`` spawned N times per configuration;
the median spawn-to-first-/health time and the server's CPU time at that moment (user + system of
the processes; on a shared machine it moves far less than the time), idle RSS per worker once
settled, and RSS per worker after one GET of each kind the table reads (a show list, a list of 200
sources, one source, a page, a 404), the memory a server holds once it has served something.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
VPM = str(BIN / "vpm") if (BIN / "vpm").exists() else "vpm"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
SHOWS, SOURCES, OUT_PORTS = 3, 200, 2
PATCH_POOL = 64  # rows each wrk thread patches in turn (more than its connections: no 409s)

#: The previous app's figures on this machine: requests/s, p50 ms, p99 ms (one Node process).
PREVIOUS = {
    "health": (1899, 7.6, 20.5),
    "productions": (706, 21.2, 44.0),
    "list": (78.9, 200, 355),
    "list64": (None, None, None),
    "get": (619, 25.0, 39.4),
    "create_show": (548, 27.7, 52.5),
    "create_show_checklist": (None, None, None),
    "create_source": (289, 52.4, 133),
    "patch": (223, 68.6, 116),
}
PREVIOUS_START_MS, PREVIOUS_IDLE_MB, PREVIOUS_PEAK_MB = 469, 91, 180
TITLES = {
    "health": "GET /health",
    "productions": "GET productions (3)",
    "list": "GET 200 sources of a show",
    "list64": "  the same, -c64",
    "get": "GET one source",
    "create_show": "POST production",
    "create_show_checklist": "POST production + 95-item checklist",
    "create_source": "POST source",
    "patch": "update one field",
}

LUA_POST = """
local n = 0
function setup(thread) thread:set("tid", math.random(1, 1e9)) end
function request()
  n = n + 1
  local body = string.format(BODY, tid, n)
  return wrk.format("POST", PATH, {["Content-Type"] = "application/json"}, body)
end
"""

LUA_PATCH = """
local ids = {IDS}
local ready, version = {}, {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("part", counter)
end
function init(args)
  local half = math.floor(#ids / 2)
  local first = (part - 1) * half + 1
  for i = first, first + half - 1 do table.insert(ready, ids[i]); version[ids[i]] = 1 end
end
local n = 0
function request()
  n = n + 1
  local id = table.remove(ready, 1)
  if id == nil then id = ids[1] end
  local body = string.format('{"version": %d, "notes": "edit %d"}', version[id] or 1, n)
  return wrk.format("PATCH", "/api/sources/" .. id, {["Content-Type"] = "application/json"}, body)
end
function response(status, headers, body)
  local id = body:match('"id":"([^"]+)"')
  local v = body:match('"version":(%d+)')
  if id and v then version[id] = tonumber(v); table.insert(ready, id) end
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def populate(url: str) -> dict[str, object]:
    """3 shows; 200 sources with 2 output ports each in the first; a pool of sources to patch in the third."""
    import vpm.domain.entities  # noqa: F401
    from vpm.db.engine import Database
    from vpm.domain.registry import REGISTRY
    from vpm.services.context import Actor, writing
    from vpm.services.entities import create_in

    db = Database(url)
    shows = []
    with writing(db, Actor("bench")) as ctx:
        for i in range(SHOWS):
            prod = create_in(
                ctx,
                REGISTRY["productions"],
                {"show_name": f"Bench show {i + 1}", "client": "bench"},
                {"checklist_template": False},
            )
            shows.append(prod.id)
    ports = REGISTRY["ports"]
    sources = []
    with writing(db, Actor("bench")) as ctx:
        for n in range(1, SOURCES + 1):
            dev = create_in(
                ctx,
                REGISTRY["sources"],
                {"label": f"SRC {n}", "name": f"Source {n}", "h_res": 1920, "v_res": 1080, "rate": 59.94},
                {},
                shows[0],
            )
            sources.append(str(dev.id))
            for k in range(OUT_PORTS):
                create_in(
                    ctx,
                    ports,
                    {
                        "device_id": dev.id,
                        "direction": "out",
                        "connector": "SDI",
                        "label": f"OUT {k + 1}",
                        "index": k + 1,
                    },
                    {},
                    shows[0],
                )
    pool = []
    with writing(db, Actor("bench")) as ctx:
        for n in range(1, 2 * PATCH_POOL + 1):
            dev = create_in(ctx, REGISTRY["sources"], {"label": f"EDIT {n}", "h_res": 1920}, {}, shows[2])
            pool.append(str(dev.id))
    db.engine.dispose()
    return {"shows": [str(s) for s in shows], "sources": sources, "pool": pool}


def process_tree(pid: int) -> list[int]:
    import psutil

    try:
        root = psutil.Process(pid)
        return [root.pid] + [c.pid for c in root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def worker_pids(pid: int, workers: int, children: bool = False) -> list[int]:
    """The processes that serve requests: the server itself with one worker, its children with more
    (or always, with ``children``: granian serves from child processes)."""
    tree = process_tree(pid)
    if workers == 1 and not children:
        return tree[:1]
    import psutil

    return [p for p in tree[1:] if "resource_tracker" not in " ".join(psutil.Process(p).cmdline())] or tree[1:]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def wait_health(port: int, proc: subprocess.Popen, deadline_s: float = 180) -> float:
    import http.client

    t_end = time.perf_counter() + deadline_s
    while time.perf_counter() < t_end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                return time.perf_counter()
        except OSError:
            pass
        time.sleep(0.005)
    proc.kill()
    raise SystemExit("server did not answer /health in time")


def start(cmd: list[str], env: dict[str, str], port: int) -> tuple[subprocess.Popen, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t1 = wait_health(port, proc)
    return proc, (t1 - t0) * 1000


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wrk(url: str, seconds: float, connections: int, script: str | None = None) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "10s"]
    path = None
    if script:
        fd, path = tempfile.mkstemp(suffix=".lua")
        os.write(fd, script.encode())
        os.close(fd)
        cmd += ["-s", path]
    try:
        out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    finally:
        if path:
            os.unlink(path)
    return parse_wrk(out)


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(out: str) -> dict[str, float]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(int(g) for g in errors.groups()) if errors else 0,
    }


def endpoints(data: dict[str, object]) -> dict[str, tuple[str, int, str | None]]:
    shows: list[str] = data["shows"]  # type: ignore[assignment]
    sources: list[str] = data["sources"]  # type: ignore[assignment]
    pool: list[str] = data["pool"]  # type: ignore[assignment]
    post = LUA_POST
    return {
        "health": ("/health", 16, None),
        "productions": ("/api/productions", 16, None),
        "list": (f"/api/productions/{shows[0]}/sources?limit=200", 16, None),
        "list64": (f"/api/productions/{shows[0]}/sources?limit=200", 64, None),
        "get": (f"/api/sources/{sources[len(sources) // 2]}", 16, None),
        "create_show": (
            "/api/productions",
            16,
            post.replace("PATH", '"/api/productions"').replace(
                "BODY", """'{"show_name": "Show %d-%d", "client": "bench", "checklist_template": false}'"""
            ),
        ),
        "create_show_checklist": (
            "/api/productions",
            16,
            post.replace("PATH", '"/api/productions"').replace(
                "BODY", """'{"show_name": "Show %d-%d", "client": "bench"}'"""
            ),
        ),
        "create_source": (
            f"/api/productions/{shows[1]}/sources",
            16,
            post.replace("PATH", f'"/api/productions/{shows[1]}/sources"').replace(
                "BODY", """'{"label": "B%d-%d", "h_res": 1920, "v_res": 1080, "rate": 59.94}'"""
            ),
        ),
        "patch": ("/api/sources", 16, LUA_PATCH.replace("{IDS}", "{" + ",".join(f'"{i}"' for i in pool) + "}")),
    }


def fresh_database(backend: str, home: str) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{home}/bench.db", None
    import psycopg

    dbname = f"vpm_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {dbname}")
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{dbname}", dbname


def drop_database(dbname: str | None) -> None:
    if dbname:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")


def run_config(backend: str, workers: int, seconds: float, only: set[str] | None, server: list[str]) -> dict:
    home = tempfile.mkdtemp(prefix="vpm-bench-")
    url, dbname = fresh_database(backend, home)
    try:
        env = os.environ | {"DATABASE_URL": url, "VPM_HOME": home}
        subprocess.run([VPM, "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            [VPM, "seed", "--only", "formats", "--only", "picklists"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        data = populate(url)
        port = free_port()
        if server[:1] == ["granian"]:  # the same app on granian instead of uvicorn, for comparison
            env |= {"VPM_AUTH": "open"}
            cmd = [
                str(BIN / "granian"),
                "--interface",
                "asgi",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--loop",
                "uvloop",
                "--no-access-log",
                "--log-level",
                "warning",
                *server[1:],
                "vpm.web.app:create_app",
            ]
        else:
            cmd = [VPM, "serve", "--port", str(port), "--workers", str(workers), "--log-level", "warning"] + server
        proc, start_ms = start(cmd, env, port)
        try:
            time.sleep(1.0 + workers)  # every worker up and settled
            wait_health(port, proc)
            pids = worker_pids(proc.pid, workers, children=server[:1] == ["granian"])
            idle_mb = [_status_kb(p, "VmRSS") / 1024 for p in pids]
            rows = {}
            for kind, (path, conns, script) in endpoints(data).items():
                if only and kind not in only:
                    continue
                cpu0 = cpu_seconds(pids)
                rows[kind] = wrk(f"http://127.0.0.1:{port}{path}", seconds, conns, script)
                wait_health(port, proc)  # requests still queued when wrk stopped are answered first
                done = rows[kind]["rps"] * seconds
                rows[kind]["cpu_ms"] = (cpu_seconds(pids) - cpu0) * 1000 / done if done else float("nan")
                time.sleep(0.5)
            peak_mb = [_status_kb(p, "VmHWM") / 1024 for p in pids]
        finally:
            stop(proc)
    finally:
        drop_database(dbname)
        shutil.rmtree(home, ignore_errors=True)
    return {
        "backend": backend,
        "workers": workers,
        "server": server,
        "start_ms": round(start_ms),
        "idle_mb": idle_mb,
        "peak_mb": peak_mb,
        "endpoints": rows,
    }


BARE_APP = textwrap.dedent("""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def health(request):
        return JSONResponse({"status": "ok"})

    app = Starlette(routes=[Route("/health", health)])
""")


def baseline(seconds: float) -> dict[str, float]:
    """A bare Starlette /health on uvicorn, one process: how far the stack goes on this machine now."""
    home = tempfile.mkdtemp(prefix="vpm-bench-bare-")
    Path(home, "bare_app.py").write_text(BARE_APP)
    port = free_port()
    env = os.environ | {"PYTHONPATH": home}
    proc, _ = start(
        [PYTHON, "-m", "uvicorn", "bare_app:app", "--port", str(port), "--log-level", "warning", "--no-access-log"],
        env,
        port,
    )
    try:
        return wrk(f"http://127.0.0.1:{port}/health", seconds, 16)
    finally:
        stop(proc)
        shutil.rmtree(home, ignore_errors=True)


def _fmt(rps: float | None, p50: float | None, p99: float | None) -> str:
    if rps is None:
        return "—"
    return f"{rps:,.1f} · {p50:,.1f} · {p99:,.1f}"


def print_table(res: dict) -> None:
    server = " on granian" if res.get("server", [])[:1] == ["granian"] else ""
    print(f"\n### {res['backend']}, {res['workers']} worker{'s' if res['workers'] > 1 else ''}{server}\n")
    print(
        "| endpoint | previous app req/s · p50 · p99 ms | vpm req/s · p50 · p99 ms | vpm / previous (req/s) "
        "| server CPU ms / request | errors |"
    )
    print("|---|---|---|---|---|---|")
    for kind, row in res["endpoints"].items():
        prev = PREVIOUS[kind]
        ratio = f"{row['rps'] / prev[0]:.2f}" if prev[0] else "—"
        errors = row["non2xx"] + row["socket_errors"]
        print(
            f"| {TITLES[kind]} | {_fmt(*prev)} | {_fmt(row['rps'], row['p50'], row['p99'])} | {ratio} "
            f"| {row['cpu_ms']:.2f} | {errors} |"
        )
    idle = " + ".join(f"{m:.0f}" for m in res["idle_mb"])
    peak = " + ".join(f"{m:.0f}" for m in res["peak_mb"])
    print(
        f"\nstart-up to first /health: {res['start_ms']} ms (previous app {PREVIOUS_START_MS} ms); "
        f"idle RSS per worker: {idle} MB (previous {PREVIOUS_IDLE_MB}); "
        f"peak RSS per worker: {peak} MB (previous {PREVIOUS_PEAK_MB})"
    )


def _cpu_ms_tree(pid: int) -> float:
    return sum(cpu_seconds([p]) for p in process_tree(pid)) * 1000


def startup_only(backend: str, workers: int, spawns: int, server: list[str]) -> dict:
    """Start-up and memory only: ``vpm serve`` spawned ``spawns`` times on one filled database."""
    import http.client
    import statistics

    home = tempfile.mkdtemp(prefix="vpm-bench-")
    url, dbname = fresh_database(backend, home)
    try:
        env = os.environ | {"DATABASE_URL": url, "VPM_HOME": home}
        subprocess.run([VPM, "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            [VPM, "seed", "--only", "formats", "--only", "picklists"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        data = populate(url)
        shows, sources = data["shows"], data["sources"]
        warm = [
            "/api/productions",
            f"/api/productions/{shows[0]}/sources?limit=200",  # type: ignore[index]
            f"/api/sources/{sources[0]}",  # type: ignore[index]
            "/",
            "/api/no-such-thing",
        ]
        starts, cpus, idle, used = [], [], [], []
        for _ in range(spawns):
            port = free_port()
            cmd = [VPM, "serve", "--port", str(port), "--workers", str(workers), "--log-level", "warning"] + server
            proc, start_ms = start(cmd, env, port)
            try:
                starts.append(start_ms)
                cpus.append(_cpu_ms_tree(proc.pid))
                time.sleep(1.0 + workers)  # every worker up and settled
                pids = worker_pids(proc.pid, workers)
                idle.append([_status_kb(p, "VmRSS") / 1024 for p in pids])
                for _round in range(workers * 4):  # the kernel spreads connections over the workers
                    for path in warm:
                        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                        c.request("GET", path)
                        c.getresponse().read()
                used.append([_status_kb(p, "VmRSS") / 1024 for p in pids])
            finally:
                stop(proc)
    finally:
        drop_database(dbname)
        shutil.rmtree(home, ignore_errors=True)
    return {
        "backend": backend,
        "workers": workers,
        "spawns": spawns,
        "start_ms": [round(t) for t in starts],
        "start_ms_median": round(statistics.median(starts)),
        "cpu_ms_median": round(statistics.median(cpus)),
        "idle_mb_median": round(statistics.median(m for run in idle for m in run), 1),
        "used_mb_median": round(statistics.median(m for run in used for m in run), 1),
        "load": [round(x, 2) for x in os.getloadavg()],
    }


def print_startup(res: dict) -> None:
    print(
        f"{res['backend']}, {res['workers']} worker{'s' if res['workers'] > 1 else ''}: start-up to first /health "
        f"median {res['start_ms_median']} ms of {res['spawns']} ({', '.join(map(str, res['start_ms']))}; previous "
        f"app {PREVIOUS_START_MS}), server CPU at that moment {res['cpu_ms_median']} ms; RSS per worker idle "
        f"{res['idle_mb_median']} MB (previous {PREVIOUS_IDLE_MB}), after a few requests {res['used_mb_median']} MB; "
        f"load average {' '.join(map(str, res['load']))}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts (several need PostgreSQL)")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--only", help="comma-separated endpoint keys: " + ",".join(TITLES))
    ap.add_argument(
        "--server-arg",
        action="append",
        default=[],
        help="extra argument for `vpm serve`; `--server-arg granian` serves the app with granian instead",
    )
    ap.add_argument("--json", action="store_true", help="print JSON instead of tables")
    ap.add_argument("--startup", type=int, metavar="N", help="measure only start-up and RSS, over N spawns")
    args = ap.parse_args()
    if args.startup:
        backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
        for backend in backends:
            for workers in (int(w) for w in args.workers.split(",")):
                if workers > 1 and backend == "sqlite":
                    continue
                res = startup_only(backend, workers, args.startup, args.server_arg)
                if args.json:
                    print(json.dumps(res))
                else:
                    print_startup(res)
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    only = set(args.only.split(",")) if args.only else None
    counts = [int(w) for w in args.workers.split(",")]
    bare = baseline(args.seconds)
    results = []
    for backend in backends:
        for workers in counts:
            if workers > 1 and backend == "sqlite":
                continue
            results.append(run_config(backend, workers, args.seconds, only, args.server_arg))
    if args.json:
        print(json.dumps({"bare_starlette_health": bare, "runs": results}, indent=2))
        return
    print(
        f"same-run baseline, bare Starlette /health on uvicorn (1 process, wrk -t2 -c16): "
        f"{_fmt(bare['rps'], bare['p50'], bare['p99'])}"
    )
    for res in results:
        print_table(res)


if __name__ == "__main__":
    sys.exit(main())
