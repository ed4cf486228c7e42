"""Seeding the full equipment library, then a second run that finds nothing to do.

For each database: a fresh migrated database, then the library (equipment-library.json's 290 specs
plus the spreadsheet's 125 reference specs, with their ports and cards), the formats and the
pick-lists, timed in-process (the work itself) and as `vpm seed` subprocesses (what a person waits
for, interpreter start-up included). Each figure is the median of --runs fresh runs.
Targets: first run < 2 s, second run < 0.5 s.

    .venv/bin/python bench/seed.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
FIRST_TARGET_S, SECOND_TARGET_S = 2.0, 0.5
PARTS = ["--only", "library", "--only", "formats", "--only", "picklists"]


def fresh(kind: str, workdir: Path) -> tuple[str, str | None]:
    from vpm.db import migrate
    from vpm.db.engine import dispose_engines

    if kind == "sqlite":
        url, name = f"sqlite:///{workdir / f'seed-{uuid.uuid4().hex[:6]}.db'}", None
    else:
        import psycopg

        name = f"vpm_bench_seed_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    migrate.upgrade(url)
    dispose_engines()
    return url, name


def drop(name: str | None) -> None:
    from vpm.db.engine import dispose_engines

    dispose_engines()
    if name:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def in_process(url: str) -> tuple[float, int]:
    import vpm.domain.entities  # noqa: F401  (fills the registry the services read)
    from vpm.db.engine import Database
    from vpm.services import seeding

    db = Database(url)
    started = time.perf_counter()
    reports = [seeding.seed_formats(db), seeding.seed_picklists(db), *seeding.seed_library(db)]
    return time.perf_counter() - started, sum(r.changed for r in reports)


def cli(url: str, home: Path) -> tuple[float, str]:
    env = dict(os.environ, DATABASE_URL=url, VPM_HOME=str(home))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "vpm.cli", "seed", *PARTS], env=env, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - started, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="fresh databases per figure (median; default 5)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    if any(k not in ("sqlite", "postgresql") for k in kinds):
        parser.error("--databases takes sqlite and/or postgresql")
    workdir = Path(tempfile.mkdtemp(prefix="vpm-bench-seed-"))
    home = workdir / "home"
    rows = ["| database | how | first run s | second run s | rows changed (first / second) |", "|---|---|---|---|---|"]
    verdicts = []
    for kind in kinds:
        firsts, seconds, changed = [], [], (0, 0)
        for _ in range(args.runs):
            url, name = fresh(kind, workdir)
            try:
                t1, c1 = in_process(url)
                t2, c2 = in_process(url)
            finally:
                drop(name)
            firsts.append(t1)
            seconds.append(t2)
            changed = (c1, c2)
        a, b = statistics.median(firsts), statistics.median(seconds)
        rows.append(f"| {kind} | in-process (services) | {a:.2f} | {b:.2f} | {changed[0]} / {changed[1]} |")
        verdicts.append(
            f"{kind}: first {a:.2f}s (target < {FIRST_TARGET_S}) {'OK' if a < FIRST_TARGET_S else 'MISSED'}, "
            f"second {b:.2f}s (target < {SECOND_TARGET_S}) {'OK' if b < SECOND_TARGET_S else 'MISSED'}"
        )
        firsts, seconds, last = [], [], ""
        for _ in range(args.runs):
            url, name = fresh(kind, workdir)
            try:
                firsts.append(cli(url, home)[0])
                t2, last = cli(url, home)
                seconds.append(t2)
            finally:
                drop(name)
        a, b = statistics.median(firsts), statistics.median(seconds)
        rows.append(
            f"| {kind} | `vpm seed` subprocess | {a:.2f} | {b:.2f} | second says: "
            f"{last.strip().splitlines()[0][:60]}... |"
        )
        print(rows[-2], rows[-1], sep="\n", flush=True)
    print()
    print("\n".join(rows))
    print()
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()
