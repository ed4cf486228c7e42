"""Old entity slugs keep working after a rename (``EntitySpec.former_slugs``).

A page or API path that names a former slug — ``/productions/{id}/projection-screens``,
``/api/projection-surfaces/{id}/analysis``, ``/api/productions/{id}/grid/projection-screens.csv`` —
answers ``308 Permanent Redirect`` to the same path with the current slug and the same query string.
A 308 keeps the method and the body, so an API client that follows redirects keeps reading and
writing; browsers and bookmarks land on the new page. Permissions are checked on the new path.
"""

from __future__ import annotations

from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from vpm.domain.registry import REGISTRY

#: Only these parts of the site name entity slugs (and a leading "//" is never a local path).
PREFIXES = ("/api/", "/productions/", "/library/")


def renamed_path(path: str) -> str | None:
    """``path`` with every former slug replaced by the current one, or None when it names none."""
    if not path.startswith(PREFIXES):
        return None
    parts = path.split("/")
    changed = False
    for i, part in enumerate(parts):
        stem, dot, ext = part.partition(".")  # "projection-screens.csv" in the grid downloads
        spec = REGISTRY.renamed(stem) if stem else None
        if spec is not None:
            parts[i] = spec.slug + dot + ext
            changed = True
    return "/".join(parts) if changed else None


class RenamedSlugs:
    """ASGI middleware: 308 from a former slug's path to the current one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            new = renamed_path(scope["path"])
            if new is not None:
                query = scope.get("query_string", b"").decode("latin-1")
                await RedirectResponse(new + (f"?{query}" if query else ""), status_code=308)(scope, receive, send)
                return
        await self.app(scope, receive, send)
