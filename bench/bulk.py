"""Backup, restore (the bulk import path) and memory on synthetic shows of 10k, 100k and 1M ports.

For each database and size: fill a source database with synthetic productions (routers of 16
ports, each output cabled to the next router's input, a change-log event per device and cable;
`vpm.ops.synthetic`, Core inserts in batches), then time as subprocesses:

* ``vpm db backup``  beside the raw driver reading the same rows (sqlite3 / psycopg ``fetchmany``);
* ``vpm db restore`` into a fresh migrated database, beside the raw driver inserting the same rows
  into another fresh one (sqlite3 ``executemany`` / psycopg ``COPY ... write_row``), in the same run.

Each subprocess's peak RSS comes from ``os.wait4`` (the kernel's own maximum for that child).
Rows/s count every row of every table and include the interpreter's start-up.

    .venv/bin/python bench/bulk.py                       # 10k, 100k, 1M on SQLite and PostgreSQL
    .venv/bin/python bench/bulk.py --sizes 10k,100k --databases sqlite
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
BATCH = 5000
RSS_FLAT_LIMIT = 1.5
RSS_MAX_MB = 250


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = 1
    if text.endswith("k"):
        factor, text = 1_000, text[:-1]
    elif text.endswith("m"):
        factor, text = 1_000_000, text[:-1]
    try:
        value = int(float(text) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 10k, 100k or 1M") from None
    if value < 16:
        raise argparse.ArgumentTypeError("a size must be at least 16 ports")
    return value


def label(size: int) -> str:
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k" if size % 1000 == 0 else str(size)


# ------------------------------------------------------------------ raw driver baselines (subprocess modes)


def raw_read(url: str, tables: list[str]) -> int:
    n = 0
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.split("///", 1)[1])
        for t in tables:
            cur = conn.execute(f'SELECT * FROM "{t}"')
            while rows := cur.fetchmany(BATCH):
                n += len(rows)
        conn.close()
        return n
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        for t in tables:
            with conn.cursor(name=f"read_{t}") as cur:
                cur.execute(f'SELECT * FROM "{t}"')
                while rows := cur.fetchmany(BATCH):
                    n += len(rows)
    return n


def raw_insert(src: str, dst: str, tables: list[str]) -> int:
    """The same rows, source to target, through the driver alone: the limit a restore aims at."""
    n = 0
    if src.startswith("sqlite"):
        import sqlite3

        s = sqlite3.connect(src.split("///", 1)[1])
        d = sqlite3.connect(dst.split("///", 1)[1], isolation_level=None)
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):  # as the app runs
            d.execute(f"PRAGMA {pragma}")
        d.execute("BEGIN IMMEDIATE")
        for t in tables:
            cur = s.execute(f'SELECT * FROM "{t}"')
            cols = ", ".join(f'"{c[0]}"' for c in cur.description)
            sql = f'INSERT INTO "{t}" ({cols}) VALUES ({", ".join("?" * len(cur.description))})'
            while rows := cur.fetchmany(BATCH):
                d.executemany(sql, rows)
                n += len(rows)
        d.execute("COMMIT")
        return n
    import psycopg

    with (
        psycopg.connect(src.replace("postgresql+psycopg", "postgresql")) as s,
        psycopg.connect(dst.replace("postgresql+psycopg", "postgresql")) as d,
    ):
        for t in tables:
            with s.cursor(name=f"copy_{t}") as cur:
                cur.execute(f'SELECT * FROM "{t}"')
                rows = cur.fetchmany(BATCH)
                cols = ", ".join(f'"{c.name}"' for c in cur.description)
                with d.cursor() as dc, dc.copy(f'COPY "{t}" ({cols}) FROM STDIN') as copy:
                    copy.set_types([c.type_code for c in cur.description])
                    while rows:
                        for row in rows:
                            copy.write_row(row)
                        n += len(rows)
                        rows = cur.fetchmany(BATCH)
        d.commit()
    return n


# ------------------------------------------------------------------ measuring subprocesses


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float


#: Runs a module (``-m`` style) and, at exit, writes the process's own peak RSS (VmHWM) to a file.
#: ``ru_maxrss`` from wait4 cannot be used: Linux carries the parent's high-water mark across exec.
LAUNCHER = (
    "import atexit, os, runpy, sys\n"
    "def _peak():\n"
    "    with open('/proc/self/status') as fh, open(os.environ['BENCH_RSS_FILE'], 'w') as out:\n"
    "        out.write(next(l.split()[1] for l in fh if l.startswith('VmHWM')))\n"
    "atexit.register(_peak)\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
)


def write_peak_rss() -> None:
    """For the raw-driver modes: the same VmHWM report the launcher makes."""
    target = os.environ.get("BENCH_RSS_FILE")
    if target:
        with open("/proc/self/status") as fh, open(target, "w") as out:
            out.write(next(line.split()[1] for line in fh if line.startswith("VmHWM")))


def measure(args: list[str], env: dict[str, str], module: bool = True) -> Run:
    """Run ``python -m <args>`` (or ``python <args>``) and return wall time and peak RSS."""
    cmd = [sys.executable, "-c", LAUNCHER, *args] if module else [sys.executable, *args]
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".rss") as rss,
    ):
        started = time.perf_counter()
        proc = subprocess.run(cmd, env=env | {"BENCH_RSS_FILE": rss.name}, stdout=out, stderr=err, check=False)
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            out.seek(0)
            err.seek(0)
            raise SystemExit(
                f"{' '.join(args)} failed ({proc.returncode}):\n{out.read().decode()}\n{err.read().decode()}"
            )
        peak_kib = int(rss.read().strip() or 0)
    return Run(seconds, peak_kib / 1024)


def best(runs: list[Run]) -> Run:
    """Fastest time of the repeats (others share the machine) and the highest peak RSS."""
    return Run(min(r.seconds for r in runs), max(r.peak_rss_mb for r in runs))


# ------------------------------------------------------------------ databases


class Scratch:
    """Fresh migrated databases of one kind, dropped at the end."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind, self.workdir, self.names = kind, workdir, []
        self.tag = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"

    def new(self, role: str) -> str:
        from vpm.db import migrate
        from vpm.db.engine import dispose_engines

        if self.kind == "sqlite":
            path = self.workdir / f"{role}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            url = f"sqlite:///{path}"
        else:
            import psycopg

            name = f"vpm_bench_{self.tag}_{role}"
            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {name}")
            self.names.append(name)
            url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        migrate.upgrade(url)
        dispose_engines()
        return url

    def drop(self, url: str) -> None:
        from vpm.db.engine import dispose_engines

        dispose_engines()
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{url.split('///', 1)[1]}{suffix}").unlink(missing_ok=True)
            return
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.names.remove(name)

    def drop_all(self) -> None:
        from vpm.db.engine import dispose_engines

        dispose_engines()
        if self.kind != "postgresql":
            return
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            for name in self.names:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.names.clear()


