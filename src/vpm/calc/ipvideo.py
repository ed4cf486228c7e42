"""IP video budgets: the bandwidth of each kind of flow, and flows summed on a network link.

=================  =====================================================================  ==========================
flow               bandwidth on the wire                                                   source
=================  =====================================================================  ==========================
ST 2110-20         active picture x bits per pixel x frames/s + 86 B per 1200 B packet    SMPTE ST 2110-20, RFC 4175
                   (:func:`vpm.calc.sdi.st2110_bandwidth`); a narrow gapped sender (N)
                   peaks at average x total lines / active lines, a narrow linear (NL)
                   sender at the average, a wide sender (W) like N with bursts of up to
                   16 packets                                                              SMPTE ST 2110-21
ST 2110-30         channels x bytes per sample x samples per packet + 78 B, per packet     SMPTE ST 2110-30, AES67
                   time (1 ms: 48 samples at 48 kHz; 125 us: 6)
ST 2110-31         as -30 with 4 bytes (AM824) per sample                                  SMPTE ST 2110-31
ST 2110-40         ancillary bytes per frame in packets of at most 1200 B, + 78 B each    SMPTE ST 2110-40, RFC 8331
ST 2022-6          the SDI rate in 1376-byte media payloads + 86 B per packet              SMPTE ST 2022-6
ST 2022-7          a second identical copy on the other network (the show total doubles)  SMPTE ST 2022-7
NDI (full)         125 Mb/s at 1080p60, 250 Mb/s at 2160p60; other formats scaled with     NDI documentation
                   the square root of the pixel rate (estimate)
NDI|HX             20 Mb/s at 1080p60, 40 Mb/s at 2160p60 (HX2, H.264/H.265), same rule    NDI documentation
SRT                stream bitrate x 1.25 (SRT's default 25 % overhead bandwidth for        Haivision SRT (OHEADBW)
                   retransmission)
RTMP               stream bitrate x 1.05 (TCP/IP headers)                                  RTMP over TCP
=================  =====================================================================  ==========================

78 B per packet = RTP 12 + UDP 8 + IPv4 20 + Ethernet 14 + FCS 4 + preamble 8 + gap 12.

A link fits while the flows' sum is at most capacity x max utilisation (the show's headroom rule,
default :data:`vpm.calc.sdi.DEFAULT_MAX_UTILISATION` = 0.9, the one rule every check uses).
Rates in Gb/s unless the name says Mb/s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import _checks
from .errors import CalcError
from .formats import exact_rate_hz, format_id
from .sdi import DEFAULT_MAX_UTILISATION, sdi_requirement, st2110_bandwidth, sum_flows
from .timing import find_cta_timing

#: Bytes per packet from RTP to the Ethernet wire: RTP 12 + UDP 8 + IPv4 20 + Ethernet 14 + FCS 4 +
#: preamble 8 + inter-packet gap 12.
AUDIO_WIRE_OVERHEAD_BYTES = 78
#: ST 2022-6 media payload per datagram and its overhead to the wire (RTP 12 + HBRMT header 8 + UDP 8 +
#: IPv4 20 + Ethernet 18 + preamble and gap 20).
ST2022_6_PAYLOAD_BYTES = 1376
ST2022_6_WIRE_OVERHEAD_BYTES = 86
#: NDI bitrates at 1080p60 (1920 x 1080 x 60 px/s), Mb/s, and the square-root scaling exponent.
NDI_1080P60_MBPS = {"full": 125.0, "hx": 20.0}
NDI_SCALING_EXPONENT = 0.5
_PIXELS_1080P60 = 1920 * 1080 * 60
#: Stream protocol overhead factors.
STREAM_OVERHEAD = {"SRT": 1.25, "RTMP": 1.05}
SENDER_TYPES = ("N", "NL", "W")
FLOW_KINDS = ("2110-20", "2110-30", "2110-31", "2110-40", "2022-6", "NDI", "NDI-HX", "SRT", "RTMP")
#: Common link speeds, Gb/s.
LINK_SPEEDS_GBPS = (1.0, 10.0, 25.0, 40.0, 50.0, 100.0)


@dataclass(frozen=True)
class Flow:
    """One flow: ``average_gbps`` on the wire, ``peak_gbps`` its sender's peak (what a link must
    carry), ``paths`` 2 for ST 2022-7 (a copy on each network), and how it was worked out."""

    kind: str
    description: str
    average_gbps: float
    peak_gbps: float
    paths: int
    formula: str
    source: str


def video_2110_flow(
    h: int,
    v: int,
    rate: float,
    interlaced: bool = False,
    sampling: str = "4:2:2",
    bit_depth: int = 10,
    sender: str = "N",
    redundant: bool = False,
) -> Flow:
    """ST 2110-20 video. ``sender``: "N" (narrow gapped), "NL" (narrow linear) or "W" (wide), ST 2110-21."""
    kind = _checks.choice("sender", sender, SENDER_TYPES)
    flow = st2110_bandwidth(h, v, rate, interlaced, sampling, bit_depth)
    card = find_cta_timing(h, v, rate, interlaced)
    gap = (card.v_total / card.v_active) if (card is not None and kind != "NL") else 1.0
    return Flow(
        "2110-20",
        f"{flow.format_id} {flow.sampling} {flow.bit_depth}-bit, sender {kind}",
        flow.wire_gbps,
        flow.wire_gbps * gap,
        2 if redundant else 1,
        "active px x bits per px x frames/s + 86 B per 1200 B packet"
        + (f"; peak x {gap:.4f} (total / active lines)" if gap != 1.0 else ""),
        "SMPTE ST 2110-20, ST 2110-21",
    )


def audio_flow(
    channels: int = 2,
    sample_rate_hz: int = 48_000,
    bit_depth: int = 24,
    packet_time_us: float = 1000.0,
    aes3: bool = False,
    redundant: bool = False,
) -> Flow:
    """ST 2110-30 (PCM, L16/L24) or, with ``aes3``, ST 2110-31 audio. Example: 2 ch L24 48 kHz
    1 ms = (48 x 2 x 3 + 78) B x 8 x 1000 packets/s = 2.928 Mb/s."""
    count = _checks.whole("channels", channels, minimum=1)
    if count > 64:
        raise CalcError("channels", "ST 2110-30 carries at most 64 channels per stream (level C)")
    hz = _checks.whole("sample_rate_hz", sample_rate_hz, minimum=1)
    if hz not in (44_100, 48_000, 96_000):
        raise CalcError("sample_rate_hz", "must be 44100, 48000 or 96000")
    depth = _checks.whole("bit_depth", bit_depth, minimum=1)
    if depth not in (16, 24):
        raise CalcError("bit_depth", "must be 16 (L16) or 24 (L24)")
    ptime = _checks.positive("packet_time_us", packet_time_us)
    if ptime not in (125.0, 250.0, 333.0, 1000.0, 4000.0):
        raise CalcError("packet_time_us", "must be 125, 250, 333, 1000 or 4000 us (AES67 / ST 2110-30)")
    samples = math.ceil(hz * ptime / 1e6)
    bytes_per_sample = 4 if aes3 else depth // 8
    payload = samples * count * bytes_per_sample
    if payload > 1440:
        raise CalcError(
            "channels",
            f"{count} channels at {ptime:g} us make {payload} B packets; "
            "the limit is 1440 B (use a shorter packet time)",
        )
    packets = 1e6 / ptime
    gbps = (payload + AUDIO_WIRE_OVERHEAD_BYTES) * 8 * packets / 1e9
    kind = "2110-31" if aes3 else "2110-30"
    return Flow(
        kind,
        f"{count} ch {'AES3' if aes3 else f'L{depth}'} {hz / 1000:g} kHz, {ptime:g} us",
        gbps,
        gbps,
        2 if redundant else 1,
        f"({samples} samples x {count} ch x {bytes_per_sample} B + 78 B) x 8 x {packets:g} packets/s",
        "SMPTE ST 2110-31" if aes3 else "SMPTE ST 2110-30, AES67",
    )


def anc_flow(rate: float, bytes_per_frame: int = 256, interlaced: bool = False, redundant: bool = False) -> Flow:
    """ST 2110-40 ancillary data (captions, timecode, SCTE-104): ``bytes_per_frame`` in packets of at
    most 1200 B, one set per field when interlaced."""
    hz = _checks.frame_rate("rate", rate)
    size = _checks.whole("bytes_per_frame", bytes_per_frame, minimum=1)
    if size > 65_536:
        raise CalcError("bytes_per_frame", "must be at most 65536")
    per_second = exact_rate_hz(hz)  # frames, or fields when interlaced (the rate given is the field rate)
    packets = math.ceil(size / 1200)
    gbps = (size + packets * (AUDIO_WIRE_OVERHEAD_BYTES + 8)) * 8 * per_second / 1e9
    return Flow(
        "2110-40",
        f"{size} B ancillary per {'field' if interlaced else 'frame'}",
        gbps,
        gbps,
        2 if redundant else 1,
        "(bytes + packets x 86 B) x 8 x frames/s",
        "SMPTE ST 2110-40, RFC 8331",
    )


def st2022_6_flow(h: int, v: int, rate: float, interlaced: bool = False, redundant: bool = False) -> Flow:
    """ST 2022-6: the whole SDI signal (the single-link SDI rate of the format) in 1376 B payloads.
    Example: HD-SDI 1.485 Gb/s -> 1.485e9 / (1376 x 8) packets/s x 1462 B x 8 = 1.578 Gb/s."""
    req = sdi_requirement(h, v, rate, interlaced)
    if req.single_link is None:
        raise CalcError("h", f"{req.format_id} needs more than one SDI link; ST 2022-6 carries one")
    sdi_rate = req.single_link.link_rate_gbps
    packets = sdi_rate * 1e9 / (ST2022_6_PAYLOAD_BYTES * 8)
    gbps = packets * (ST2022_6_PAYLOAD_BYTES + ST2022_6_WIRE_OVERHEAD_BYTES) * 8 / 1e9
    return Flow(
        "2022-6",
        f"{req.format_id} as {req.single_link.level}",
        gbps,
        gbps,
        2 if redundant else 1,
        f"{sdi_rate:.4g} Gb/s / (1376 B x 8) packets/s x (1376 + 86) B x 8",
        "SMPTE ST 2022-6",
    )


def ndi_flow(h: int, v: int, rate: float, interlaced: bool = False, hx: bool = False) -> Flow:
    """NDI full bandwidth (SpeedHQ) or NDI|HX: the documented 1080p60 figure scaled with the square
    root of the pixel rate (1080p60 full 125 Mb/s, 2160p60 250 Mb/s)."""
    width = _checks.whole("h", h, minimum=1)
    height = _checks.whole("v", v, minimum=1)
    hz = _checks.frame_rate("rate", rate)
    frames = exact_rate_hz(hz) / (2 if interlaced else 1)
    pixel_rate = width * height * frames
    key = "hx" if hx else "full"
    mbps = NDI_1080P60_MBPS[key] * (pixel_rate / _PIXELS_1080P60) ** NDI_SCALING_EXPONENT
    gbps = mbps / 1000
    return Flow(
        "NDI-HX" if hx else "NDI",
        f"{format_id(width, height, hz, interlaced)} NDI{'|HX' if hx else ''}",
        gbps,
        gbps,
        1,
        f"{NDI_1080P60_MBPS[key]:g} Mb/s x sqrt(pixel rate / 1080p60)",
        "NDI documentation (1080p60 and 2160p60 figures); other formats estimated",
    )


def stream_flow(bitrate_mbps: float, protocol: str = "SRT") -> Flow:
    """An SRT or RTMP stream of ``bitrate_mbps`` (video + audio) with its protocol overhead."""
    name = _checks.choice("protocol", protocol, STREAM_OVERHEAD)
    mbps = _checks.positive("bitrate_mbps", bitrate_mbps)
    if mbps > 10_000:
        raise CalcError("bitrate_mbps", "must be at most 10000 Mb/s")
    gbps = mbps * STREAM_OVERHEAD[name] / 1000
    return Flow(
        name,
        f"{name} {mbps:g} Mb/s",
        gbps,
        gbps,
        1,
        f"{mbps:g} Mb/s x {STREAM_OVERHEAD[name]:g}",
        "Haivision SRT overhead bandwidth (25 % default)" if name == "SRT" else "RTMP over TCP/IP",
    )


@dataclass(frozen=True)
class LinkBudget:
    """Flows on one link against its capacity and the headroom rule."""

    capacity_gbps: float
    max_utilisation: float
    usable_gbps: float
    total_gbps: float
    utilisation: float
    headroom_gbps: float
    fits: bool
    flow_count: int


def link_budget(
    flows_gbps: list[float], link_capacity_gbps: float, max_utilisation: float = DEFAULT_MAX_UTILISATION
) -> LinkBudget:
    """Sum flow peaks (Gb/s) on one link: fits while total <= capacity x ``max_utilisation``."""
    if isinstance(flows_gbps, (str, bytes)):
        raise CalcError("flows_gbps", "must be a list of flow rates in Gb/s")
    plan = sum_flows(list(flows_gbps), link_capacity_gbps, max_utilisation)
    return LinkBudget(
        plan.capacity_gbps,
        max_utilisation,
        plan.usable_gbps,
        plan.total_gbps,
        plan.utilisation,
        plan.headroom_gbps,
        plan.fits,
        plan.flow_count,
    )
