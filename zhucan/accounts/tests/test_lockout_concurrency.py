"""Concurrent wrong passwords: the lockout limit holds however many arrive at once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from django.test import RequestFactory
from pytest_django import Settings

from zhucan.accounts.models import LoginAttempt, User
from zhucan.accounts.services import SignInRefusedError, sign_in_with_password
from zhucan.core.models import AuditEntry
from zhucan.testing.factories import make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"
    ),
]

TRIES = 25


# transactional_db (not the mark): the threads' connections must see committed rows, and the
# test plugin puts the data migrations' rows back after the flush for the tests that follow.
def test_25_concurrent_wrong_passwords_get_at_most_the_limit_checked(
    transactional_db: None, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(username="target")
    checked: list[int] = []
    lock = threading.Lock()
    real_check = User.check_password

    def slow_check(self: User, raw_password: str) -> bool:
        with lock:
            checked.append(1)
        # A real hash takes a while: the window in which the others must not slip through.
        time.sleep(0.2)
        return real_check(self, raw_password)

    monkeypatch.setattr(User, "check_password", slow_check)
    barrier = threading.Barrier(TRIES)
    refused: list[int] = []
    errors: list[BaseException] = []

    def attempt(n: int) -> None:
        try:
            # Each from its own address, so only the user name's limit applies.
            request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=f"198.51.100.{n}")
            barrier.wait()
            sign_in_with_password(request=request, username="target", password="Wrong-pass-1")
        except SignInRefusedError:
            with lock:
                refused.append(n)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(TRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    assert len(refused) == TRIES
    assert len(checked) <= settings.LOGIN_MAX_FAILURES
    assert LoginAttempt.objects.filter(username="target", succeeded=False).count() == len(checked)
    assert AuditEntry.objects.filter(action="accounts.login.locked").count() == 1
