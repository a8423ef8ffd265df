"""Health, readiness and metrics: for load balancers and monitoring, not for people."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from zhucan.core.collectors import scrape_registry
from zhucan.core.health import readiness
from zhucan.core.net import address_in, client_ip, from_trusted_proxy


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and answers: nothing else, so that a slow database does not make a
    load balancer restart healthy processes."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """200 when every check passes, else 503; each check's figures either way
    (``core.health``): no names, no personal data, no error texts."""
    ready, checks = readiness()
    return JsonResponse(
        {"status": "ok" if ready else "fail", "checks": checks}, status=200 if ready else 503
    )


def _may_scrape(request: HttpRequest) -> bool:
    """The client is in ZHUCAN_METRICS_ALLOW. A request that came through a proxy we do not
    trust (it has X-Forwarded-For, yet its address is not in TRUSTED_PROXIES) is refused: an
    unlisted proxy on this host would otherwise make everyone look like loopback."""
    if "HTTP_X_FORWARDED_FOR" in request.META and not from_trusted_proxy(request):
        return False
    address = client_ip(request)
    return address is not None and address_in(address, settings.METRICS_ALLOW)


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's text format, to the networks in ZHUCAN_METRICS_ALLOW; 404 to anyone else,
    as if there were nothing here."""
    if not _may_scrape(request):
        raise Http404
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
