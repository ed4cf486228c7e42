"""The sign-in page (standalone: it must work before anything else of the UI loads)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from vpm.web.security import CSRF_COOKIE, new_csrf_token

_templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates") / "auth"))


def render_login(request: Request, error: str | None = None, status: int = 200) -> Any:
    token = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
    nxt = request.query_params.get("next", "/")
    response = _templates.TemplateResponse(
        request, "login.html", {"error": error, "csrf_token": token, "next": nxt}, status_code=status
    )
    response.set_cookie(
        CSRF_COOKIE, token, httponly=False, samesite="lax", secure=request.app.state.settings.secure_cookies, path="/"
    )
    return response
