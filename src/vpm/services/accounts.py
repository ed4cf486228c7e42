"""Accounts: password hashing (argon2), tokens shown once, sessions, roles, share links, lock-out."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, text

from vpm.db.base import utcnow
from vpm.db.engine import Database
from vpm.domain.accounts import ApiToken, LoginAttempt, Membership, ShareLink, User, WebSession
from vpm.domain.production import Production
from vpm.services.errors import AlreadyExists, Locked, NotFound, ServiceError, Unauthorized, ValidationFailed

ROLES = ("owner", "editor", "viewer")
SESSION_DAYS = 14
#: Lock-out back-off: after this many failures in a row, wait 2**(n - LOCK_AFTER) seconds (max 15 min).
LOCK_AFTER = 5
MAX_LOCK_S = 15 * 60
_hasher = PasswordHasher()


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_password(password: str, field: str = "password") -> None:
    if len(password) < 10:
        raise ValidationFailed(field, "must be at least 10 characters")
    if len(password) > 1024:
        raise ValidationFailed(field, "is too long")


def _check_username(username: str) -> str:
    username = (username or "").strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise ValidationFailed("username", "must be 1–80 characters without spaces")
    return username


@dataclass
class UserView:
    id: str
    username: str
    display_name: str
    is_admin: bool
    library_rights: bool
    disabled: bool
    must_change_password: bool

    @classmethod
    def of(cls, u: User) -> UserView:
        return cls(
            str(u.id), u.username, u.display_name, u.is_admin, u.library_rights, u.disabled, u.must_change_password
        )

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def user_count(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(User)) or 0


def add_user(
    db: Database,
    username: str,
    password: str,
    *,
    display_name: str = "",
    is_admin: bool = False,
    library_rights: bool = False,
    must_change_password: bool = False,
) -> UserView:
    username = _check_username(username)
    _check_password(password)
    with db.write() as s:
        if s.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None:
            raise AlreadyExists(f"user {username!r} already exists", field="username")
        u = User(
            username=username,
            display_name=display_name or username,
            password_hash=_hasher.hash(password),
            is_admin=is_admin,
            library_rights=library_rights,
            must_change_password=must_change_password,
        )
        s.add(u)
        s.flush()
        return UserView.of(u)


def list_users(db: Database) -> list[UserView]:
    with db.read() as s:
        return [UserView.of(u) for u in s.scalars(select(User).order_by(User.username))]


def _user(s: Any, username: str) -> User:
    u = s.scalars(select(User).where(func.lower(User.username) == username.strip().lower())).first()
    if u is None:
        raise NotFound(f"no user {username!r}")
    return u


def set_flags(db: Database, username: str, **flags: Any) -> UserView:
    with db.write() as s:
        u = _user(s, username)
        for k, v in flags.items():
            if v is not None:
                setattr(u, k, v)
        if flags.get("disabled"):
            for sess in s.scalars(
                select(WebSession).where(WebSession.user_id == u.id, WebSession.revoked_at.is_(None))
            ):
                sess.revoked_at = utcnow()
        return UserView.of(u)


def reset_password(db: Database, username: str, password: str, must_change: bool = False) -> None:
    _check_password(password)
    with db.write() as s:
        u = _user(s, username)
        u.password_hash = _hasher.hash(password)
        u.must_change_password = must_change
        u.failed_logins = 0
        u.locked_until = None
        now = utcnow()
        for sess in s.scalars(select(WebSession).where(WebSession.user_id == u.id, WebSession.revoked_at.is_(None))):
            sess.revoked_at = now
        # a reset means the old password may be known to someone else: what it let them make goes too
        for tok in s.scalars(select(ApiToken).where(ApiToken.user_id == u.id, ApiToken.revoked_at.is_(None))):
            tok.revoked_at = now


def change_password(db: Database, user_id: str, current: str, new: str, keep_session: str | None = None) -> UserView:
    """A user changes their own password: the current one must match (a wrong one counts towards the
    lock-out), the new one must differ and meet the length rule. Every other session and every
    personal token is revoked; the session ``keep_session`` (the caller's own) stays signed in."""
    current, new = current or "", new or ""
    _check_password(new, "new_password")
    if new == current:
        raise ValidationFailed("new_password", "must differ from the current password")
    now = utcnow()
    failure: ServiceError | None = None
    with db.write() as s:  # a failed attempt must be committed, so errors are raised after the block
        u = s.get(User, uuid.UUID(user_id))
        if u is None or u.disabled:
            raise Unauthorized("this account is unknown or disabled")
        if u.locked_until and u.locked_until > now:
            wait = int((u.locked_until - now).total_seconds()) + 1
            failure = Locked(f"too many failed attempts; try again in {wait} s", retry_after=wait)
        else:
            try:
                _hasher.verify(u.password_hash, current)
                ok = True
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
            if not ok:
                u.failed_logins += 1
                if u.failed_logins >= LOCK_AFTER:
                    u.locked_until = now + dt.timedelta(seconds=min(MAX_LOCK_S, 2 ** (u.failed_logins - LOCK_AFTER)))
                failure = ValidationFailed("current_password", "is wrong")
            else:
                u.password_hash = _hasher.hash(new)
                u.must_change_password = False
                u.failed_logins = 0
                u.locked_until = None
                kept = digest(keep_session) if keep_session else None
                for sess in s.scalars(
                    select(WebSession).where(WebSession.user_id == u.id, WebSession.revoked_at.is_(None))
                ):
                    if sess.session_hash != kept:
                        sess.revoked_at = now
                for tok in s.scalars(select(ApiToken).where(ApiToken.user_id == u.id, ApiToken.revoked_at.is_(None))):
                    tok.revoked_at = now
                view = UserView.of(u)
    if failure is not None:
        raise failure
    return view


def allow_login_attempt(db: Database, client: str, limit: int, window_s: float = 60.0) -> tuple[bool, int]:
    """Count one sign-in attempt from ``client``: at most ``limit`` per ``window_s``. Returns (allowed, seconds
    to wait). The attempts live in the database, so every worker process and every server sharing the
    database counts the same ones; on PostgreSQL a lock per client makes the count exact under concurrency
    (SQLite serialises writers anyway). Expired attempts, anyone's, are dropped on the way."""
    now = utcnow()
    client = client[:100]
    with db.write() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"vpm-login:{client}"})
        s.execute(delete(LoginAttempt).where(LoginAttempt.at < now - dt.timedelta(seconds=window_s)))
        times = s.scalars(select(LoginAttempt.at).where(LoginAttempt.client == client).order_by(LoginAttempt.at)).all()
        if len(times) >= limit:
            return False, int(window_s - (now - times[0]).total_seconds()) + 1
        s.add(LoginAttempt(client=client, at=now))
    return True, 0


