"""Who acts: the type of every service's ``by=`` argument, and of the request that carries it."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest

if TYPE_CHECKING:
    # core sits below accounts in the app order, so it names the user model for the type
    # checker only: at run time ``Actor`` is a string and core imports nothing from accounts.
    from zhucan.accounts.models import User

# The signed-in person a service acts for. ``Actor | None`` where the server itself acts (a
# management command run without a user, a background retry, the reminder sweep): the audit
# entry then names "system".
Actor: TypeAlias = "User"

if TYPE_CHECKING:

    class AuthenticatedRequest(HttpRequest):
        """The request of a view behind ``login_required``: its user is signed in, so it can
        be passed as ``by=`` without a check the decorator has already made."""

        user: User

else:
    # At run time it is just the request; the narrower type exists for the checker.
    AuthenticatedRequest = HttpRequest
