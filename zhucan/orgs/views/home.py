"""The home page: the person's to-dos (core's registry of providers) and their organisations.

It shows the jurisdiction, so it lives with orgs; it keeps its address and name, ``core:home``
(joined in ``zhucan/urls.py``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from zhucan.core.todos import todos_for
from zhucan.orgs.access import has_jurisdiction, visible_organisations


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roots = visible_organisations(request.user).order_by("depth", "path")[:5]
    return render(
        request,
        "core/home.html",
        {
            "todos": todos_for(request.user),
            "has_jurisdiction": has_jurisdiction(request.user),
            "roots": roots,
        },
    )


# Patterns of the core namespace (the project's urls.py adds them to it).
core_urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
]