def table_rows(url: str) -> dict[str, int]:
    from vpm.db.engine import Database, dispose_engines
    from vpm.ops.dump import count_rows

    counts = count_rows(Database(url).engine)
    dispose_engines()
    return counts


# ------------------------------------------------------------------ one size on one database


@dataclass
class Result:
    database: str
    size: int
    rows: int
    op: str
    run: Run
    raw: Run
    startup: float
    raw_startup: float

    @property
    def rate(self) -> float:
        return self.rows / self.run.seconds

    @property
    def raw_rate(self) -> float:
        return self.rows / self.raw.seconds

    @property
    def ratio(self) -> float:
        return self.rate / self.raw_rate

    @property
    def net_ratio(self) -> float:
        """The ratio with each process's own start-up (interpreter and imports) taken out."""
        mine = self.run.seconds - self.startup
        raw = self.raw.seconds - self.raw_startup
        return raw / mine if mine > 0 and raw > 0 else self.ratio


def bench_one(kind: str, size: int, workdir: Path, repeat: int) -> list[Result]:
    from vpm.db.engine import Database, dispose_engines
    from vpm.ops.synthetic import generate

    scratch = Scratch(kind, workdir)
    env = dict(os.environ, VPM_HOME=str(workdir / "home"))
    here = str(Path(__file__).resolve())
    try:
        src = scratch.new("src")
        started = time.perf_counter()
        made = generate(Database(src).engine, size)
        dispose_engines()
        gen_s = time.perf_counter() - started
        print(
            f"  {kind} {label(size)}: generated {made.rows:,} rows ({made.ports:,} ports, {made.devices:,} devices, "
            f"{made.connections:,} cables, {made.events:,} events) in {gen_s:.1f}s",
            flush=True,
        )
        tables = [t for t, n in table_rows(src).items() if n]
        dump = workdir / f"dump-{kind}-{label(size)}"
        startup = best([measure(["vpm.cli", "--version"], env) for _ in range(3)]).seconds
        raw_startup = best([measure([here, "_noop"], env, module=False) for _ in range(3)]).seconds
        backups, raw_reads, restores, raw_writes = [], [], [], []
        for _ in range(repeat):
            shutil.rmtree(dump, ignore_errors=True)
            backups.append(measure(["vpm.cli", "db", "backup", str(dump)], env | {"DATABASE_URL": src}))
            raw_reads.append(measure([here, "_raw-read", src, ",".join(tables)], env, module=False))
            dst = scratch.new("dst")
            restores.append(measure(["vpm.cli", "db", "restore", str(dump)], env | {"DATABASE_URL": dst}))
            if table_rows(dst) != table_rows(src):
                raise SystemExit(f"{kind} {label(size)}: restored row counts differ from the source")
            raw_dst = scratch.new("raw")
            raw_writes.append(measure([here, "_raw-insert", src, raw_dst, ",".join(tables)], env, module=False))
            scratch.drop(dst)
            scratch.drop(raw_dst)
        shutil.rmtree(dump, ignore_errors=True)
        return [
            Result(kind, size, made.rows, "backup", best(backups), best(raw_reads), startup, raw_startup),
            Result(kind, size, made.rows, "restore", best(restores), best(raw_writes), startup, raw_startup),
        ]
    finally:
        scratch.drop_all()
        for p in workdir.glob("*.db*"):
            p.unlink()


