"""The pages a crew uses: server-rendered Jinja2 with htmx and small plain-JS modules.

Every page has its own URL. Entity pages are derived from the registry (one table and one detail
page per entity kind); the show list, dashboard, checklist, IP plan and equipment library are the
few hand-made ones. Static files are served from ``/static``.
"""

from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles

from vpm.web.pages import actions, checklist, dashboard, ipplan, library, patch, planner, shows, tables, transfer
from vpm.web.pages.render import STATIC_DIR

router = APIRouter()
router.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
router.include_router(actions.router)
router.include_router(shows.router)
router.include_router(dashboard.router)
# fixed paths before the generic /productions/{pid}/{slug} and /library/{slug}
router.include_router(checklist.router)
router.include_router(ipplan.router)
router.include_router(patch.router)
router.include_router(library.router)
router.include_router(planner.router)
router.include_router(transfer.router)
router.include_router(tables.router)
