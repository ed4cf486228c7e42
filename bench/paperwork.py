"""Printed paperwork on a big show: the patch book and the cable labels as PDF.

A 2,000-device / 20,000-cable show is built in memory (1,500 sources with 4 outputs, 40 snakes of
100 lines, 10 routers of 1,000 x 1,000, 400 sends with 20 inputs, 50 switchers with 40 inputs);
loading a show from the database is measured by ``bench/signal_flow.py``. Prints the time to make
each PDF, its pages and pages per second. Target: the patch book in under 5 s.

    .venv/bin/python bench/paperwork.py [--devices-scale 1.0]
"""

from __future__ import annotations

import argparse
import os
import time
import uuid

from vpm.services.signal import labels, printed
from vpm.services.signal.graph import Cable, DeviceNode, PortNode, ShowGraph
from vpm.services.signal.pdf import PageSetup


def build(scale: float = 1.0) -> ShowGraph:
    g = ShowGraph(production_id=uuid.uuid4(), show_name="Bench show")
    counter = iter(range(10**9))

    def dev(kind: str, label: str) -> DeviceNode:
        d = DeviceNode(uuid.uuid4().hex, kind, label, label)
        g.add_device(d)
        return d

    def port(d: DeviceNode, direction: str, index: int) -> PortNode:
        p = PortNode(uuid.uuid4().hex, d, direction, index, f"{direction} {index}", "3G-SDI", "SDI", True)
        g.add_port(p)
        return p

    def cable(a: PortNode, b: PortNode, length: float) -> None:
        n = next(counter)
        g.add_cable(Cable(uuid.uuid4().hex, a, b, f"V{n + 1}", "3G-SDI", length))

    def n(x: int) -> int:
        return max(1, int(x * scale))

    sources = [
        [port(s, "out", i) for i in range(1, 5)] for s in (dev("source", f"SRC {k}") for k in range(1, n(1500) + 1))
    ]
    snakes = [dev("cable_snake", f"SNAKE {k}") for k in range(1, n(40) + 1)]
    snake_ports = [
        ([port(s, "in", i) for i in range(1, 101)], [port(s, "out", i) for i in range(1, 101)]) for s in snakes
    ]
    routers = [dev("router", f"RTR {k}") for k in range(1, n(10) + 1)]
    rtr_in = [port(r, "in", i) for r in routers for i in range(1, 1001)]
    rtr_out = [port(r, "out", i) for r in routers for i in range(1, 1001)]
    sends = [port(s, "in", i) for s in (dev("send", f"DST {k}") for k in range(1, n(400) + 1)) for i in range(1, 21)]
    mixers = [
        port(m, "in", i) for m in (dev("vision_switcher", f"SW {k}") for k in range(1, n(50) + 1)) for i in range(1, 41)
    ]
    outs = [p for ps in sources for p in ps]
    lines = [(i, o) for ins, outs_ in snake_ports for i, o in zip(ins, outs_)]
    rin = iter(rtr_in)
    for k, o in enumerate(outs):
        if k < len(lines):
            line_in, line_out = lines[k]
            cable(o, line_in, 25 + (k % 7) * 25)
            cable(line_out, next(rin), 6)
        else:
            nxt = next(rin, None)
            if nxt is not None:
                cable(o, nxt, 50)
    rout = iter(rtr_out)
    for dst in sends + mixers:
        o = next(rout, None)
        if o is not None:
            cable(o, dst, 100 + (hash(dst.id) % 4) * 50)
    return g.finish()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--devices-scale", type=float, default=1.0)
    args = ap.parse_args()
    t0 = time.perf_counter()
    g = build(args.devices_scale)
    print(
        f"show: {len(g.devices)} devices, {len(g.ports)} ports, {len(g.cables)} cables "
        f"(built in memory in {time.perf_counter() - t0:.2f} s)"
    )
    setup = PageSetup(show="Bench show", venue="Hall 1", revision="A", printed="2027-01-01 00:00")
    from pypdf import PdfReader  # noqa: PLC0415 - only to count pages
    import io  # noqa: PLC0415

    t, c = time.perf_counter(), time.process_time()
    devices, unlisted = printed.patch_devices(g)
    book = printed.patch_book(g, setup, devices, unlisted)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    pages_book = len(PdfReader(io.BytesIO(book)).pages)
    print(
        f"patch book: {pages_book} pages, {len(book) / 1e6:.1f} MB, {wall:.2f} s wall, {cpu:.2f} s CPU, "
        f"{pages_book / cpu:.0f} pages per CPU second  (target < 5 s)"
    )
    t, c = time.perf_counter(), time.process_time()
    sheet = labels.labels_pdf(labels.cable_labels(g, list(g.cables)), labels.TEMPLATES["avery-5160"], setup)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    pages_lab = len(PdfReader(io.BytesIO(sheet)).pages)
    print(
        f"cable labels (Avery 5160, both ends): {2 * len(g.cables)} labels, {pages_lab} pages, "
        f"{len(sheet) / 1e6:.1f} MB, {wall:.2f} s wall, {cpu:.2f} s CPU, {pages_lab / cpu:.0f} pages per CPU second"
    )
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
