"""Factories for tests: build through the real services so tests see real paths and audits."""

from __future__ import annotations

import itertools
from typing import Any

from zhucan.accounts.models import User
from zhucan.orgs.models import Membership, Organisation
from zhucan.orgs.services import add_membership, create_organisation

_seq = itertools.count(1)


def make_org(*, name: str | None = None, parent: Organisation | None = None,
             kind: str = "committee", region_code: str = "410400", **fields: Any) -> Organisation:
    return create_organisation(by=None, name=name or f"单位{next(_seq)}", parent=parent,
                               kind=kind, region_code=region_code, **fields)


def make_user(*, username: str | None = None, full_name: str = "", org: Organisation | None = None,
              role: str = Membership.Role.COORDINATOR, **fields: Any) -> User:
    user = User(username=username or f"user{next(_seq)}", full_name=full_name, **fields)
    user.set_password("Test-password-123")
    user.save()
    if org is not None:
        add_membership(by=None, user=user, organisation=org, role=role)
    return user
