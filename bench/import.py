"""Import and export speed and memory on a generated workbook of sources, sends, ports and cables.

For each size, a vpm workbook (.xlsx) is generated, then in separate processes (so each peak RSS is
its own): the reader alone walks every row (the floor), ``vpm import`` brings it into an empty show
of a fresh SQLite database (one all-or-nothing write through the services), and ``vpm export``
writes the show back out. Prints rows/s and peak RSS of each.

    .venv/bin/python bench/import.py --rows 1000 10000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def generate(path: Path, rows: int) -> int:
    """About ``rows`` rows: sources and sends (1/10 each), one port per device side, cables (1/5)."""
    from vpm.services.transfer import native, writers

    n_dev = max(1, rows // 10)
    specs = dict((t, s) for t, s in native.sheet_specs())

    def sheet(title: str, values: list[dict]) -> tuple[str, list[str], list[list]]:
        cols = native.columns(specs[title])
        return title, [c.header for c in cols], [[v.get(c.field) for c in cols] for v in values]

    sources = [
        {
            "label": f"SRC {i}",
            "name": f"LAPTOP {i}",
            "source_type": "LAPTOP",
            "h_res": 1920,
            "v_res": 1080,
            "rate": 59.94,
        }
        for i in range(1, n_dev + 1)
    ]
    sends = [
        {"label": f"DST {i}", "name": f"MON {i}", "send_type": "MONITOR", "h_res": 1920, "v_res": 1080, "rate": 59.94}
        for i in range(1, n_dev + 1)
    ]
    ports = []
    for i in range(1, n_dev + 1):
        for k in (1, 2, 3):
            ports.append(
                {
                    "device_label": f"SRC {i}",
                    "device_kind": "Source",
                    "direction": "out",
                    "label": f"OUT {k}",
                    "index": k,
                    "connector": "HDMI",
                }
            )
            ports.append(
                {
                    "device_label": f"DST {i}",
                    "device_kind": "Send",
                    "direction": "in",
                    "label": f"IN {k}",
                    "index": k,
                    "connector": "SDI",
                }
            )
    left = max(0, rows - len(sources) - len(sends) - len(ports))
    cables = []
    for j in range(min(left, n_dev * 3)):
        i, k = j // 3 + 1, j % 3 + 1
        cables.append(
            {
                "from_device": f"SRC {i}",
                "from_kind": "Source",
                "from_port": f"OUT {k}",
                "to_device": f"DST {i}",
                "to_kind": "Send",
                "to_port": f"IN {k}",
                "length_ft": 50.0,
            }
        )
    sheets = [sheet("Sources", sources), sheet("Sends", sends), sheet("Ports", ports), sheet("Connections", cables)]
    sheets.insert(0, ("Show", ["Field", "Value"], [["Show", "Bench"]]))
    writers.write_xlsx(path, sheets)
    return sum(len(s[2]) for s in sheets[1:])


def child(mode: str, path: str, url: str) -> None:
    """One measured step in its own process; prints JSON with seconds and peak RSS (MB)."""
    os.environ["DATABASE_URL"] = url
    import vpm.cli.transfer  # noqa: F401  (module loading is not the work being measured)
    import vpm.domain.entities  # noqa: F401
    import vpm.services.transfer.legacy  # noqa: F401

    t = time.perf_counter()
    cpu0 = time.process_time()
    n = 0
    if mode == "read":
        from vpm.services.transfer import open_workbook

        book = open_workbook(path)
        for name in book.sheet_names:
            for _row in book.rows(name):
                n += 1
        book.close()
    elif mode == "import":
        from click.testing import CliRunner

        from vpm.cli.transfer import import_

        result = CliRunner().invoke(import_, [path, "--json", "--ignore-memory-check"], catch_exceptions=False)
        report = json.loads(result.output.strip().splitlines()[-1])
        n = report["total"]
        assert report["ops"].get("error", 0) == 0, report["ops"]
    else:
        from click.testing import CliRunner

        from vpm.cli.transfer import export

        result = CliRunner().invoke(export, ["Bench", path, "--ignore-memory-check"], catch_exceptions=False)
        n = int(result.output.split()[1])
    seconds = time.perf_counter() - t
    cpu = time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": n, "seconds": seconds, "cpu": cpu, "peak_mb": peak}))


def run(mode: str, path: Path, url: str) -> dict:
    out = subprocess.run(
        [PY, __file__, "--child", mode, str(path), url], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    sys.path.insert(0, str(ROOT / "src"))
    print(f"{'rows':>7} {'step':<8} {'wall s':>8} {'rows/s':>8} {'CPU s':>8} {'rows/CPU s':>10} {'peak MB':>8}")
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            wb = Path(tmp) / "bench.xlsx"
            total = generate(wb, rows)
            url = f"sqlite:///{tmp}/bench.db"
            env = os.environ | {"DATABASE_URL": url, "VPM_HOME": tmp}
            subprocess.run([str(Path(PY).parent / "vpm"), "db", "upgrade"], env=env, check=True, capture_output=True)
            subprocess.run(
                [str(Path(PY).parent / "vpm"), "seed", "--only", "formats"], env=env, check=True, capture_output=True
            )
            for mode, target in (("read", wb), ("import", wb), ("export", Path(tmp) / "out.xlsx")):
                r = run(mode, target, url)
                rate = r["rows"] / r["seconds"] if r["seconds"] else 0
                cpu_rate = r["rows"] / r["cpu"] if r["cpu"] else 0
                print(
                    f"{total:>7} {mode:<8} {r['seconds']:>8.2f} {rate:>8.0f} {r['cpu']:>8.2f} {cpu_rate:>10.0f} "
                    f"{r['peak_mb']:>8.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
