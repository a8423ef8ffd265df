from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhucan.core.actors import AuthenticatedRequest
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


@login_required
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    from zhucan.core.audit_views import audit_log_page

    return audit_log_page(request)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
