"""Sign in and out, personal tokens, members of a show, share links, and revealing a secret."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Body, Depends, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from vpm.db.engine import Database
from vpm.domain.registry import REGISTRY
from vpm.services import accounts
from vpm.services import entities as svc
from vpm.services.errors import Locked, Unauthorized
from vpm.services.context import Actor
from vpm.services.errors import Forbidden, NotFound, ValidationFailed
from vpm.web.routers import checked_router
from vpm.web.deps import get_actor, get_db, refuse_nul
from vpm.web.security import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    SHARE_COOKIE,
    new_csrf_token,
    safe_local_path,
    session_cookie_kwargs,
)

router = checked_router(tags=["Accounts"])


def _login(request: Request, db: Database, username: str, password: str) -> tuple[accounts.UserView, str]:
    if request.app.state.settings.auth_mode != "accounts":
        raise ValidationFailed("username", "this server runs in single-user mode; there is nothing to sign in to")
    refuse_nul("username", username)  # the JSON route and the sign-in form alike
    refuse_nul("password", password)
    client = request.client.host if request.client else "?"
    ok, wait = accounts.allow_login_attempt(db, client, request.app.state.settings.login_rate_per_minute)
    if not ok:
        raise Locked(f"too many login attempts from {client}; try again in {wait} s", retry_after=wait)
    user = accounts.authenticate(db, username, password)
    return user, accounts.new_session(db, user.id)


def _set_cookies(response: Response, request: Request, raw_session: str) -> None:
    secure = request.app.state.settings.secure_cookies
    response.set_cookie(
        SESSION_COOKIE, raw_session, max_age=accounts.SESSION_DAYS * 86400, **session_cookie_kwargs(secure)
    )
    response.set_cookie(
        CSRF_COOKIE,
        new_csrf_token(),
        max_age=accounts.SESSION_DAYS * 86400,
        httponly=False,
        samesite="lax",
        secure=secure,
        path="/",
    )


@router.post("/api/auth/login", summary="Sign in; sets a session cookie (HttpOnly) and a CSRF cookie")
def login(
    request: Request, username: str = Body(...), password: str = Body(...), db: Database = Depends(get_db)
) -> Any:
    user, raw = _login(request, db, username, password)
    response = JSONResponse({"user": user.as_dict()})
    _set_cookies(response, request, raw)
    return response


@router.post("/login", include_in_schema=False)
async def login_form(request: Request, db: Database = Depends(get_db)) -> Any:
    form = await request.form()
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or form.get("csrf_token") != cookie:
        from vpm.web.login_page import render_login

        return render_login(request, error="The form expired; please sign in again.", status=403)
    nxt = safe_local_path(str(form.get("next") or "/"))
    from starlette.concurrency import run_in_threadpool

    try:
        user, raw = await run_in_threadpool(
            _login, request, db, str(form.get("username", "")), str(form.get("password", ""))
        )
    except (Unauthorized, Locked, ValidationFailed) as exc:
        from vpm.web.login_page import render_login

        return render_login(request, error=exc.message, status=401 if isinstance(exc, Unauthorized) else 429)
    if user.must_change_password:  # signed in with a one-time password: change it first
        nxt = "/account/password?next=" + quote(nxt)
    response = RedirectResponse(nxt, status_code=303)
    _set_cookies(response, request, raw)
    return response


@router.get("/login", include_in_schema=False)
def login_page(request: Request) -> Any:
    from vpm.web.login_page import render_login

    return render_login(request)


@router.post("/api/auth/logout", summary="Sign out this browser")
def logout(request: Request, db: Database = Depends(get_db)) -> Any:
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        accounts.end_session(db, raw)
    response = JSONResponse({"signed_out": True})
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(SHARE_COOKIE, path="/")
    return response


def _change_password(request: Request, actor: Actor, db: Database, current: str, new: str) -> accounts.UserView:
    if not actor.user_id:
        raise Forbidden("only a user account has a password to change")
    refuse_nul("current_password", current)
    refuse_nul("new_password", new)
    keep = request.cookies.get(SESSION_COOKIE) if actor.via == "session" else None
    return accounts.change_password(db, actor.user_id, current, new, keep_session=keep)


@router.post(
    "/api/auth/password",
    summary="Change my password; every other session and every personal token is signed out",
)
def change_password(
    request: Request,
    current_password: str = Body(...),
    new_password: str = Body(...),
    actor: Actor = Depends(get_actor),
    db: Database = Depends(get_db),
) -> Any:
    user = _change_password(request, actor, db, current_password, new_password)
    return {"changed": True, "user": user.as_dict()}


@router.get("/account/password", include_in_schema=False)
def password_page(request: Request, actor: Actor = Depends(get_actor)) -> Any:
    from vpm.web.login_page import render_password

    return render_password(request, actor)


@router.post("/account/password", include_in_schema=False)
async def password_form(request: Request, actor: Actor = Depends(get_actor), db: Database = Depends(get_db)) -> Any:
    from starlette.concurrency import run_in_threadpool

    from vpm.web.login_page import render_password

    form = await request.form()
    current, new = str(form.get("current_password", "")), str(form.get("new_password", ""))
    if new != str(form.get("confirm_password", new)):
        return render_password(request, actor, error="The two new passwords differ.", status=422)
    try:
        await run_in_threadpool(_change_password, request, actor, db, current, new)
    except (ValidationFailed, Locked, Unauthorized, Forbidden) as exc:
        reason = exc.message
        if isinstance(exc, ValidationFailed):
            reason = (
                "; ".join(f"{e['field'].replace('_', ' ')} {e['reason']}" for e in exc.extra.get("errors", []))
                or reason
            )
        return render_password(request, actor, error=reason, status=exc.status)
    return RedirectResponse(safe_local_path(str(form.get("next") or "/")), status_code=303)


@router.get("/api/auth/me", summary="Who am I, and my role per show")
def me(actor: Actor = Depends(get_actor), request: Request = None) -> Any:  # type: ignore[assignment]
    return {
        "name": actor.name,
        "via": actor.via,
        "is_admin": actor.is_admin,
        "library_rights": actor.library_rights,
        "roles": actor.roles,
        "share_production": actor.share_production,
        "must_change_password": actor.must_change_password,
        "auth_mode": request.app.state.settings.auth_mode if request else None,
    }


def _need_user(actor: Actor) -> str:
    if not actor.user_id:
        raise Forbidden("personal tokens belong to a signed-in user account")
    return actor.user_id


@router.get("/api/auth/tokens", summary="My personal API tokens (never the secret itself)")
def tokens(actor: Actor = Depends(get_actor), db: Database = Depends(get_db)) -> Any:
    return {"items": accounts.list_tokens(db, _need_user(actor))}


@router.post("/api/auth/tokens", status_code=201, summary="Make a token; the secret is shown only in this answer")
def make_token(
    name: str = Body(...),
    expires_days: int | None = Body(None),
    actor: Actor = Depends(get_actor),
    db: Database = Depends(get_db),
) -> Any:
    return accounts.new_token(db, _need_user(actor), refuse_nul("name", name), expires_days)


@router.delete("/api/auth/tokens/{token_id}", status_code=204, summary="Revoke a token")
def revoke(token_id: str, actor: Actor = Depends(get_actor), db: Database = Depends(get_db)) -> Response:
    accounts.revoke_token(db, _need_user(actor), token_id, actor.is_admin)
    return Response(status_code=204)


@router.get("/api/productions/{production_id}/members", summary="Who has which role on this show")
def list_members(production_id: str, db: Database = Depends(get_db)) -> Any:
    return {"items": accounts.members(db, production_id)}


@router.put("/api/productions/{production_id}/members/{username}", summary="Give a user a role on this show")
def put_member(
    production_id: str,
    username: str,
    role: str = Body(..., embed=True),
    actor: Actor = Depends(get_actor),
    db: Database = Depends(get_db),
) -> Any:
    accounts.set_role(db, production_id, username, refuse_nul("role", role))
    return {"items": accounts.members(db, production_id)}


@router.delete("/api/productions/{production_id}/members/{username}", status_code=204)
def delete_member(
    production_id: str, username: str, actor: Actor = Depends(get_actor), db: Database = Depends(get_db)
) -> Response:
    accounts.set_role(db, production_id, username, None)
    return Response(status_code=204)


@router.get("/api/productions/{production_id}/share-links", summary="Read-only share links of this show")
def list_links(production_id: str, actor: Actor = Depends(get_actor), db: Database = Depends(get_db)) -> Any:
    return {"items": accounts.share_links(db, production_id)}


@router.post(
    "/api/productions/{production_id}/share-links",
    status_code=201,
    summary="Make a read-only link; its token is shown only in this answer",
)
def make_link(
    production_id: str,
    request: Request,
    label: str = Body("", embed=True),
    actor: Actor = Depends(get_actor),
    db: Database = Depends(get_db),
) -> Any:
    link = accounts.new_share_link(db, production_id, actor.name, refuse_nul("label", label))
    link["url"] = f"{str(request.base_url).rstrip('/')}/productions/{production_id}?share={link['token']}"
    return link


@router.delete("/api/productions/{production_id}/share-links/{link_id}", status_code=204)
def delete_link(
    production_id: str, link_id: str, actor: Actor = Depends(get_actor), db: Database = Depends(get_db)
) -> Response:
    accounts.revoke_share_link(db, production_id, link_id)
    return Response(status_code=204)


@router.get(
    "/api/{slug}/{entity_id}/secret/{field}",
    tags=["Secrets"],
    summary="Reveal one secret field (editors only; never listed)",
)
def reveal(slug: str, entity_id: str, field: str, db: Database = Depends(get_db)) -> Any:
    spec = REGISTRY.get(slug)
    if spec is None or field not in spec.secret_fields:
        raise NotFound(f"{slug} has no secret field {field!r}")
    with db.read() as session:
        obj = svc.load(session, spec, entity_id)
        return {"field": field, "value": getattr(obj, field)}
