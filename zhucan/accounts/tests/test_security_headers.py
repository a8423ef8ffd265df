"""Security headers, CSRF, and Django's deployment check with production-like settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from zhucan.accounts.enrolment import issue_enrolment_code
from zhucan.accounts.models import User
from zhucan.testing.auth import login_verified

BASE_DIR = Path(__file__).resolve().parents[3]


def _production_env() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Whatever the test run set (SECURE_SSL=0, a test secret …) must not leak in.
        if not key.startswith(("SECURE_", "SESSION_", "DJANGO_", "ZHUCAN_"))
        and key not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "BEHIND_TLS_PROXY")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="zhucan.settings",
        SECRET_KEY=secrets.token_urlsafe(60),  # 80 characters, as a real key
        DEBUG="0",
        ZHUCAN_DEMO_MODE="0",
        SECURE_SSL="1",
        ALLOWED_HOSTS="zhucan.example.gov.cn",
    )
    return env


def test_check_deploy_passes_with_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output.upper().replace("--FAIL-LEVEL WARNING", ""), output


@pytest.mark.parametrize("who", ["visitor", "signed_in"])
def test_pages_carry_the_security_headers(
    client: Client, member_unit_reporter: User, who: str
) -> None:
    if who == "signed_in":
        login_verified(client, member_unit_reporter)
        response = client.get(reverse("accounts:profile"))
    else:
        response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_account_pages_have_no_inline_script_or_style(client: Client, city_officer: User) -> None:
    pages = [client.get(reverse("accounts:login"))]
    client.post(
        reverse("accounts:login"), {"username": "city_officer", "password": "Test-password-123"}
    )
    pages.append(client.get(reverse("accounts:two_factor_enrol")))
    with transaction.atomic():
        code = issue_enrolment_code(by=None, user=city_officer)
    client.post(reverse("accounts:two_factor_enrol"), {"code": code})
    pages.append(client.get(reverse("accounts:two_factor_setup")))
    login_verified(client, city_officer)
    for name in ("accounts:profile", "accounts:password_change", "accounts:two_factor_reset"):
        pages.append(client.get(reverse(name)))
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert " style=" not in body
        for tag in body.split("<script")[1:]:
            assert tag.lstrip().startswith("src="), tag[:80]


def test_a_post_without_the_csrf_token_is_refused(db: None, member_unit_reporter: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:login"),
        {"username": "member_unit_reporter", "password": "Test-password-123"},
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session

    login_verified(client, member_unit_reporter)
    response = client.post(reverse("accounts:display"), {"text_size": "large"})
    assert response.status_code == 403
    member_unit_reporter.refresh_from_db()
    assert member_unit_reporter.text_size == "normal"
