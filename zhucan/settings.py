"""Zhucan settings: all from the environment, with safe defaults (docs/configuration.md)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from zhucan.env import envbool, envint, envlist, envstr
from zhucan.keyfiles import load_key, new_registry_keys, new_secret_key, refuse_if_missing

# Lets Django's generic classes take type parameters at run time too (``BaseFormSet[VisitForm]``
# as a base class), as they do for the type checker.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
# The embedded demo (make run) relaxes 2FA and shows the demo accounts; never set in production.
DEMO_MODE = envbool("ZHUCAN_DEMO_MODE", False)

# Keys are given, never guessed (zhucan/keyfiles.py): production without them refuses to start;
# only the embedded demo makes them, once, under var/ and says so.
MAY_CREATE_KEYS = DEMO_MODE or DEBUG
_missing: list[str] = []

SECRET_KEY = load_key(
    variable="SECRET_KEY",
    file_variable="SECRET_KEY_FILE",
    default_file=BASE_DIR / "var" / "secret_key",
    may_create=MAY_CREATE_KEYS,
    what="a secret key",
    new=new_secret_key(),
    missing=_missing,
)
# ``id:base64,…`` field keys (the first encrypts, all decrypt) and ``blind…:base64`` keys of the
# ID search index (the first indexes). Checked by the registry's system checks and against the
# key-check values in the database (zhucan/registry/keycheck.py); never stored in the database.
REGISTRY_KEYS = load_key(
    variable="ZHUCAN_REGISTRY_KEYS",
    file_variable="ZHUCAN_REGISTRY_KEYS_FILE",
    default_file=BASE_DIR / "var" / "registry_keys",
    may_create=MAY_CREATE_KEYS,
    what="the registry keys",
    new=new_registry_keys(),
    missing=_missing,
)
refuse_if_missing(_missing)

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
    # Before django_tasks_db: its db_worker command is replaced by core's (which survives a
    # lost database connection and recovers the jobs of dead workers).
    "zhucan.core",
    "django_tasks",
    "django_tasks_db",
    "zhucan.accounts",
    "zhucan.orgs",
    "zhucan.campaigns",
    "zhucan.plans",
    "zhucan.activities",
    "zhucan.notifications",
    "zhucan.completeness",
    "zhucan.registry",
    "zhucan.helprequests",
    "zhucan.stats",
    "zhucan.summaries",
    "zhucan.portal",
    "zhucan.demo",
]

MIDDLEWARE = [
    # First: every log line of the request, and its audit entries, carry its id.
    "zhucan.core.request_id.RequestIdMiddleware",
    # Then the timing for /metrics and the request log line: it times everything below.
    "zhucan.core.middleware.RequestMetricsMiddleware",
    "zhucan.core.net.UntrustedProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before the session: a stored public page is served without reading it (zhucan/portal).
    "zhucan.portal.cache.PublicCacheMiddleware",
    # Outside the session: the WAL position it notes after a write is past the session's too.
    "zhucan.core.routing.WrittenPositionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zhucan.accounts.middleware.CachedOTPMiddleware",
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
                "zhucan.registry.context_processors.nav",
                "zhucan.notifications.context_processors.bell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        # A kept connection that the database dropped (a restart, a failover, an idle
        # timeout) is checked and replaced at the start of the next request or worker loop,
        # instead of failing that request with a 500.
        conn_health_checks=True,
    )
}
# A streaming replica of the default database, as the alias "replica": the heavy read-only
# pages and the report export read from it when it is fresh enough, and never before it has a
# person's own writes (core/routing.py); the readiness check and the metrics watch its lag.
DATABASE_REPLICAS: list[str] = []
if envstr("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        envstr("DATABASE_REPLICA_URL", ""),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    # Tests read the replica's rows through the default database's.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_REPLICAS = ["replica"]
# Every write goes to default; reads go to the replica only in the scopes routing.py marks.
DATABASE_ROUTERS = ["zhucan.core.routing.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process worker and the web server share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The registry's covering index (registry.Person "person_in_need") lists non-key columns
    # for PostgreSQL's index-only scans; SQLite builds the same index without them, which is
    # all a trial needs. Only this check, and only on SQLite: a newcomer's `make run` should
    # not start with a warning about something that is fine.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

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
# The idle stamp moves only when this many seconds old, so page views do not write the session.
SESSION_IDLE_STAMP_SLACK = envint("SESSION_IDLE_STAMP_SLACK", 60)
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
STORAGES: dict[str, dict[str, Any]] = {
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
# Uploads (photos, attachments, generated documents and exports) on an S3-compatible object
# store instead of MEDIA_ROOT: for several application machines without a shared directory
# (docs/deployment.md). Objects are private; every download still goes through the
# application's permission checks, which open the file and stream it.
S3_BUCKET = envstr("ZHUCAN_S3_BUCKET", "")
if S3_BUCKET:
    _s3_key = envstr("ZHUCAN_S3_ACCESS_KEY_ID", "")
    _s3_secret = envstr("ZHUCAN_S3_SECRET_ACCESS_KEY", "")
    if bool(_s3_key) != bool(_s3_secret):
        raise ImproperlyConfigured(
            "ZHUCAN_S3_ACCESS_KEY_ID and ZHUCAN_S3_SECRET_ACCESS_KEY go together: set both, or "
            "neither to use the machine's own credentials."
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            # An intranet's own store (MinIO, Ceph, a cloud's S3 service): its address.
            "endpoint_url": envstr("ZHUCAN_S3_ENDPOINT_URL", "") or None,
            "region_name": envstr("ZHUCAN_S3_REGION", "") or None,
            "access_key": _s3_key or None,
            "secret_key": _s3_secret or None,
            "location": envstr("ZHUCAN_S3_PREFIX", ""),
            "addressing_style": envstr("ZHUCAN_S3_ADDRESSING_STYLE", "path"),
            "default_acl": "private",
            # A name already taken gets a new one: nothing uploaded is ever replaced.
            "file_overwrite": False,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Uploaded Office files (zhucan/core/safezip.py): the largest any reader allows, counted in
# bytes actually inflated. A 200,000-person register's sheet is about 80 MB of XML, and
# calamine holds a whole sheet in memory, so one part may not pass 120 MB.
UPLOAD_MAX_PART_BYTES = envint("ZHUCAN_UPLOAD_MAX_PART_MB", 120) * 1024 * 1024
UPLOAD_MAX_UNPACKED_BYTES = envint("ZHUCAN_UPLOAD_MAX_UNPACKED_MB", 160) * 1024 * 1024
UPLOAD_MAX_PARTS = envint("ZHUCAN_UPLOAD_MAX_PARTS", 1000)
UPLOAD_MAX_RATIO = envint("ZHUCAN_UPLOAD_MAX_RATIO", 200)
# Images (photos, screenshots, attached pictures): refused above this many pixels from their
# header, before any decoding. Also Pillow's own global limit (zhucan/core/images.py).
UPLOAD_MAX_IMAGE_PIXELS = envint("ZHUCAN_UPLOAD_MAX_IMAGE_PIXELS", 40_000_000)

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

# The longest a stored public page lives (seconds); a change to published content replaces it
# at once where the cache is shared (Redis), and after this long in a per-process cache.
PORTAL_CACHE_SECONDS = envint("ZHUCAN_PORTAL_CACHE_SECONDS", 300)

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# How often the background worker looks for reminders that are due (each campaign sets its own
# schedule; this is only how soon after its time a reminder goes out).
REMINDER_SWEEP_MINUTES = envint("REMINDER_SWEEP_MINUTES", 60)
# Background jobs (core/jobs.py): a worker renews its job's lease every third of this; a job
# whose lease ran out is queued again until it has been tried JOB_MAX_ATTEMPTS times, then
# failed. Each db_worker looks for such jobs every JOB_SWEEP_SECONDS.
JOB_LEASE_SECONDS = envint("JOB_LEASE_SECONDS", 120)
JOB_MAX_ATTEMPTS = envint("JOB_MAX_ATTEMPTS", 2)
JOB_SWEEP_SECONDS = envint("JOB_SWEEP_SECONDS", 60)
# The audit chain (core/seals.py): the worker seals the audit entries every AUDIT_SEAL_MINUTES,
# those at least AUDIT_SEAL_MARGIN_SECONDS old (a transaction still open may hold a lower id).
AUDIT_SEAL_MINUTES = envint("ZHUCAN_AUDIT_SEAL_MINUTES", 10)
AUDIT_SEAL_MARGIN_SECONDS = envint("ZHUCAN_AUDIT_SEAL_MARGIN_SECONDS", 300)

# Readiness (/readyz, core/health.py): the database must answer a trivial query within this;
# the oldest ready task must have waited less than this (0: not checked); a job whose lease
# ran out this long ago means no worker sweeps (0: not checked); a replica further behind
# than this is not ready.
READY_DB_TIMEOUT_MS = envint("ZHUCAN_READY_DB_TIMEOUT_MS", 1000)
READY_QUEUE_MAX_AGE_SECONDS = envint("ZHUCAN_READY_QUEUE_MAX_AGE_SECONDS", 600)
READY_STUCK_JOB_SECONDS = envint("ZHUCAN_READY_STUCK_JOB_SECONDS", 300)
REPLICA_MAX_LAG_SECONDS = envint("ZHUCAN_REPLICA_MAX_LAG_SECONDS", 30)
# A replica that could not be reached is left alone this long by each process (its pages read
# from the primary meanwhile), so that a dead replica does not cost every page a connect timeout.
REPLICA_RETRY_SECONDS = envint("ZHUCAN_REPLICA_RETRY_SECONDS", 30)
# Who may read /metrics (addresses or networks, the client as core/net.py finds it); everyone
# else gets 404.
METRICS_ALLOW = envlist("ZHUCAN_METRICS_ALLOW", ["127.0.0.1", "::1"])
for _network in METRICS_ALLOW:
    ipaddress.ip_network(_network, strict=False)  # a typo must stop the start
# prometheus_client's own variable (docs/deployment.md): set, it must name a directory, or every
# request would fail as its timing is written there.
if (
    envstr("PROMETHEUS_MULTIPROC_DIR", "")
    and not Path(envstr("PROMETHEUS_MULTIPROC_DIR", "")).is_dir()
):
    raise ImproperlyConfigured("PROMETHEUS_MULTIPROC_DIR is set but is not a directory.")

# Exact searches by ID number a person may make per hour (each is audited as a keyed token);
# past it the search box says to wait. A clerk checks a few dozen people an hour at most; a
# guess at a number needs thousands of tries (see registry.privacy_bound).
REGISTRY_SEARCHES_PER_HOUR = envint("ZHUCAN_REGISTRY_SEARCHES_PER_HOUR", 60)
# Searches, reveals and refused registrations by one person within this many minutes that
# alert the auditors of their organisation (once per window).
REGISTRY_BURST_LOOKUPS = envint("ZHUCAN_REGISTRY_BURST_LOOKUPS", 20)
REGISTRY_BURST_MINUTES = envint("ZHUCAN_REGISTRY_BURST_MINUTES", 10)

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "zhucan@localhost")
# Text messages: a class like Django's email backends; the default only logs (number masked).
SMS_BACKEND = envstr("ZHUCAN_SMS_BACKEND", "zhucan.notifications.sms.LogBackend")

# "json": one JSON object per line (core/logs.py), for a log collector; otherwise the message
# as it is. Every record carries the request id (or task id) either way.
LOG_FORMAT = envstr("ZHUCAN_LOG_FORMAT", "text")
# One line per request (method, URL name, status, duration; never the path or query string).
LOG_REQUESTS = envbool("ZHUCAN_LOG_REQUESTS", LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "zhucan.core.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(message)s"},
        "json": {"()": "zhucan.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # WeasyPrint and fontTools report every step of a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
