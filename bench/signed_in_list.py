"""The campaign list as a signed-in coordinator sees it, under a crowd, against a hello-world
view served the same way in the same run.

The same production shape as the public pages' benchmark (gunicorn, 2 sync workers, DEBUG off,
behind a declared TLS proxy). The coordinator's session is made directly in the scratch
database as a finished two-step sign-in leaves it (the user, the password's hash, the verified
TOTP device, the idle timeout's stamp), and wrk sends its cookie with every request. The queries
of one request are counted with the test client, on the first request of a session (nothing
cached yet) and on the next ones.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.public_pages import (
    INSTALL_HINT,
    PROXY_HEADER,
    ROOT,
    _check,
    _gunicorn,
    _server_env,
    _wrk,
)
from bench.public_urls import HELLO_PATH
from zhucan.accounts.middleware import IdleTimeoutMiddleware
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign, make_org, make_user

ROUNDS = 3
SECONDS = 5
# More than one page of the list (20 a page), so the count and the pager are real.
CAMPAIGNS = 25
CITY_CODE, COUNTY_CODE = "410400", "410422"


def run() -> dict[str, float]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit(INSTALL_HINT)
    from bench.completeness import scratch_database

    with scratch_database(), tempfile.TemporaryDirectory(prefix="zhucan-bench-") as static:
        coordinator = _world()
        first, steady = _queries_per_request(coordinator)
        print(f"  queries a request: {first} first, {steady} after", flush=True)
        cookie = _session_cookie(coordinator)
        env = _server_env(static)
        print("  collecting static files for the manifest …", flush=True)
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        with _gunicorn(env) as base:
            page, hello = f"{base}{reverse('campaigns:list')}", f"{base}/{HELLO_PATH}"
            # Hello-world as anyone gets it, without the cookie (which would make it sign in).
            signed_in = (PROXY_HEADER, f"Cookie: {cookie}")
            _check(hello)
            _check_signed_in(page, cookie)
            _wrk(wrk, page, seconds=1, headers=signed_in)  # every worker's caches warm
            _wrk(wrk, hello, seconds=1)
            page_rates, hello_rates = [], []
            for n in range(ROUNDS):
                hello_rates.append(_wrk(wrk, hello, seconds=SECONDS))
                page_rates.append(_wrk(wrk, page, seconds=SECONDS, headers=signed_in))
                print(
                    f"  round {n + 1}: hello {hello_rates[-1]:.0f}/s, "
                    f"signed-in list {page_rates[-1]:.0f}/s",
                    flush=True,
                )
    page_rps, hello_rps = statistics.median(page_rates), statistics.median(hello_rates)
    return {
        "signed_in_list_queries_first": first,
        "signed_in_list_queries": steady,
        "signed_in_list_rps": round(page_rps),
        "signed_in_hello_rps": round(hello_rps),
        "signed_in_list_ratio_vs_hello": round(page_rps / hello_rps, 3),
    }


def _world() -> Any:
    """A city committee with a county below it, a coordinator of the city (a role that must
    pass two-factor sign-in) and a page and a bit of campaigns."""
    city = make_org(name="平顶山市残疾人工作委员会", region_code=CITY_CODE)
    make_org(name="叶县残疾人工作委员会", parent=city, region_code=COUNTY_CODE)
    coordinator = make_user(full_name="高秋法", org=city)
    for n in range(CAMPAIGNS):
        make_campaign(issuing_org=city, by=coordinator, serial=n + 1)
    return coordinator


def _queries_per_request(user: Any) -> tuple[int, int]:
    client = login_verified(Client(HTTP_HOST="localhost"), user)
    url = reverse("campaigns:list")
    counts = []
    for _n in range(3):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"The campaign list answered {response.status_code}.")
        counts.append(len(queries.captured_queries))
    return counts[0], counts[-1]


def _session_cookie(user: Any) -> str:
    """A session as a finished two-step sign-in leaves it, stored in the scratch database."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "bench"}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[IdleTimeoutMiddleware.SESSION_KEY] = time.time()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _check_signed_in(url: str, cookie: str) -> None:
    """The list answers 200 to the cookie, not a redirect to the sign-in or code page."""
    request = urllib.request.Request(  # noqa: S310 - loopback
        url, headers={"X-Forwarded-Proto": "https", "Cookie": cookie}
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            body = response.read().decode()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"The signed-in list answered {error.code}, not the page.") from None
    if f'action="{reverse("accounts:logout")}"' not in body:
        # The page of a signed-in person carries the sign-out form.
        raise SystemExit("The signed-in list did not come back signed in.")
