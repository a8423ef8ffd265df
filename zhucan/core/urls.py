from django.urls import re_path

from zhucan.core import views

app_name = "core"

# The home page and the audit log page are core:home and core:audit too; they read the
# jurisdiction, so orgs serves them and zhucan/urls.py joins them to this namespace.
# Probes and Prometheus ask for /healthz, /readyz and /metrics; the trailing slash is optional
# so that no probe meets a redirect (and /healthz/ keeps working).
urlpatterns = [
    re_path(r"^healthz/?\Z", views.healthz, name="healthz"),
    re_path(r"^readyz/?\Z", views.readyz, name="readyz"),
    re_path(r"^metrics/?\Z", views.metrics, name="metrics"),
]
