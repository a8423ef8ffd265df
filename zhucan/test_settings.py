"""Settings for the test suite: production-like (2FA required, secure defaults) but fast."""

import copy
import os

os.environ.setdefault("SECRET_KEY", "zhucan-test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("SECURE_SSL", "0")
os.environ.setdefault("ZHUCAN_REQUIRE_2FA", "1")
# Fixed test keys (32 bytes each): two field keys so that rotation can be tested.
os.environ.setdefault(
    "ZHUCAN_REGISTRY_KEYS",
    "t2:MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI=,"
    "t1:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=,"
    "blind:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=",
)

from zhucan.settings import *  # noqa: E402,F403

# Argon2 on every test login would dominate the run; the hasher itself is tested separately.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
STORAGES = {  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "zhucan.notifications.sms.LocmemBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The real database queue: tests see what is enqueued and run the worker when they mean to.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Tests assert the English msgids so that a better Chinese wording never breaks them;
# test_i18n checks that the real default is Chinese and that pages render in it.
LANGUAGE_CODE = "en"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A commit waits for its flush to disk, about 3 ms here: thousands of them in a run (every
    # statement of a transactional or browser test, the live server's requests). A test has no
    # use for durability across a crash, and the order and visibility of commits are unchanged.
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()

# The alias the replica has in production, reading the test database through a connection of
# its own: the routing tests turn it on (DATABASE_REPLICAS) and see which connection read what.
# Nothing else uses it while DATABASE_REPLICAS is empty.
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = copy.deepcopy(DATABASES["default"])  # noqa: F405
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
