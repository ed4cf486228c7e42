"""The pages a crew uses: server-rendered Jinja2 with htmx and small plain-JS modules.

Every page has its own URL. Entity pages are derived from the registry (one table and one detail
page per entity kind); the show list, dashboard, checklist, IP plan and equipment library are the
few hand-made ones. Static files are served from ``/static``.
"""

from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles

from vpm.web.pages import actions, checklist, dashboard, ipplan, library, patch, planner, shows, tables, transfer
from vpm.web.pages.render import STATIC_DIR
from vpm.web.routers import take_routes

router = APIRouter()
router.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
# fixed paths (checklist ... transfer) before the generic /productions/{pid}/{slug} and /library/{slug}
for _module in (actions, shows, dashboard, checklist, ipplan, patch, library, planner, transfer, tables):
    take_routes(router, _module.router)
