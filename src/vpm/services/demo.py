"""A demo show, built through the same services a user's clicks go through."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select

from vpm.db.engine import Database
from vpm.domain.library import EquipmentSpec
from vpm.domain.production import Production
from vpm.domain.registry import REGISTRY
from vpm.services.context import Actor, WriteContext, writing
from vpm.services.entities import create_in
from vpm.services.seeding import SeedReport

#: Fixed, so seeding the demo twice finds the first one.
DEMO_ID = uuid.UUID("00000000-0000-4000-8000-00000000de70")
ACTOR = Actor("demo-seed")


def _spec(ctx: WriteContext, slug: str) -> Any:
    return ctx.session.scalar(select(EquipmentSpec.id).where(EquipmentSpec.slug == slug))


def _make(ctx: WriteContext, slug: str, pid: uuid.UUID, **values: Any) -> Any:
    return create_in(ctx, REGISTRY[slug], values, {}, pid)


def _ports(device: Any, direction: str) -> list[Any]:
    return [p for p in device.ports if p.direction == direction]


def _hdmi_out(device: Any) -> Any:
    return next(p for p in _ports(device, "out") if p.connector == "HDMI")


def _cable(ctx: WriteContext, pid: uuid.UUID, out_port: Any, in_port: Any, cable: str, length: float) -> None:
    _make(
        ctx,
        "connections",
        pid,
        from_port_id=out_port.id,
        to_port_id=in_port.id,
        cable_type=cable,
        length_ft=length,
        label=None,
    )


def seed_demo(db: Database) -> SeedReport:
    report = SeedReport("demo show", total=1)
    with db.read() as session:
        if session.get(Production, DEMO_ID) is not None:
            report.unchanged = 1
            return report
    load_in = dt.datetime.combine(dt.date.today() + dt.timedelta(days=40), dt.time(8, 0))
    with writing(db, ACTOR) as ctx:
        spec = REGISTRY["productions"]
        values = {
            "client": "Sample Client",
            "show_name": "Annual Conference (demo)",
            "venue": "Grand Ballroom",
            "room": "Ballroom A",
            "load_in": load_in,
            "load_out": load_in + dt.timedelta(days=3),
            "status": "PLANNING",
        }
        # through the generic path, so the checklist and the change log are made as for any show
        pid = create_in(ctx, spec, values | {"id": DEMO_ID}, {"checklist_template": True}).id
        sources = [
            _make(
                ctx,
                "sources",
                pid,
                label=f"SRC {i}",
                name=name,
                source_type=kind,
                h_res=h,
                v_res=v,
                rate=r,
                equipment_spec_id=_spec(ctx, "pc-laptop-gfx"),
            )
            for i, (name, kind, h, v, r) in enumerate(
                [
                    ("WIDE A", "Laptop - PC WIDE", 3840, 1080, 59.94),
                    ("WIDE B", "Laptop - PC WIDE", 3840, 1080, 59.94),
                    ("GFX A", "Laptop - PC GFX", 1920, 1080, 59.94),
                    ("GFX B", "Laptop - PC GFX", 1920, 1080, 59.94),
                    ("NOTES A", "Laptop - MAC MISC", 1920, 1080, 59.94),
                ],
                start=1,
            )
        ]
        ccus = [
            _make(ctx, "ccus", pid, label=f"CCU {i}", name=f"CCU {i}", equipment_spec_id=_spec(ctx, "sony-hdcu-5500"))
            for i in (1, 2)
        ]
        for i, ccu in enumerate(ccus, start=1):
            cam = _make(
                ctx,
                "cameras",
                pid,
                label=f"CAM {i}",
                name=f"CAM {i}",
                ccu_id=ccu.id,
                equipment_spec_id=_spec(ctx, "sony-hdc-5500"),
                lens_type="Canon UJ86",
                max_zoom=86.0,
            )
            _cable(ctx, pid, _ports(cam, "out")[0], _ports(ccu, "in")[0], "SMPTE Fiber", 250)
        e2 = _make(
            ctx,
            "vision-switchers",
            pid,
            label="E2",
            name="Barco E2 Gen 2",
            equipment_spec_id=_spec(ctx, "barco-e2-gen2"),
            control_ip="192.168.0.175",
        )
        router = _make(
            ctx,
            "routers",
            pid,
            label="RTR 01",
            name="Router 01",
            location="@ VIDEO SWITCH",
            equipment_spec_id=_spec(ctx, "blackmagic-videohub-20x20-12g"),
            signal_type="SDI",
        )
        conv = _make(
            ctx,
            "converters",
            pid,
            label="CONV 1",
            name="Decimator",
            converter_type="HDMI > SDI",
            equipment_spec_id=_spec(ctx, "decimator-md-hx"),
        )
        rec = _make(
            ctx,
            "records",
            pid,
            label="REC 1",
            name="Program record",
            equipment_spec_id=_spec(ctx, "blackmagic-hyperdeck-studio-4k-pro"),
            codec="ProRes 422 HQ",
        )
        e2_in, router_in, router_out = _ports(e2, "in"), _ports(router, "in"), _ports(router, "out")
        hdmi_in = [p for p in e2_in if p.connector == "HDMI"]
        sdi_in = [p for p in e2_in if "SDI" in p.connector]
        # the two wide laptops go straight into the E2's HDMI inputs
        for src, port in zip(sources[:2], hdmi_in):
            _cable(ctx, pid, _hdmi_out(src), port, "HDMI", 15)
        # GFX A reaches the router through an HDMI-to-SDI converter
        _cable(ctx, pid, _hdmi_out(sources[2]), _ports(conv, "in")[0], "HDMI", 6)
        _cable(ctx, pid, next(p for p in _ports(conv, "out") if "SDI" in p.connector), router_in[2], "3G-SDI", 25)
        for n, ccu in enumerate(ccus):
            _cable(ctx, pid, _ports(ccu, "out")[0], router_in[n], "12G-SDI", 25)
        # router: OUT 1 <- CAM 1 to the E2, OUT 2 <- CAM 2 to the E2, OUT 3 <- GFX A to the recorder
        xp = REGISTRY["router-crosspoints"]
        for out_n, in_n in ((0, 0), (1, 1), (2, 2)):
            create_in(
                ctx,
                xp,
                {"router_id": router.id, "output_port_id": router_out[out_n].id, "input_port_id": router_in[in_n].id},
                {},
                pid,
            )
        _cable(ctx, pid, router_out[0], sdi_in[0], "12G-SDI", 10)
        _cable(ctx, pid, router_out[1], sdi_in[1], "12G-SDI", 10)
        _cable(ctx, pid, router_out[2], _ports(rec, "in")[0], "12G-SDI", 10)
        for i, name in enumerate(["SCREEN 1A", "SCREEN 1B", "GFX FEED", "MVR QUAD"], start=1):
            _make(
                ctx,
                "sends",
                pid,
                label=f"DST {i}",
                name=name,
                send_type="VIDEO SWITCH",
                h_res=1920,
                v_res=1080,
                rate=59.94,
            )
        _make(
            ctx,
            "led-screens",
            pid,
            label="LED 1",
            name="MAIN LED",
            tile_cols=16,
            tile_rows=9,
            equipment_spec_id=_spec(ctx, "ref-infiled-ar3-91mm-500-x-500mm"),
            processor_spec_id=_spec(ctx, "novastar-mx40-pro"),
        )
        surface = _make(
            ctx,
            "screens",
            pid,
            label="SCREEN 1",
            name="IMAG Left",
            width_m=7.3,
            height_m=4.1,
            surface_type="FRONT",
            gain_factor=1.0,
            ambient_lux=50,
        )
        _make(
            ctx,
            "projectors",
            pid,
            label="IMAG 1",
            name="IMAG Left PJ",
            equipment_spec_id=_spec(ctx, "barco-udx-4k35"),
            screen_id=surface.id,
            placement="IMAG",
            h_res=3840,
            v_res=2160,
            rate=59.94,
            stack_count=1,
        )
        _make(
            ctx,
            "streams",
            pid,
            label="STR 1",
            name="YouTube main",
            platform="YouTube",
            url="rtmp://a.rtmp.youtube.com/live2",
            stream_key="demo-key-not-real",
        )
        _make(ctx, "cable-snakes", pid, label="SNAKE 1", name="VIDEO SNAKE", snake_type="SDI", length_ft=50)
        _make(ctx, "media-servers", pid, label="MS 1A", name="Server 1 A", platform="Disguise", pair_number=1)
        _make(
            ctx,
            "media-servers",
            pid,
            label="MS 1B",
            name="Server 1 B",
            platform="Disguise",
            pair_number=1,
            is_backup=True,
        )
        for ip, dev, cat, vlan in [
            ("192.168.0.175", "E2", "VIDEO", None),
            ("192.168.0.10", "ROUTER 01", "VIDEO", None),
            ("192.168.3.11", "CCU 1", "CAMS", 3),
            ("192.168.3.12", "CCU 2", "CAMS", 3),
            ("192.168.4.21", "LED PROCESSOR 01a", "LED", 4),
        ]:
            _make(ctx, "ip-addresses", pid, ip=ip, device_name=dev, category=cat, subnet="192.168.0.0/16", vlan=vlan)
    report.inserted = 1
    return report
