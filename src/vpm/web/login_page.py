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


def render_password(request: Request, actor: Any, error: str | None = None, status: int = 200) -> Any:
    """Change one's own password (forced after a one-time password; the guard lets nothing else through)."""
    token = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
    nxt = request.query_params.get("next", "/")
    context = {
        "error": error,
        "csrf_token": token,
        "next": nxt,
        "forced": bool(getattr(actor, "must_change_password", False)),
        "name": getattr(actor, "name", ""),
    }
    response = _templates.TemplateResponse(request, "password.html", context, status_code=status)
    response.set_cookie(
        CSRF_COOKIE, token, httponly=False, samesite="lax", secure=request.app.state.settings.secure_cookies, path="/"
    )
    return response
