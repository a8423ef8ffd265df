"""The visitor's display mode on the public pages: kept in a cookie, not the session.

The public pages never read the session (a cached page must be the same for everyone of one
language and mode), so the elder mode (适老化: larger text, stronger contrast, shorter words) is
its own cookie, set by a plain link that works without JavaScript. On the help form a link
would lose what the visitor typed, so there the same switches are buttons of the form
(``help_views``), which set the same cookies with ``remember``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

ELDER_COOKIE = "zhucan_elder"
ONE_YEAR = 365 * 24 * 60 * 60


def is_elder(request: HttpRequest) -> bool:
    return request.COOKIES.get(ELDER_COOKIE) == "1"


def remember(
    response: HttpResponse, request: HttpRequest, *, elder: str | None, language: str | None
) -> None:
    """Set (or clear) the elder-mode cookie for ``elder`` "1" or "0" and the language cookie
    for a language the site offers; anything else is left as it was."""
    secure = request.is_secure()
    if elder == "1":
        response.set_cookie(
            ELDER_COOKIE, "1", max_age=ONE_YEAR, samesite="Lax", secure=secure, httponly=True
        )
    elif elder == "0":
        response.delete_cookie(ELDER_COOKIE, samesite="Lax")
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=ONE_YEAR, samesite="Lax", secure=secure
        )
