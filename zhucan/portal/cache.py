"""Whole public responses kept in Django's cache, served before sessions and sign-in run.

The key is the path (with its one allowed query), the language, the display mode, today's date
(what's on splits at midnight) and the content version. The version is a token in the cache
that ``bump()`` replaces after any published content changes (``receivers.py``, on commit), so
with a shared cache (Redis) a change shows at once everywhere. With a cache per process
(locmem) only the process that made the change hears it, so entries also expire after
``PORTAL_CACHE_SECONDS`` (five minutes by default): the longest a visitor sees old content.

A hit never reaches the session, authentication or the database. Only responses a public view
marked (``public_page``) are stored, and never one that sets a cookie.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers

from zhucan.portal.display import is_elder

PREFIX = "/p/"
VERSION_KEY = "portal:version"
# Headers a stored response keeps: those the inner middleware set (language, framing). The
# outer ones (CSP, security) are added to a stored page again on its way out.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options")

Handler = Callable[[HttpRequest], HttpResponseBase]


def ttl() -> int:
    return int(getattr(settings, "PORTAL_CACHE_SECONDS", 300))


def version() -> str:
    token = cache.get(VERSION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        cache.add(VERSION_KEY, token, None)
        token = cache.get(VERSION_KEY, token)
    return str(token)


def bump() -> None:
    """Published content changed: every stored page is old from now on."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def response_key(request: HttpRequest) -> str:
    language = translation.get_language_from_request(request, check_path=False)
    mode = "elder" if is_elder(request) else "normal"
    raw = "|".join(
        (
            request.path,
            request.META.get("QUERY_STRING", ""),
            language,
            mode,
            timezone.localdate().isoformat(),
        )
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"portal:page:{version()}:{digest}"


def public_page(response: HttpResponse) -> HttpResponse:
    """Mark a public view's response as one the cache may keep."""
    response.portal_cacheable = True  # type: ignore[attr-defined]
    return response


def _etag(content: bytes) -> str:
    return '"' + hashlib.md5(content, usedforsecurity=False).hexdigest() + '"'


def _finish(request: HttpRequest, response: HttpResponse) -> HttpResponseBase:
    response["ETag"] = _etag(response.content)
    response["Cache-Control"] = f"public, max-age={min(ttl(), 60)}"
    # The language and display-mode cookies change the page; a shared cache must not mix them.
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    return conditional or response


class PublicCacheMiddleware:
    """Serves a stored public page before the session is read; stores what views marked."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD") or not request.path.startswith(PREFIX):
            return self.get_response(request)
        key = response_key(request)
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            hit = HttpResponse(content, status=200)
            for name, value in headers:
                hit[name] = value
            hit["X-Portal-Cache"] = "hit"
            return _finish(request, hit)
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponse)
            and getattr(response, "portal_cacheable", False)
            and response.status_code == 200
            and not response.cookies
        ):
            headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
            cache.set(key, (response.content, headers), ttl())
            response["X-Portal-Cache"] = "miss"
            return _finish(request, response)
        return response
