"""The page a person sees when a request fails: a plain 503 while the database is out of reach
(a restart, a failover), a plain 500 otherwise.

Rendered without the request's context: the site's base template reads the session, the bell
and the organisation, which would fail again for the same reason. Both languages are on the page
because the language middleware may not have run.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# Long enough for a primary restart or PgBouncer's reconnection; short enough that a person
# who reloads by hand is not kept waiting.
RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    """The request failed because the database could not be reached or answered with a lost
    connection: the person should try again shortly, and a load balancer may retry elsewhere."""
    return isinstance(error, OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django calls it inside its ``except`` block, so the error is at hand."""
    if database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(
            render_to_string("core/unavailable.html", {"retry_after": RETRY_AFTER_SECONDS}),
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = HttpResponse(render_to_string("core/server_error.html"), status=500)
    response["Cache-Control"] = "no-store"
    return response
