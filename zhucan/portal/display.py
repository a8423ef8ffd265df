"""The visitor's display mode on the public pages: kept in a cookie, not the session.

The public pages never read the session (a cached page must be the same for everyone of one
language and mode), so the elder mode (适老化: larger text, stronger contrast, shorter words) is
its own cookie, set by a plain link that works without JavaScript.
"""

from __future__ import annotations

from django.http import HttpRequest

ELDER_COOKIE = "zhucan_elder"
ONE_YEAR = 365 * 24 * 60 * 60


def is_elder(request: HttpRequest) -> bool:
    return request.COOKIES.get(ELDER_COOKIE) == "1"
