"""The app as ``vpm serve`` runs it, in each server process (uvicorn imports this module by name in
every worker it starts, so it stays light until it builds the app).

Start-up allocates some 270,000 objects (the models, the routes and their schemas) that live as long
as the process. Python's cyclic garbage collector would scan them again and again while they are
made (about 15 % of start-up) and again on every full collection afterwards, finding nothing. So
the app is built with the collector paused, then those objects are frozen out of its scans
(``gc.freeze``) and the collector runs again for what requests allocate.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI


def app() -> FastAPI:
    gc.disable()
    try:
        from vpm.web.app import create_app

        built = create_app()
    finally:
        gc.freeze()
        gc.enable()
    return built
