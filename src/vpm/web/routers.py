"""The router every route module makes its routes on: each route runs the URL check and the security
guard first, declared where the route is made.

FastAPI analyses a route (its parameters, dependencies and schemas) when it is declared, and again
for every router it is included in, with the includer's dependencies added; it does the second
analysis on the first request that reaches that router (about 0.2 s for the registry's routes). A
route made on this router already has everything it runs, so the app takes the routes as they are
(``vpm.web.app``): each is analysed once, when the app is built, and no request pays for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Depends, params
from fastapi.routing import APIRoute, APIWebSocketRoute

from vpm.web import security
from vpm.web.deps import no_nul_in_url

#: What runs before every route, in this order.
CHECKS = [Depends(no_nul_in_url), Depends(security.guard)]


def checked_router(*, dependencies: Sequence[params.Depends] = (), **kwargs: Any) -> APIRouter:
    """An ``APIRouter`` whose routes run :data:`CHECKS` first (then the router's and the route's own)."""
    return APIRouter(dependencies=[*CHECKS, *dependencies], **kwargs)


def take_routes(target: APIRouter, router: APIRouter) -> None:
    """Add ``router``'s routes to ``target`` in their order, as they are; refuses a route made
    without :data:`CHECKS` (a router not made by :func:`checked_router`), which would skip the guard."""
    for route in router.routes:
        if isinstance(route, APIRoute | APIWebSocketRoute) and route.dependencies[: len(CHECKS)] != CHECKS:
            raise RuntimeError(
                f"route {route.path} was not made on vpm.web.routers.checked_router: it would skip the guard"
            )
        if not isinstance(route, APIRoute | APIWebSocketRoute) and hasattr(route, "original_router"):
            raise RuntimeError("a router is included, not taken: use take_routes, so its routes are analysed once")
    if router.on_startup or router.on_shutdown:
        raise RuntimeError("a route module's start-up or shut-down handler would be lost: use the app's lifespan")
    target.routes.extend(router.routes)
