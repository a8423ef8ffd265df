"""The production settings, with the benchmark's URLconf: the hello-world view that the public
pages are measured against exists only here, never in ``zhucan.urls``."""

from zhucan.settings import *  # noqa: F403

ROOT_URLCONF = "bench.public_urls"

# The same hashed names in the pages as in production, without compressing 50 MB of charts
# that the load tool never asks for (WhiteNoise's storage adds only the .gz and .br copies).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
