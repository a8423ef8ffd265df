from django.urls import URLPattern, URLResolver

from zhucan.registry.views import (
    assistance,
    coverage,
    education,
    imports,
    people,
    roster,
    townships,
)

app_name = "registry"

# Each views module lists its own patterns, so that the parts of the app stay apart.
urlpatterns: list[URLPattern | URLResolver] = [
    *people.urlpatterns,
    *assistance.urlpatterns,
    *coverage.urlpatterns,
    *education.urlpatterns,
    *imports.urlpatterns,
    *townships.urlpatterns,
    *roster.urlpatterns,
]