def authenticate(db: Database, username: str, password: str) -> UserView:
    """Check a password; failures count towards an exponential lock-out. The same answer for an
    unknown user and a wrong password, so names cannot be probed."""
    now = utcnow()
    failure: ServiceError | None = None
    with db.write() as s:  # the failure count must be committed, so errors are raised after the block
        u = s.scalars(select(User).where(func.lower(User.username) == (username or "").strip().lower())).first()
        if u is None:
            _hasher.hash(password or "x")  # spend the same time as a real check
            failure = Unauthorized("wrong username or password")
        elif u.locked_until and u.locked_until > now:
            wait = int((u.locked_until - now).total_seconds()) + 1
            failure = Locked(f"too many failed logins; try again in {wait} s", retry_after=wait)
        else:
            try:
                _hasher.verify(u.password_hash, password or "")
                ok = True
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
            if not ok:
                u.failed_logins += 1
                if u.failed_logins >= LOCK_AFTER:
                    u.locked_until = now + dt.timedelta(seconds=min(MAX_LOCK_S, 2 ** (u.failed_logins - LOCK_AFTER)))
                failure = Unauthorized("wrong username or password")
            elif u.disabled:
                failure = Unauthorized("this account is disabled")
            else:
                u.failed_logins = 0
                u.locked_until = None
                u.last_login_at = now
                if _hasher.check_needs_rehash(u.password_hash):
                    u.password_hash = _hasher.hash(password)
                view = UserView.of(u)
    if failure is not None:
        raise failure
    return view


# ------------------------------------------------------------------ sessions and tokens


def new_session(db: Database, user_id: str) -> str:
    raw = secrets.token_urlsafe(32)
    with db.write() as s:
        s.add(
            WebSession(
                user_id=uuid.UUID(user_id),
                session_hash=digest(raw),
                expires_at=utcnow() + dt.timedelta(days=SESSION_DAYS),
            )
        )
    return raw


def end_session(db: Database, raw: str) -> None:
    with db.write() as s:
        sess = s.scalars(select(WebSession).where(WebSession.session_hash == digest(raw))).first()
        if sess is not None and sess.revoked_at is None:
            sess.revoked_at = utcnow()


def user_for_session(db: Database, raw: str) -> UserView | None:
    now = utcnow()
    with db.read() as s:
        row = s.execute(
            select(User, WebSession)
            .join(WebSession, WebSession.user_id == User.id)
            .where(
                WebSession.session_hash == digest(raw),
                WebSession.revoked_at.is_(None),
                WebSession.expires_at > now,
                User.disabled.is_(False),
            )
        ).first()
        return UserView.of(row[0]) if row else None


