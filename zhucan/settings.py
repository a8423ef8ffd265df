"""Zhucan settings: all from the environment, with safe defaults (docs/configuration.md)."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from zhucan.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
# The embedded demo (make run) relaxes 2FA and shows the demo accounts; never set in production.
DEMO_MODE = envbool("ZHUCAN_DEMO_MODE", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else a random key kept in a private file.

    A single server then needs no configuration to be safe; several web servers must share one
    key, so set SECRET_KEY (or SECRET_KEY_FILE on shared storage) for them.
    """
    key = envstr("SECRET_KEY", "")
    if key:
        return key
    path = Path(envstr("SECRET_KEY_FILE", str(BASE_DIR / "var" / "secret_key")))
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "zhucan.core",
    "zhucan.accounts",
    "zhucan.orgs",
    "zhucan.campaigns",
    "zhucan.plans",
    "zhucan.activities",
    "zhucan.notifications",
    "zhucan.completeness",
    "zhucan.registry",
    "zhucan.stats",
    "zhucan.summaries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhucan.accounts.middleware.ActiveAccountMiddleware",
    "zhucan.accounts.middleware.SecondFactorMiddleware",
    "zhucan.accounts.middleware.PasswordChangeRequiredMiddleware",
    "zhucan.accounts.middleware.IdleTimeoutMiddleware",
    "zhucan.accounts.middleware.PreferencesMiddleware",
    "zhucan.core.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "zhucan.urls"
WSGI_APPLICATION = "zhucan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "zhucan.core.context_processors.shell",
                "zhucan.notifications.context_processors.bell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process worker and the web server share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zhucan.accounts.passwords.CharacterClassValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: this many failures for one username (or from one address) within the window locks it.
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Sign-in attempts are kept this long for investigations (the lockout reads only the window).
LOGIN_ATTEMPT_RETENTION_DAYS = envint("LOGIN_ATTEMPT_RETENTION_DAYS", 183)
# A one-time code an administrator issues for a first (or new) authenticator app.
ENROLMENT_CODE_HOURS = envint("ENROLMENT_CODE_HOURS", 72)
# Staff roles that can see personal data must use TOTP; the demo can relax it.
REQUIRE_2FA = envbool("ZHUCAN_REQUIRE_2FA", not DEMO_MODE)
OTP_TOTP_ISSUER = "Zhucan 助残"

# Sessions live in the database, so web processes hold no state.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_IDLE_WARNING = envint("SESSION_IDLE_WARNING", 2 * 60)
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE_SSL = envbool("SECURE_SSL", not (DEBUG or DEMO_MODE))
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL and envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
)
# Addresses or networks of our own reverse proxies: only requests from them may tell us the
# client's address in X-Forwarded-For (core/net.py). Behind the TLS proxy the usual shape is
# nginx on the same host, hence loopback by default; anything else must be listed.
TRUSTED_PROXIES = envlist(
    "TRUSTED_PROXIES", ["127.0.0.1", "::1"] if envbool("BEHIND_TLS_PROXY", False) else []
)
for _proxy in TRUSTED_PROXIES:
    ipaddress.ip_network(_proxy, strict=False)  # a typo must stop the start, not each request
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict CSP: nothing from outside, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
# WhiteNoise serves from here; an empty folder until collectstatic is fine (finders serve in demo).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Apache ECharts from npm (package.json; `npm ci`), served as static/echarts/echarts.min.js.
    ("echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or DEMO_MODE
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

REDIS_URL = envstr("REDIS_URL", "")
if REDIS_URL:
    # Redis is only a cache: IGNORE_EXCEPTIONS keeps pages working when it is down.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# How often the background worker looks for reminders that are due (each campaign sets its own
# schedule; this is only how soon after its time a reminder goes out).
REMINDER_SWEEP_MINUTES = envint("REMINDER_SWEEP_MINUTES", 60)


def _registry_keys() -> str:
    """The registry's encryption keys: ``id:base64key,…`` (the first encrypts; all decrypt) and
    ``blind:base64key`` for the search index. From ZHUCAN_REGISTRY_KEYS, else from a private
    file made on first use (the embedded shape). Never in the database, never in a backup of it.
    """
    keys = envstr("ZHUCAN_REGISTRY_KEYS", "")
    if keys:
        return keys
    path = Path(envstr("ZHUCAN_REGISTRY_KEYS_FILE", str(BASE_DIR / "var" / "registry_keys")))
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    import base64

    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = ",".join(
        f"{name}:{base64.b64encode(secrets.token_bytes(32)).decode()}" for name in ("k1", "blind")
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(fresh)
    return fresh


REGISTRY_KEYS = _registry_keys()

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "zhucan@localhost")
# Text messages: a class like Django's email backends; the default only logs (number masked).
SMS_BACKEND = envstr("ZHUCAN_SMS_BACKEND", "zhucan.notifications.sms.LogBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # WeasyPrint and fontTools report every step of a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