def report(results: list[Result]) -> str:
    lines = [
        "| database | ports | rows | operation | seconds | rows/s | peak RSS MB | raw driver s | "
        "raw rows/s | raw peak RSS MB | vs raw | vs raw, net of start-up |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.database} | {label(r.size)} | {r.rows:,} | {r.op} | {r.run.seconds:.1f} | {r.rate:,.0f} | "
            f"{r.run.peak_rss_mb:.0f} | {r.raw.seconds:.1f} | {r.raw_rate:,.0f} | {r.raw.peak_rss_mb:.0f} | "
            f"{r.ratio:.2f} | {r.net_ratio:.2f} |"
        )
    return "\n".join(lines)


def verdicts(results: list[Result]) -> list[str]:
    out = []
    for db in sorted({r.database for r in results}):
        for op in ("backup", "restore"):
            mine = sorted((r for r in results if r.database == db and r.op == op), key=lambda r: r.size)
            if len(mine) >= 2:
                growth = mine[-1].run.peak_rss_mb / mine[0].run.peak_rss_mb
                out.append(
                    f"{db} {op}: peak RSS {mine[0].run.peak_rss_mb:.0f} MB at {label(mine[0].size)} -> "
                    f"{mine[-1].run.peak_rss_mb:.0f} MB at {label(mine[-1].size)} ports (x{growth:.2f}; "
                    f"target <= x{RSS_FLAT_LIMIT}) {'OK' if growth <= RSS_FLAT_LIMIT else 'MISSED'}"
                )
            for r in mine:
                if r.size >= 1_000_000:
                    ok = r.run.peak_rss_mb < RSS_MAX_MB
                    out.append(
                        f"{db} {op} at {label(r.size)}: peak RSS {r.run.peak_rss_mb:.0f} MB "
                        f"(target < {RSS_MAX_MB}) {'OK' if ok else 'MISSED'}"
                    )
            if op == "restore":
                for r in mine:
                    ok = r.ratio >= 0.5
                    out.append(
                        f"{db} restore at {label(r.size)}: {r.ratio:.2f} of the raw driver's rows/s "
                        f"({r.net_ratio:.2f} net of start-up; target >= 0.50) {'OK' if ok else 'MISSED'}"
                    )
    return out


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("_raw-read", "_raw-insert", "_noop"):
        if sys.argv[1] == "_raw-read":
            raw_read(sys.argv[2], sys.argv[3].split(","))
        elif sys.argv[1] == "_raw-insert":
            raw_insert(sys.argv[2], sys.argv[3], sys.argv[4].split(","))
        write_peak_rss()
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        default="10k,100k,1M",
        type=lambda s: [parse_size(x) for x in s.split(",") if x.strip()],
        help="port counts, comma-separated (default: 10k,100k,1M)",
    )
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both (default: both)")
    parser.add_argument("--workdir", type=Path, default=None, help="where files go (default: a temp folder)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest counts (default 1)")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    bad = [k for k in kinds if k not in ("sqlite", "postgresql")]
    if bad:
        parser.error(f"unknown database(s) {', '.join(bad)}; use sqlite and/or postgresql")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="vpm-bench-bulk-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"bench/bulk.py --sizes {','.join(label(s) for s in args.sizes)} --databases {','.join(kinds)} "
        f"--repeat {args.repeat} (files in {workdir})",
        flush=True,
    )
    results: list[Result] = []
    try:
        for kind in kinds:
            for size in args.sizes:
                results += bench_one(kind, size, workdir, max(1, args.repeat))
                for line in report(results[-2:]).splitlines()[-2:]:
                    print(line, flush=True)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(report(results))
    print()
    for line in verdicts(results):
        print(line)


if __name__ == "__main__":
    main()
