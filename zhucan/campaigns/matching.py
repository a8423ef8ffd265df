"""Turning the words of a notice into organisations of the tree.

A notice addresses groups ("各县（市、区）残工委", "市政府残工委各成员单位") and gives duties to
departments ("各级民政、残联…等部门"). Groups expand to the issuing committee's counties or member
units; departments match the member units with that department, and with "各级" also each
county's counterpart. Anything not matched is returned for a person to resolve, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhucan.orgs.models import Department, Organisation

DEPARTMENT_OF: dict[str, str] = {
    "民政": Department.CIVIL_AFFAIRS,
    "残联": Department.FEDERATION,
    "住房城乡建设": Department.HOUSING,
    "住建": Department.HOUSING,
    "扶贫办": Department.RURAL_REVITALISATION,
    "乡村振兴": Department.RURAL_REVITALISATION,
    "人力资源社会保障": Department.HUMAN_RESOURCES,
    "人社": Department.HUMAN_RESOURCES,
    "卫生健康": Department.HEALTH,
    "卫健": Department.HEALTH,
    "医保": Department.MEDICAL_INSURANCE,
    "教育": Department.EDUCATION,
    "工会": Department.UNION,
    "共青团": Department.YOUTH_LEAGUE,
    "团委": Department.YOUTH_LEAGUE,
    "妇联": Department.WOMENS_FEDERATION,
    "驻军部队": Department.MILITARY,
    "宣传部": Department.PUBLICITY,
    "财政": Department.FINANCE,
}

COUNTY_GROUP_MARKERS = ("各县", "各区", "各市（县、区）")
MEMBER_GROUP_MARKERS = ("成员单位", "各部门", "各有关部门")


def _normalise(text: str) -> str:
    return text.replace("(", "（").replace(")", "）").replace(" ", "")


@dataclass
class Match:
    organisations: list[Organisation] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def add(self, orgs: list[Organisation]) -> None:
        seen = {o.pk for o in self.organisations}
        self.organisations.extend(o for o in orgs if o.pk not in seen)


class TreeIndex:
    """The issuing organisation's direct tree, loaded once for all matching of one notice."""

    def __init__(self, issuing_org: Organisation) -> None:
        self.issuing_org = issuing_org
        subtree = list(
            Organisation.objects.subtree_of(issuing_org)
            .filter(is_active=True)
            .order_by("sort_path", "pk")
        )
        self.children = [o for o in subtree if o.parent_id == issuing_org.pk]
        self.committees = [o for o in self.children if o.kind == Organisation.Kind.COMMITTEE]
        self.members = [o for o in self.children if o.kind != Organisation.Kind.COMMITTEE]
        self.by_parent: dict[int, list[Organisation]] = {}
        for org in subtree:
            if org.parent_id is not None:
                self.by_parent.setdefault(org.parent_id, []).append(org)
        self.by_name = {o.name: o for o in subtree} | {
            o.short_name: o for o in subtree if o.short_name
        }

    def units_of(self, department: str, *, every_level: bool) -> list[Organisation]:
        found = [o for o in self.members if o.department == department]
        if every_level:
            for county in self.committees:
                found += [
                    o for o in self.by_parent.get(county.pk, []) if o.department == department
                ]
        return found


def match_recipients(index: TreeIndex, recipients: list[str]) -> Match:
    result = Match()
    for raw in recipients:
        text = _normalise(raw)
        if text.startswith(COUNTY_GROUP_MARKERS):
            result.add(index.committees)
        elif any(marker in text for marker in MEMBER_GROUP_MARKERS):
            result.add(index.members)
        elif text in index.by_name:
            result.add([index.by_name[text]])
        else:
            result.unmatched.append(raw)
    return result


def match_duty(index: TreeIndex, text: str, departments: list[str]) -> Match:
    result = Match()
    every_level = "各级" in text
    for raw in departments:
        name = _normalise(raw)
        if name.startswith(COUNTY_GROUP_MARKERS):
            result.add(index.committees)
        elif any(marker in name for marker in MEMBER_GROUP_MARKERS):
            result.add(index.members)
        elif name in DEPARTMENT_OF:
            units = index.units_of(DEPARTMENT_OF[name], every_level=every_level)
            if units:
                result.add(units)
            else:
                result.unmatched.append(raw)
        elif name in index.by_name:
            result.add([index.by_name[name]])
        else:
            result.unmatched.append(raw)
    return result
