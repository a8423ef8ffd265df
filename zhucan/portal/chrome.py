"""What the public base template needs around every page: the site, the display mode and the
links of the header and the menu. One function, so the cached pages and the help pages (never
cached, with their own tokens) draw the same header and the same working links."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zhucan.orgs.models import Organisation
from zhucan.portal.display import is_elder

TEXT = "text"


def page_context(
    request: HttpRequest, *, site: Organisation, code: str, text_only: bool = False
) -> dict[str, Any]:
    home = f"/p/{code}/"
    rest = request.path[len(home) :] if request.path.startswith(home) else ""
    if rest.startswith("text/"):
        rest = rest[len("text/") :]
    query = request.META.get("QUERY_STRING", "")
    # The other version of the same page, with its query (the chosen county, a directory kind).
    other = f"{home}{rest}" if text_only else f"{home}text/{rest}"
    return {
        "site": site,
        "code": code,
        "text_only": text_only,
        "elder": is_elder(request),
        # Links are built from these, so a text-only page links to text-only pages.
        "base": f"{home}text/" if text_only else home,
        "home": home,
        "other_version": f"{other}?{query}" if query else other,
        "here": request.get_full_path(),
    }
