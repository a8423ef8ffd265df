import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhucan.settings")
application = get_wsgi_application()

# Refuse to serve with registry keys that are not the ones the data was written with: a server
# that starts anyway finds nobody by ID number and lets an import register people twice.
from zhucan.registry.keycheck import verify_keys  # noqa: E402

verify_keys()
