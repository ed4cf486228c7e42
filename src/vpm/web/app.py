"""The application factory: one process serves the API, the pages and the realtime stream."""

from __future__ import annotations

import logging
from functools import cache

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

import vpm.domain.entities  # noqa: F401  (fills the registry)
from vpm import __version__
from vpm.config import Settings, get_settings
from vpm.db.engine import Database
from vpm.web import admin, errors, pages, realtime, renamed, security
from vpm.web.api import auth, calc, library, misc, search, signal, stream, transfer
from vpm.web.api import entities as entity_routes
from vpm.web.routers import take_routes

log = logging.getLogger("vpm.web")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Video Production Manager",
        version=__version__,
        description="Plan a live show's whole video system together: devices, ports, cables, checklist, IP plan.",
        lifespan=realtime.lifespan,  # the live updates' hub
    )
    app.state.settings = settings
    app.state.db = Database(settings.database_url)
    errors.install(app)
    app.add_middleware(security.BodyLimit, max_bytes=settings.max_body_bytes)
    # large answers (a show's lists, the pages) shrink several-fold for venue Wi-Fi; streams are left alone
    app.add_middleware(GZipMiddleware, minimum_size=4096, compresslevel=6)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-CSRF-Token", "Last-Event-ID"],
        )
    app.add_middleware(security.AdminGate)
    app.add_middleware(renamed.RenamedSlugs)  # old slugs (projection-screens, ...) redirect, 308
    app.add_middleware(security.ShareLanding)
    app.add_middleware(security.SecurityHeaders)
    app.add_middleware(security.HostGuard, allowed=settings.allowed_hosts)
    security.install_log_redaction()
    app.router.routes.extend(_routes().routes)
    admin.install(app)
    return app


@cache
def _routes() -> APIRouter:
    """Every route, built once per process: routes hold no app state (they read ``request.app``),
    so each app made here shares them instead of analysing ~340 routes again. Every route runs the
    URL check and the security guard first (each module makes its routes on
    ``routers.checked_router``), and is taken as it is: analysed once, when it is made."""
    root = APIRouter()
    # A request is matched against the routes in this order, one by one, so the busiest come first: /health
    # (misc), the live stream (its fixed /api/productions/stream must precede /api/productions/{id}), then
    # the routes derived from the registry (lists and rows: most of the traffic), then the rest. No route
    # here shadows another in either order (checked for every route's path when this order was chosen).
    for router in (
        misc.router,
        stream.router,
        entity_routes.build_router(),
        auth.router,
        signal.router,
        search.router,
        library.router,
        calc.router,
        transfer.router,
        pages.router,
    ):
        take_routes(root, router)
    return root
