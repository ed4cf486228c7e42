"""Live updates: Server-Sent Events per show and for the show list, fan-out across processes,
and presence. The contract is docs/REALTIME.md."""

from vpm.web.realtime.hub import Hub, RealtimeOptions, lifespan

__all__ = ["Hub", "RealtimeOptions", "lifespan"]
