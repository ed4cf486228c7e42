"""The application factory: one process serves the API, the pages and the realtime stream."""

from __future__ import annotations

import logging

from fastapi import FastAPI

import vpm.domain.entities  # noqa: F401  (fills the registry)
from vpm import __version__
from vpm.config import Settings, get_settings
from vpm.db.engine import Database
from vpm.web import admin, errors, pages
from vpm.web.api import calc, misc, signal, stream
from vpm.web.api import entities as entity_routes

log = logging.getLogger("vpm.web")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Video Production Manager",
        version=__version__,
        description="Plan a live show's whole video system together: devices, ports, cables, checklist, IP plan.",
    )
    app.state.settings = settings
    app.state.db = Database(settings.database_url)
    errors.install(app)
    # Fixed paths first (e.g. /api/productions/stream), then the routes derived from the registry.
    app.include_router(misc.router)
    app.include_router(stream.router)
    app.include_router(signal.router)
    app.include_router(calc.router)
    app.include_router(entity_routes.build_router())
    app.include_router(pages.router)
    admin.install(app)
    return app
