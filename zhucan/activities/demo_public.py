"""What the demo shows the public: each institution's public entry (with a seventh kind, the
other services), and most typical activities the city accepted, told on the public site."""

from __future__ import annotations

from zhucan.accounts.demo import acting_user
from zhucan.accounts.models import User
from zhucan.activities.models import Institution, InstitutionKind, TypicalActivity
from zhucan.activities.services.institutions import add_institution, update_public_entry
from zhucan.activities.services.typical import set_typical_public
from zhucan.orgs.access import has_capability
from zhucan.orgs.models import Organisation, Region
from zhucan.orgs.roles import Capability

OTHER_SERVICES = [
    ("410402", "新华区残疾人之家", "光明路128号"),
    ("410422", "叶县残疾人综合服务中心", "昆阳大道56号"),
]
HOURS = "周一至周五 8:30—12:00，14:30—17:30"
ACCESS = [
    "入口有坡道，有电梯和无障碍卫生间，可预约手语翻译。",
    "入口无台阶，有无障碍卫生间。",
    "入口有三级台阶，有工作人员帮助；没有电梯。",
]


def load() -> None:
    officer = User.objects.get(username="city_officer")
    if not Institution.objects.filter(is_public=True).exists():
        add_other_services(officer)
        list_institutions(officer)
    if not TypicalActivity.objects.filter(is_public=True).exists():
        tell_typical_activities(officer)


def _keeper(organisation: Organisation, officer: User) -> User:
    user = acting_user(organisation, officer)
    return user if has_capability(user, Capability.COORDINATE, organisation) else officer


def add_other_services(officer: User) -> None:
    committees = {
        o.region_id: o
        for o in Organisation.objects.filter(
            kind="committee", region_id__in=[code for code, _n, _a in OTHER_SERVICES]
        )
    }
    for code, name, address in OTHER_SERVICES:
        if Institution.objects.filter(region_id=code, name=name).exists():
            continue
        county = committees[code]
        add_institution(
            by=_keeper(county, officer),
            organisation=county,
            name=name,
            kind=InstitutionKind.OTHER_SERVICE,
            region=Region.objects.get(code=code),
            address=address,
        )


def list_institutions(officer: User) -> None:
    """Every institution but the welfare enterprise gets a public entry and is listed."""
    rows = Institution.objects.select_related("organisation").order_by("pk")
    for n, institution in enumerate(rows):
        if institution.kind == InstitutionKind.WELFARE_ENTERPRISE:
            continue
        update_public_entry(
            by=_keeper(institution.organisation, officer),
            institution=institution,
            phone=f"0375-{2690100 + n * 37}",
            opening_hours=HOURS,
            accessibility=ACCESS[n % len(ACCESS)],
            is_public=True,
        )


def tell_typical_activities(officer: User) -> None:
    """Two in three of the typical activities the city accepted go on the public site."""
    accepted = TypicalActivity.objects.filter(status=TypicalActivity.Status.ACCEPTED).order_by("pk")
    for n, typical in enumerate(accepted):
        if n % 3 != 2:
            set_typical_public(by=officer, typical=typical, public=True)
