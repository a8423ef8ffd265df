"""The demo's activity plans: one in every state, written, submitted, returned and approved
through the plan services by each recipient's own account and the city's reviewer.

新华区 keeps a draft (its story is the plan it finishes), 石龙区 and some city units have none
yet (the completeness page and the reminders show them as missing).
"""

from __future__ import annotations

from datetime import date

from zhucan.accounts.demo import acting_user
from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.core.actors import Actor
from zhucan.plans import services as plans
from zhucan.plans.models import Plan

# Recipient name -> the state its plan is left in ("" for no plan at all).
STATES = {
    "新华区人民政府残疾人工作委员会": "draft",
    "卫东区人民政府残疾人工作委员会": "approved",
    "石龙区人民政府残疾人工作委员会": "",
    "湛河区人民政府残疾人工作委员会": "submitted",
    "宝丰县人民政府残疾人工作委员会": "approved",
    "叶县人民政府残疾人工作委员会": "approved",
    "鲁山县人民政府残疾人工作委员会": "returned",
    "郏县人民政府残疾人工作委员会": "submitted",
    "舞钢市人民政府残疾人工作委员会": "approved",
    "汝州市人民政府残疾人工作委员会": "resubmitted",
    "平顶山市民政局": "approved",
    "平顶山市人力资源和社会保障局": "approved",
    "平顶山市卫生健康委员会": "submitted",
    "平顶山市教育局": "draft",
    "平顶山市残疾人联合会": "approved",
}


def _activities(place: str, person: str) -> list[plans.ActivityInput]:
    return [
        plans.ActivityInput(
            title="走访慰问困难残疾人家庭和福利机构",
            start_date=date(2020, 5, 14),
            end_date=date(2020, 5, 17),
            category="visit",
            mode="in_person",
            expected_attendance=30,
            place=place,
            safety_measures="分组入户，每组不超过5人，佩戴口罩，测温。",
            person_responsible=person,
            phone="0375-2690909",
        ),
        plans.ActivityInput(
            title="“全国助残日”线上宣传和残疾人专场网络招聘会",
            start_date=date(2020, 5, 11),
            end_date=date(2020, 5, 22),
            category="publicity",
            mode="online",
            expected_attendance=0,
            person_responsible=person,
            phone="0375-2690909",
            # Shown on the public site once the plan is approved (what's on).
            is_public=True,
            online_link="https://www.pds.gov.cn/demo/zhucanri/",
        ),
        plans.ActivityInput(
            title="助残日义诊和辅具适配咨询",
            start_date=date(2020, 5, 17),
            end_date=date(2020, 5, 17),
            category="rehabilitation",
            mode="in_person",
            expected_attendance=40,
            place=f"{place}残疾人康复中心一楼大厅",
            safety_measures="预约分时段就诊，每时段不超过10人，佩戴口罩，测温。",
            person_responsible=person,
            phone="0375-2690909",
            is_public=True,
            venue_access="step_free",
            by_appointment=True,
        ),
    ]


def _edit(plan: Plan, by: Actor, place: str) -> Plan:
    return plans.update_plan(
        by=by,
        plan=plan,
        version=plan.version,
        aims="以“全面建成小康社会，残疾人一个也不能少”为主题，营造扶残助残的良好氛围。",
        leadership="成立由分管领导任组长的助残日活动领导小组，各成员单位明确一名联络员。",
        publicity="利用微信公众号、电视台、宣传展板开展宣传，发布活动信息。",
        safeguards="落实疫情防控措施，线上线下相结合，控制线下活动规模。",
        activities=_activities(place, by.get_full_name() or by.get_username()),
    )


def load(campaign: Campaign) -> None:
    if Plan.objects.filter(campaign=campaign).exists():
        return
    reviewer = User.objects.get(username="city_reviewer")
    officer = User.objects.get(username="city_officer")
    receipts = (
        Receipt.objects.filter(campaign=campaign, organisation__name__in=STATES)
        .select_related("organisation")
        .order_by("organisation__region_id", "organisation__name")
    )
    for receipt in receipts:
        state = STATES[receipt.organisation.name]
        if state:
            write_plan(
                campaign,
                receipt,
                state,
                author=acting_user(receipt.organisation, officer),
                reviewer=reviewer,
            )


def write_plan(
    campaign: Campaign, receipt: Receipt, state: str, *, author: User, reviewer: User
) -> Plan:
    """Take one organisation's plan through the steps to ``state``."""
    org = receipt.organisation
    place = org.short_name or org.name
    plan = plans.create_plan(by=author, campaign=campaign, organisation=org)
    plan = _edit(plan, author, place)
    if state == "draft":
        return plan
    plan = plans.submit_plan(by=author, plan=plan, version=plan.version)
    if state == "submitted":
        return plan
    if state in ("returned", "resubmitted"):
        plan = plans.return_plan(
            by=reviewer,
            plan=plan,
            version=plan.version,
            comments=[plans.CommentInput(text="请补充志愿者安排和疫情防控应急预案。")],
        )
        if state == "returned":
            return plan
        plan = _edit(plan, author, place)
        return plans.submit_plan(by=author, plan=plan, version=plan.version)
    return plans.approve_plan(by=reviewer, plan=plan, version=plan.version)
