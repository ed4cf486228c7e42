"""Errors services raise; the web layer turns each into an HTTP answer, the CLI into a message."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"detail": self.message, "code": self.code, **self.extra}


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Unauthorized(ServiceError):
    """Nobody signed in, or the credentials are wrong, expired or revoked."""

    status = 401
    code = "unauthorized"


class Locked(ServiceError):
    """Too many attempts: try again later (``retry_after`` seconds)."""

    status = 429
    code = "locked"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class ValidationFailed(ServiceError):
    """Bad input: names each field and the reason."""

    status = 422
    code = "validation_failed"

    def __init__(self, field: str, reason: str, *more: tuple[str, str]) -> None:
        errors = [{"field": field, "reason": reason}] + [{"field": f, "reason": r} for f, r in more]
        super().__init__(f"{field}: {reason}", errors=errors)
        self.errors = errors


class Conflict(ServiceError):
    """Someone else changed a field this edit also changes, since the version it started from."""

    status = 409
    code = "conflict"


class AlreadyExists(ServiceError):
    status = 409
    code = "already_exists"


class PreconditionRequired(ServiceError):
    status = 428
    code = "version_required"
