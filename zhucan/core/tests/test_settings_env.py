"""Settings come from the environment; check them in a fresh interpreter each time."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'name': str(settings.DATABASES['default']['NAME']), "
    "'cache': settings.CACHES['default']['BACKEND'], "
    "'require_2fa': settings.REQUIRE_2FA, 'ssl': settings.SECURE_SSL_REDIRECT}))"
)


def _settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DEBUG",
            "ZHUCAN_DEMO_MODE",
            "SECRET_KEY",
            "SECURE_SSL",
            "ZHUCAN_REQUIRE_2FA",
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="zhucan.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    return result


def test_embedded_default_is_sqlite_in_the_repository_with_demo_relaxations() -> None:
    result = _settings_with(ZHUCAN_DEMO_MODE="1")
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["require_2fa"] is False


def test_database_and_cache_from_the_environment() -> None:
    result = _settings_with(
        SECRET_KEY="x" * 60,
        DATABASE_URL="postgres://u:p@db.example:5432/zhucan",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["cache"] == "django_redis.cache.RedisCache"
    assert values["require_2fa"] is True
    assert values["ssl"] is True


def _run_without_keys(
    tmp_path: Path, args: list[str], **env: str
) -> subprocess.CompletedProcess[str]:
    """``args`` in a fresh interpreter with no key in the environment and key files in tmp."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ZHUCAN_REGISTRY_KEYS", "DEBUG", "ZHUCAN_DEMO_MODE"}
    }
    clean.update(
        DJANGO_SETTINGS_MODULE="zhucan.settings",
        SECRET_KEY_FILE=str(tmp_path / "secret_key"),
        ZHUCAN_REGISTRY_KEYS_FILE=str(tmp_path / "registry_keys"),
        **env,
    )
    return subprocess.run(
        [sys.executable, *args],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


KEYS_PROBE = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.SECRET_KEY); print(settings.REGISTRY_KEYS)"
)


def test_production_refuses_to_start_without_its_keys_and_makes_none(tmp_path: Path) -> None:
    """Each server making its own keys forks the registry: production names what is missing."""
    result = _run_without_keys(tmp_path, ["manage.py", "check"])
    assert result.returncode != 0
    assert "Zhucan refuses to start without its keys" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert "ZHUCAN_REGISTRY_KEYS is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists()
    assert not (tmp_path / "registry_keys").exists()
    # The web entry point refuses too.
    wsgi = _run_without_keys(tmp_path, ["-c", "import zhucan.wsgi"])
    assert wsgi.returncode != 0 and "ZHUCAN_REGISTRY_KEYS is not set" in wsgi.stderr


def test_production_reads_keys_from_their_files(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("s" * 60)
    (tmp_path / "registry_keys").write_text(
        "k1:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=,"
        "blind:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI="
    )
    result = _run_without_keys(tmp_path, ["-c", KEYS_PROBE])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "s" * 60,
        "k1:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=,"
        "blind:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=",
    ]


def test_the_demo_makes_its_keys_once_and_says_where(tmp_path: Path) -> None:
    first = _run_without_keys(tmp_path, ["-c", KEYS_PROBE], ZHUCAN_DEMO_MODE="1")
    assert first.returncode == 0, first.stderr
    assert f"created a secret key in {tmp_path / 'secret_key'}" in first.stderr
    assert f"created the registry keys in {tmp_path / 'registry_keys'}" in first.stderr
    for name in ("secret_key", "registry_keys"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
    assert "Back this file up apart from the database" in first.stderr
    secret, keys = first.stdout.splitlines()
    assert len(secret) >= 64 and keys.startswith("k1:") and ",blind:" in keys
    # The second start reuses them, silently.
    second = _run_without_keys(tmp_path, ["-c", KEYS_PROBE], ZHUCAN_DEMO_MODE="1")
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert "created" not in second.stderr


def test_pages_work_when_redis_is_down() -> None:
    """Redis is only a cache: a dead server must not break a page."""
    probe = (
        "import django; django.setup(); from django.core.cache import cache; "
        "cache.set('k', 1); print(repr(cache.get('k')))"
    )
    clean = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="zhucan.settings",
        ZHUCAN_DEMO_MODE="1",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"
