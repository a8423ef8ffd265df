"""Signing the drill's people in over HTTP, as a browser does, and reading forms.

A production-shaped server (behind a TLS proxy) marks its cookies Secure while the drill talks
plain HTTP to nginx on the loopback: the cookie policy below sends them anyway, and every
unsafe request carries the Origin a browser on that https site would send, so the CSRF check
runs as it does for people.

Staff whose role needs a second factor sign in with a TOTP code. The first time, the server's
operator issues an enrolment code (``manage.py issue_enrolment_code``, passed in as
``issue_code``), the drill enters it, reads the setup key from the setup page as a person would
type it into an app, and confirms with a code; the secret is kept under ``var/drill/`` for the
next runs against the same database. Nothing on the server is bypassed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookiejar import Cookie
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
ATTR = re.compile(r'([a-zA-Z_:-]+)\s*=\s*"([^"]*)"')
SETUP_KEY = re.compile(r'<code lang="en">([A-Z2-7 ]{16,})</code>')


class DrillSetupError(RuntimeError):
    """The drill cannot start: said plainly, with what to do."""


class PlainJar(requests.cookies.RequestsCookieJar):
    """Keeps a Secure cookie sendable over the loopback's plain HTTP (see the module's doc)."""

    def set_cookie(self, cookie: Cookie, *args: Any, **kwargs: Any) -> None:
        cookie.secure = False
        super().set_cookie(cookie, *args, **kwargs)

    def copy(self) -> PlainJar:
        jar = PlainJar()
        jar.set_policy(self.get_policy())
        jar.update(self)
        return jar


def inputs(page: str) -> dict[str, str]:
    """Name → value of the form inputs on a page (hidden ones included; the last wins)."""
    found = {}
    for tag in INPUT.findall(page):
        attrs = {k.lower(): html.unescape(v) for k, v in ATTR.findall(tag)}
        if "name" in attrs:
            found[attrs["name"]] = attrs.get("value", "")
    return found


def totp(hex_key: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238, as the authenticator app computes it (SHA-1, 30 s, 6 digits)."""
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10**digits:0{digits}d}"


def hex_from_setup_key(readable: str) -> str:
    text = readable.replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8)).hex()


def new_session(base: str, *, proxy_https: bool) -> requests.Session:
    session = requests.Session()
    session.cookies = PlainJar()
    origin = urlsplit(base)
    scheme = "https" if proxy_https else origin.scheme
    session.headers["Origin"] = f"{scheme}://{origin.netloc}"
    if proxy_https:
        # Only for a stand-in without nginx: nginx sets it itself.
        session.headers["X-Forwarded-Proto"] = "https"
    return session


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


@dataclass
class Secrets:
    """TOTP secrets the drill enrolled, by database and user name."""

    path: Path
    database: str

    def _all(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        data: dict[str, dict[str, str]] = json.loads(self.path.read_text())
        return data

    def get(self, username: str) -> str | None:
        return self._all().get(self.database, {}).get(username)

    def put(self, username: str, hex_key: str) -> None:
        data = self._all()
        data.setdefault(self.database, {})[username] = hex_key
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(data, indent=1))
        self.path.chmod(0o600)


def sign_in(
    base: str,
    username: str,
    password: str,
    *,
    proxy_https: bool,
    secrets: Secrets,
    issue_code: Callable[[str], str],
) -> requests.Session:
    """A session of ``username`` after the whole sign-in, second factor included."""
    session = new_session(base, proxy_https=proxy_https)
    login = urljoin(base, "/accounts/login/")
    page = session.get(login, timeout=30)
    page.raise_for_status()
    form = inputs(page.text)
    answer = session.post(
        login,
        data={
            "csrfmiddlewaretoken": form.get("csrfmiddlewaretoken", ""),
            "username": username,
            "password": password,
        },
        headers={"Referer": login},
        timeout=30,
    )
    path = urlsplit(answer.url).path
    if path == "/accounts/login/":
        raise DrillSetupError(f"{username} could not sign in with the given password.")
    if path.startswith("/accounts/two-factor/enrol/"):
        answer = _enrol(session, answer, username, issue_code)
        path = urlsplit(answer.url).path
    if path.startswith("/accounts/two-factor/setup/"):
        _setup(session, answer, username, secrets)
    elif path.startswith("/accounts/two-factor/verify/"):
        _verify(session, answer, username, secrets)
    check = session.get(urljoin(base, "/accounts/profile/"), timeout=30)
    if urlsplit(check.url).path != "/accounts/profile/":
        raise DrillSetupError(f"{username} is not signed in after the sign-in ({check.url}).")
    return session


def _post_form(session: requests.Session, page: requests.Response, data: dict[str, str]) -> Any:
    form = inputs(page.text)
    return session.post(
        page.url,
        data={"csrfmiddlewaretoken": form.get("csrfmiddlewaretoken", ""), **data},
        headers={"Referer": page.url},
        timeout=30,
    )


def _enrol(
    session: requests.Session, page: requests.Response, username: str, issue: Callable[[str], str]
) -> Any:
    answer = _post_form(session, page, {"code": issue(username)})
    if not urlsplit(answer.url).path.startswith("/accounts/two-factor/setup/"):
        raise DrillSetupError(f"The enrolment code for {username} was not accepted.")
    return answer


def _setup(
    session: requests.Session, page: requests.Response, username: str, secrets: Secrets
) -> None:
    match = SETUP_KEY.search(page.text)
    if match is None:
        raise DrillSetupError(f"No setup key on the set-up page of {username}.")
    hex_key = hex_from_setup_key(match.group(1))
    answer = _post_form(session, page, {"code": totp(hex_key)})
    if urlsplit(answer.url).path.startswith("/accounts/two-factor/setup/"):
        raise DrillSetupError(f"The first code of {username}'s new app was refused.")
    secrets.put(username, hex_key)


def _verify(
    session: requests.Session, page: requests.Response, username: str, secrets: Secrets
) -> None:
    hex_key = secrets.get(username)
    if hex_key is None:
        raise DrillSetupError(
            f"{username} already has an authenticator app whose secret the drill does not "
            f"know: reset their two-factor sign-in, or choose another account."
        )
    for _attempt in range(2):
        answer = _post_form(session, page, {"code": totp(hex_key)})
        if not urlsplit(answer.url).path.startswith("/accounts/two-factor/verify/"):
            return
        # A code is good once: a sign-in in the same 30 seconds used it. Wait for the next.
        time.sleep(30 - time.time() % 30 + 1)
        page = answer
    raise DrillSetupError(f"The codes of {username}'s app were refused.")