def new_token(db: Database, user_id: str, name: str, expires_days: int | None = None) -> dict[str, Any]:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationFailed("name", "must be 1–80 characters")
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise ValidationFailed("expires_days", "must be between 1 and 3650")
    raw = "vpm_" + secrets.token_urlsafe(32)
    with db.write() as s:
        t = ApiToken(
            user_id=uuid.UUID(user_id),
            name=name,
            token_hash=digest(raw),
            prefix=raw[:10],
            expires_at=utcnow() + dt.timedelta(days=expires_days) if expires_days else None,
        )
        s.add(t)
        s.flush()
        return {
            "id": str(t.id),
            "name": t.name,
            "prefix": t.prefix,
            "token": raw,
            "expires_at": t.expires_at.isoformat() if t.expires_at else None,
        }


def list_tokens(db: Database, user_id: str) -> list[dict[str, Any]]:
    with db.read() as s:
        rows = s.scalars(select(ApiToken).where(ApiToken.user_id == uuid.UUID(user_id)).order_by(ApiToken.created_at))
        return [
            {
                "id": str(t.id),
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at.isoformat(),
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                "revoked": t.revoked_at is not None,
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            }
            for t in rows
        ]


def revoke_token(db: Database, user_id: str, token_id: str, is_admin: bool = False) -> None:
    with db.write() as s:
        try:
            t = s.get(ApiToken, uuid.UUID(token_id))
        except ValueError:
            t = None
        if t is None or (str(t.user_id) != user_id and not is_admin):
            raise NotFound(f"token {token_id} not found")
        t.revoked_at = t.revoked_at or utcnow()


def user_for_token(db: Database, raw: str) -> tuple[UserView, str] | None:
    now = utcnow()
    with db.write() as s:
        row = s.execute(
            select(User, ApiToken)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == digest(raw), ApiToken.revoked_at.is_(None), User.disabled.is_(False))
        ).first()
        if row is None:
            return None
        user, token = row
        if token.expires_at is not None and token.expires_at <= now:
            return None
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            token.last_used_at = now
        return UserView.of(user), token.name


# ------------------------------------------------------------------ roles and share links


def _production_uuid(production_id: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(production_id))
    except ValueError:
        raise NotFound(f"production {production_id} not found") from None


def roles_of(db: Database, user_id: str) -> dict[str, str]:
    with db.read() as s:
        return {
            str(m.production_id): m.role
            for m in s.scalars(select(Membership).where(Membership.user_id == uuid.UUID(user_id)))
        }


def set_role(db: Database, production_id: Any, username: str, role: str | None) -> None:
    if role is not None and role not in ROLES:
        raise ValidationFailed("role", f"must be one of {', '.join(ROLES)}")
    with db.write() as s:
        prod = s.get(Production, _production_uuid(production_id))
        if prod is None:
            raise NotFound(f"production {production_id} not found")
        u = _user(s, username)
        m = s.scalars(select(Membership).where(Membership.production_id == prod.id, Membership.user_id == u.id)).first()
        if role is None:
            if m is not None:
                s.delete(m)
            return
        if m is None:
            s.add(Membership(production_id=prod.id, user_id=u.id, role=role))
        else:
            m.role = role


def members(db: Database, production_id: Any) -> list[dict[str, str]]:
    with db.read() as s:
        rows = s.execute(
            select(User.username, User.display_name, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.production_id == _production_uuid(production_id))
            .order_by(User.username)
        )
        return [{"username": u, "display_name": d, "role": r} for u, d, r in rows]


def new_share_link(db: Database, production_id: Any, created_by: str, label: str = "") -> dict[str, Any]:
    raw = "shr_" + secrets.token_urlsafe(24)
    with db.write() as s:
        if s.get(Production, _production_uuid(production_id)) is None:
            raise NotFound(f"production {production_id} not found")
        link = ShareLink(
            production_id=_production_uuid(production_id),
            token_hash=digest(raw),
            prefix=raw[:10],
            label=label[:120],
            created_by=created_by,
        )
        s.add(link)
        s.flush()
        return {"id": str(link.id), "prefix": link.prefix, "token": raw, "label": link.label}


def share_links(db: Database, production_id: Any) -> list[dict[str, Any]]:
    with db.read() as s:
        return [
            {
                "id": str(x.id),
                "prefix": x.prefix,
                "label": x.label,
                "created_by": x.created_by,
                "revoked": x.revoked_at is not None,
            }
            for x in s.scalars(select(ShareLink).where(ShareLink.production_id == _production_uuid(production_id)))
        ]


def revoke_share_link(db: Database, production_id: Any, link_id: str) -> None:
    with db.write() as s:
        try:
            link = s.get(ShareLink, uuid.UUID(link_id))
        except ValueError:
            link = None
        if link is None or str(link.production_id) != str(production_id):
            raise NotFound(f"share link {link_id} not found")
        link.revoked_at = link.revoked_at or utcnow()


def production_for_share(db: Database, raw: str) -> str | None:
    with db.read() as s:
        link = s.scalars(
            select(ShareLink).where(ShareLink.token_hash == digest(raw), ShareLink.revoked_at.is_(None))
        ).first()
        return str(link.production_id) if link else None
