"""Settings come from the environment; check them in a fresh interpreter each time."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'name': str(settings.DATABASES['default']['NAME']), "
    "'cache': settings.CACHES['default']['BACKEND'], "
    "'require_2fa': settings.REQUIRE_2FA, 'ssl': settings.SECURE_SSL_REDIRECT}))"
)


def _settings_with(**env):
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


def test_embedded_default_is_sqlite_in_the_repository_with_demo_relaxations():
    result = _settings_with(ZHUCAN_DEMO_MODE="1")
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["require_2fa"] is False


def test_database_and_cache_from_the_environment():
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


def test_without_a_secret_key_a_private_random_one_is_kept(tmp_path):
    key_file = tmp_path / "secret_key"
    probe = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.SECRET_KEY)"
    )
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="zhucan.settings", SECRET_KEY_FILE=str(key_file))
    first = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    ).stdout.strip()
    second = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    ).stdout.strip()
    assert len(first) >= 64 and first == second
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_pages_work_when_redis_is_down():
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
