"""Where the secret key and the registry keys come from (read by ``zhucan.settings``).

A key is given, never guessed: from its environment variable, else from a file that already
exists. Only the embedded demo (``ZHUCAN_DEMO_MODE`` or ``DEBUG``) may make the files, once, and
says so on standard error, because a key made quietly on a second server (or after ``var/`` was
lost) is a different key: sessions break and, worse, the registry forks into data no key opens.
Production without its keys refuses to start with a message that says what to set.

No Django imports here: settings are not loaded yet when this runs.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DOCS = "docs/configuration.md"


def _read(path: Path) -> str:
    return path.read_text(encoding="ascii").strip()


def _create(path: Path, value: str, *, what: str) -> str:
    """Write a new key file (mode 0600) unless another process just did; return what is in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Two demo processes starting at once (runserver and its reloader): the first one wins.
        return _read(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value)
    sys.stderr.write(
        f"Zhucan demo: created {what} in {path} (mode 0600). Back this file up apart from the "
        "database: without it the data it protects cannot be read.\n"
    )
    return value


def load_key(
    *,
    variable: str,
    file_variable: str,
    default_file: Path,
    may_create: bool,
    what: str,
    new: str,
    missing: list[str],
) -> str:
    """The value of ``variable``, else of the file ``file_variable`` names (or the default).

    ``new`` is the value to write when the file is missing and ``may_create`` allows it. A key
    that cannot be had is added to ``missing`` (and "" returned), so that ``refuse_if_missing``
    names every missing key at once rather than one per failed start.
    """
    value = os.environ.get(variable, "").strip()
    if value:
        return value
    path = Path(os.environ.get(file_variable, "") or default_file)
    if path.exists():
        value = _read(path)
        if not value:
            raise ImproperlyConfigured(f"{file_variable} file {path} is empty.")
        return value
    if may_create:
        return _create(path, new, what=what)
    missing.append(f"{variable} is not set and there is no key file at {path} ({file_variable}).")
    return ""


def refuse_if_missing(missing: list[str]) -> None:
    if missing:
        raise ImproperlyConfigured(
            "Zhucan refuses to start without its keys. "
            + " ".join(missing)
            + " Production never makes keys (several servers would each make their own): set "
            f"them, the same on every server, as {DOCS} says."
        )


def new_secret_key() -> str:
    return secrets.token_urlsafe(64)


def new_registry_keys() -> str:
    return ",".join(
        f"{name}:{base64.b64encode(secrets.token_bytes(32)).decode()}" for name in ("k1", "blind")
    )
