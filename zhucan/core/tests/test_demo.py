from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Photo
from zhucan.completeness.models import ReminderSent
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Membership, Organisation
from zhucan.plans.models import Plan
from zhucan.registry.models import Assistance, Person
from zhucan.testing.auth import login_verified


def _counts() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
        ActivityReport.objects.count(),
        Photo.objects.count(),
        Plan.objects.count(),
        Person.objects.count(),
        Assistance.objects.count(),
        ReminderSent.objects.count(),
    )


def test_load_demo_is_idempotent(db: None) -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))
    first = _counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert _counts() == first
    # The city, its federation, 12 member units, and 10 counties with a federation and 10 units.
    assert first[0] == 1 + 1 + 12 + 10 * 12


def test_each_demo_person_sees_only_their_part_of_the_tree(client: Client, db: None) -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))
    login_verified(client, User.objects.get(username="xinhua_officer"))
    body = client.get(reverse("orgs:list"), {"q": "民政局"}).content.decode()
    assert "新华区民政局" in body
    assert "叶县民政局" not in body
    assert "平顶山市民政局" not in body
    client.logout()
    login_verified(client, User.objects.get(username="city_officer"))
    body = client.get(reverse("orgs:list"), {"q": "民政局"}).content.decode()
    assert "新华区民政局" in body and "叶县民政局" in body and "平顶山市民政局" in body
    client.logout()
    login_verified(client, User.objects.get(username="outsider"))
    body = client.get(reverse("orgs:list"), {"q": "民政局"}).content.decode()
    assert "民政局</a>" not in body
