"""The application factory: one process serves the API, the pages and the realtime stream."""

from __future__ import annotations

import logging

from fastapi import FastAPI

import vpm.domain.entities  # noqa: F401  (fills the registry)
from vpm import __version__
from vpm.config import Settings, get_settings
from vpm.db.engine import Database
from vpm.web import errors
from vpm.web.api import entities as entity_routes
from vpm.web.api import misc

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
    app.include_router(misc.router)
    app.include_router(entity_routes.build_router())
    return app
