"""Who may do what — decided in exactly one place, ``can(actor, action, target)``.

The web layer maps every request to an action and a target and asks here; routes never
re-implement a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from vpm.services.context import Actor

#: Actions: read, create, update, delete, restore, reveal (a secret), manage (members, share links),
#: mint (make a personal token), admin.
WRITE_ACTIONS = frozenset({"create", "update", "delete", "restore", "reveal"})
EDITORS = frozenset({"owner", "editor"})


@dataclass(frozen=True)
class Target:
    """What is acted on.

    ``area``: "show" (one production or a row inside it), "shows" (the list of shows: list/create),
    "library" (equipment specs, formats, pick-lists), "settings", "account" (one's own tokens),
    "public", "sign-in" (one's own password and session), "signed-in" (anything a signed-in person may read, e.g. the maths) or "admin".
    ``show_itself``: the production row (deleting or restoring a whole show is an admin action).
    """

    area: str
    production_id: str | None = None
    show_itself: bool = False


def role_on(actor: Actor, production_id: str | None) -> str | None:
    if production_id is None:
        return None
    if actor.share_production == production_id:
        return "viewer"
    return actor.roles.get(production_id)


def allowed_everything(actor: Actor) -> bool:
    """True when ``can`` allows this actor every action on every target (an admin, the system, open
    mode): the web layer then need not look up which show a row belongs to before asking."""
    return actor.via != "anonymous" and (actor.is_admin or actor.via == "system") and not actor.must_change_password


def can(actor: Actor, action: str, target: Target) -> bool:
    if target.area == "public":
        return True
    if actor.via == "anonymous":
        return False
    if allowed_everything(actor):
        return True
    signed_in = actor.via in ("session", "token", "open")
    if target.area == "sign-in":
        return signed_in  # one's own sign-in: change one's password, sign out
    if actor.must_change_password:
        # signed in with a one-time password: only who-am-I until the password is changed
        return target.area == "account" and action == "read"
    if target.area == "admin":
        return False
    if target.area == "signed-in":
        return action == "read" or signed_in
    if target.area == "account":
        # a personal token cannot make more tokens (sign in with a password for that)
        return signed_in and not (action == "mint" and actor.via == "token")
    if target.area == "settings":
        return action == "read"
    if target.area == "library":
        return action == "read" or (signed_in and actor.library_rights)
    if target.area == "shows":
        return action == "read" or (action == "create" and signed_in)
    if target.area == "show":
        role = role_on(actor, target.production_id)
        if role is None:
            return False
        if action == "read":
            return True
        if target.show_itself and action in ("delete", "restore"):
            return False  # deleting or restoring a whole show is for admins
        if action == "manage":
            return role == "owner"
        return action in WRITE_ACTIONS and role in EDITORS
    return False
