"""The issue's done-when, as the users would live it (the Excel import left out).

County A registers people in need; the city officer finds one by ID number and sees masked data
only; a reveal with a reason lands in the audit log for the auditor; a household visit names
three people, and the coverage page's "not yet helped" list shrinks by three.
"""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.registry import crypto
from zhucan.registry.models import Person
from zhucan.registry.services.people import PersonData, register_person
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import id_number, make_visit


def test_find_reveal_visit_and_coverage_shrinks(client: Client, world: World) -> None:
    people = [
        register_person(
            by=world.county_a_officer,
            organisation=world.county_a,
            data=PersonData(
                name=name,
                id_number=id_number((1960 + n, 3, 12)),
                category=Person.Category.PHYSICAL,
                grade=2,
                phone=f"1391234{n:04d}",
                township="光明路街道",
                need_income_fell=True,
            ),
        )
        for n, name in enumerate(["王秀英", "李建国", "张丽娟", "刘志强", "陈红梅"])
    ]
    visit = make_visit(world)  # county A's household visit, in county A's campaign
    campaign = visit.report.campaign
    first = people[0]
    number = crypto.decrypt(first.id_number_ct, field="id_number")

    # The city officer finds the person by ID number and sees masked data only.
    login_verified(client, world.city_officer)
    found = client.post(reverse("registry:find"), {"id_number": number}, follow=True)
    assert found.redirect_chain[-1][0] == reverse("registry:detail", args=[first.pk])
    page = found.content.decode()
    assert first.name in page and first.id_masked in page
    assert number not in page and "13912340000" not in page and "*********00" in page

    # A reveal with a reason: shown once, not cached, and in the auditor's audit log.
    revealed = client.post(
        reverse("registry:reveal", args=[first.pk]),
        {"details": ["id_number", "phone"], "purpose": "verify_identity"},
    )
    assert number in revealed.content.decode()
    assert "no-store" in revealed["Cache-Control"]
    client.logout()
    login_verified(client, world.city_auditor)
    log = client.get(reverse("core:audit"), {"q": "registry.person.revealed"}).content.decode()
    assert "verify_identity" in log and world.city_officer.username in log
    assert number not in log

    # Coverage before the visit is recorded: all five are waiting.
    client.logout()
    login_verified(client, world.city_officer)
    coverage_url = reverse("registry:coverage", kwargs={"campaign_pk": campaign.pk})
    before = client.get(coverage_url, {"node": world.city.pk}).context["page_obj"]
    assert before.paginator.count == 5

    # County A's officer names three people on the household visit.
    client.logout()
    login_verified(client, world.county_a_officer)
    url = reverse("registry:visit_people", kwargs={"visit_pk": visit.pk})
    search = client.post(url, {"search": "1", "q": "李建国"})
    assert [pk for pk, _ in search.context["form"].fields["people"].choices] == [people[1].pk]
    response = client.post(
        url,
        {
            "record": "1",
            "people": [p.pk for p in people[:3]],
            "kind": "cash",
            "amount": "300",
            "given_on": "2020-05-16",
        },
    )
    assert response.status_code == 302

    # The city's coverage page: "not yet helped" is three shorter, and names the other two.
    client.logout()
    login_verified(client, world.city_officer)
    after = client.get(coverage_url, {"node": world.city.pk})
    assert after.context["page_obj"].paginator.count == before.paginator.count - 3
    assert {p.pk for p in after.context["page_obj"].object_list} == {p.pk for p in people[3:]}
    assert after.context["result"].totals.helped == 3
    assert AuditEntry.objects.filter(action="registry.assistance.recorded").count() == 3
