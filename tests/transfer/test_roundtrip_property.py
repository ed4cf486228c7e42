"""Random shows -> export -> import into an empty show -> the same show (Hypothesis)."""

from __future__ import annotations

import ipaddress
import uuid

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from vpm.domain.enums import ChecklistCategory
from vpm.domain.registry import REGISTRY
from vpm.services import entities as svc
from vpm.services.context import Actor
from vpm.services.transfer import export_show, import_file
from vpm.services.transfer.engine import title_key

from tests.transfer.test_import import _snapshot

ACTOR = Actor("prop")
KINDS = ("sources", "sends", "routers", "converters", "cable-snakes")
# printable text a crew types, including a leading "=" (never run as a formula) and non-ASCII
TEXT = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool)
)
NOTE = st.one_of(st.none(), TEXT, st.just("=SUM(A1:A2)"), st.just("line one\nline two"))


@st.composite
def shows(draw):  # type: ignore[no-untyped-def]
    devices = []
    labels = draw(
        st.lists(
            st.from_regex(r"[A-Z]{1,4} [0-9]{1,2}", fullmatch=True),
            min_size=1,
            max_size=6,
            unique_by=lambda s: s.lower(),
        )
    )
    for label in labels:
        kind = draw(st.sampled_from(KINDS))
        values = {"label": label, "name": draw(TEXT), "notes": draw(NOTE)}
        if kind in ("sources", "sends"):
            values |= {
                "h_res": draw(st.one_of(st.none(), st.integers(1, 8192))),
                "rate": draw(st.one_of(st.none(), st.sampled_from([23.976, 29.97, 50.0, 59.94, 60.0]))),
            }
        devices.append((kind, values, draw(st.integers(0, 3)), draw(st.integers(0, 3))))
    ips = draw(st.lists(st.integers(1, 254), max_size=4, unique=True))
    items = draw(
        st.lists(
            st.tuples(st.sampled_from([c.value for c in ChecklistCategory]), TEXT, st.booleans()),
            max_size=4,
            unique_by=lambda t: (t[0], title_key(t[1])),
        )
    )
    items = [i for i in items if title_key(i[1])]
    cables = draw(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100)), max_size=6))
    return devices, ips, items, cables


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(show=shows())
def test_random_show_round_trips(db, tmp_path, show) -> None:  # type: ignore[no-untyped-def]
    devices, ips, items, cables = show
    pid = svc.create(
        db, REGISTRY["productions"], {"show_name": f"P {uuid.uuid4().hex[:6]}", "checklist_template": False}, ACTOR
    )["id"]
    outs, ins = [], []
    for kind, values, n_in, n_out in devices:
        dev = svc.create(db, REGISTRY[kind], values, ACTOR, pid)
        for direction, n in (("in", n_in), ("out", n_out)):
            for k in range(n):
                port = svc.create(
                    db,
                    REGISTRY["ports"],
                    {
                        "device_id": uuid.UUID(dev["id"]),
                        "direction": direction,
                        "label": f"{direction.upper()} {k + 1}",
                    },
                    ACTOR,
                    pid,
                )
                (ins if direction == "in" else outs).append(uuid.UUID(port["id"]))
    fed = set()
    for a, b in cables:
        if outs and ins:
            src, dst = outs[a % len(outs)], ins[b % len(ins)]
            if dst not in fed:
                svc.create(
                    db, REGISTRY["connections"], {"from_port_id": src, "to_port_id": dst, "length_ft": 25.0}, ACTOR, pid
                )
                fed.add(dst)
    for n in ips:
        svc.create(db, REGISTRY["ip-addresses"], {"ip": str(ipaddress.ip_address(f"10.0.0.{n}"))}, ACTOR, pid)
    for category, title, done in items:
        svc.create(
            db, REGISTRY["checklist-items"], {"category": category, "title": title, "completed": done}, ACTOR, pid
        )
    for fmt in ("xlsx", "ods"):
        out = tmp_path / f"{uuid.uuid4().hex}.{fmt}"
        export_show(db, pid, out, fmt)
        copy = svc.create(db, REGISTRY["productions"], {"show_name": "Copy", "checklist_template": False}, ACTOR)["id"]
        report = import_file(db, copy, out, ACTOR, dry_run=False)
        assert not report.errors and not report.skips, (report.errors, report.skips)
        a, b = _snapshot(db, uuid.UUID(pid)), _snapshot(db, uuid.UUID(copy))
        for sheet in a:
            assert a[sheet] == b[sheet], (fmt, sheet)
        again = import_file(db, copy, out, ACTOR, dry_run=True)
        assert again.changed == 0


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
