"""Every URL of the application, plus a hello-world view served through the same stack."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from zhucan.urls import urlpatterns as application_patterns

HELLO_PATH = "bench-hello/"


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world", content_type="text/plain; charset=utf-8")


urlpatterns = [path(HELLO_PATH, hello), *application_patterns]
