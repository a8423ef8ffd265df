"""Public pages: no sign-in, read only what is published."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhucan.portal.sites import site_organisation


def site(request: HttpRequest, code: str) -> HttpResponse:
    organisation = site_organisation(code)
    return render(request, "portal/site.html", {"site": organisation, "code": code})
