"""create_once: one object per user and token, the token's kind kept, old tokens purged."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import NoReturn

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.idempotency import create_once
from zhucan.core.models import FormSubmission
from zhucan.orgs.models import Membership, Organisation
from zhucan.testing.factories import make_org


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def make(world: World, name: str) -> Callable[[], Organisation]:
    return lambda: make_org(name=name, parent=world.county_a, region_code="410402")


def test_one_object_per_user_and_token(world: World) -> None:
    token = uuid.uuid4()
    with transaction.atomic():
        first = create_once(
            by=world.city_admin, token=token, model=Organisation, create=make(world, "甲")
        )
        again = create_once(
            by=world.city_admin, token=token, model=Organisation, create=make(world, "乙")
        )
        other = create_once(
            by=world.city_officer, token=token, model=Organisation, create=make(world, "丙")
        )
    assert again == first and other != first
    assert not Organisation.objects.filter(name="乙").exists()


def test_a_token_of_another_kind_is_refused(world: World) -> None:
    token = uuid.uuid4()
    with transaction.atomic():
        create_once(by=world.city_admin, token=token, model=Organisation, create=make(world, "甲"))

    def membership() -> Membership:
        found = world.city_admin.memberships.first()
        assert found is not None
        return found

    with pytest.raises(DomainError, match="already sent"), transaction.atomic():
        create_once(by=world.city_admin, token=token, model=Membership, create=membership)


def test_a_failed_create_frees_its_token(world: World) -> None:
    token = uuid.uuid4()

    def fail() -> NoReturn:
        raise DomainError("no")

    with pytest.raises(DomainError), transaction.atomic():
        create_once(by=world.city_admin, token=token, model=Organisation, create=fail)
    assert not FormSubmission.objects.exists()
    with transaction.atomic():
        made = create_once(
            by=world.city_admin, token=token, model=Organisation, create=make(world, "甲")
        )
    assert made.name == "甲"


def test_it_refuses_to_run_outside_a_transaction(transactional_db: None, world: World) -> None:
    def never() -> NoReturn:
        raise AssertionError("create ran outside a transaction")

    with pytest.raises(RuntimeError):
        create_once(by=world.city_admin, token=uuid.uuid4(), model=Organisation, create=never)


def test_old_tokens_are_purged(world: World) -> None:
    with transaction.atomic():
        for name in ("甲", "乙"):
            create_once(
                by=world.city_admin,
                token=uuid.uuid4(),
                model=Organisation,
                create=make(world, name),
            )
    oldest = FormSubmission.objects.first()
    assert oldest is not None
    FormSubmission.objects.filter(pk=oldest.pk).update(at=timezone.now() - timedelta(days=31))
    call_command("purge_form_submissions")
    assert FormSubmission.objects.count() == 1
