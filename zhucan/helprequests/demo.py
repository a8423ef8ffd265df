"""The demo's help requests: a dozen, in the city's counties, in every state, filed and handled
through the services as real ones are. Loaded once (a second run adds nothing)."""

from __future__ import annotations

import uuid

from zhucan.accounts.models import User
from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.services import (
    RequestInput,
    acknowledge_request,
    answer_request,
    assign_request,
    mark_spam,
    reopen_request,
    submit_request,
)
from zhucan.orgs.models import Organisation, Region

Kind = HelpRequest.Kind
# county code, kind, phone, what they wrote, where they typed, the state it reaches
REQUESTS = [
    (
        "410402",
        Kind.INCOME_FELL,
        "13803750101",
        "我爱人下岗了，家里收入减少，孩子上学有困难。",
        "",
        "received",
    ),
    (
        "410402",
        Kind.MEDICAL,
        "13803750102",
        "父亲中风后需要康复训练，想了解怎么申请。",
        "光明路街道",
        "acknowledged",
    ),
    (
        "410402",
        Kind.ACCESSIBILITY,
        "13803750103",
        "小区门口台阶太高，轮椅出不去。",
        "中兴路街道",
        "assigned",
    ),
    ("410402", Kind.EMPLOYMENT, "13803750104", "我是听力残疾人，想找一份工作。", "", "answered"),
    (
        "410402",
        Kind.NO_GUARDIAN,
        "13803750105",
        "邻居老人一个人住，智力残疾，没人照顾。",
        "西市场街道",
        "reopened",
    ),
    (
        "410422",
        Kind.EDUCATION,
        "13803750106",
        "孩子是肢体残疾，想上附近的小学。",
        "昆阳街道",
        "received",
    ),
    ("410422", Kind.INCOME_FELL, "13803750107", "疫情期间小卖部关门，没有收入。", "", "assigned"),
    ("410422", Kind.MEDICAL, "13803750108", "需要一副助听器，买不起。", "", "answered"),
    ("410403", Kind.OTHER, "13803750109", "想问问残疾人证怎么办理。", "", "acknowledged"),
    ("410421", Kind.EMPLOYMENT, "13803750110", "盲人按摩店开业，想申请扶持。", "", "answered"),
    ("410482", Kind.ACCESSIBILITY, "13803750111", "家里卫生间需要改造扶手。", "", "received"),
    (
        "410482",
        Kind.OTHER,
        "13803750112",
        "免费领取礼品，点击链接 http://example.invalid",
        "",
        "spam",
    ),
]
OUTCOMES = {
    Kind.EMPLOYMENT: "区残联就业服务中心已与您联系，下周三的专场招聘会有适合的岗位，请按时参加。",
    Kind.MEDICAL: "已为您申请辅助器具适配，工作人员会上门测听并免费配发助听器。",
    Kind.NO_GUARDIAN: "已由街道安排志愿者每周上门两次，并协助办理托养服务。",
}
NAMESPACE = uuid.UUID("6a0e2c1e-2f5e-4d7a-9a53-7b1c0d4e8f10")


def _officer(county: Organisation) -> User:
    membership = county.memberships.filter(role="coordinator").select_related("user").first()
    if membership is None:
        return User.objects.get(username="city_officer")
    return membership.user


def load() -> None:
    if HelpRequest.objects.exists():
        return
    city = Organisation.objects.get(region_id="410400", parent=None)
    for i, (code, kind, phone, text, place, state) in enumerate(REQUESTS):
        made = submit_request(
            by=None,
            site=city,
            data=RequestInput(
                kind=kind,
                phone=phone,
                description=text,
                region=Region.objects.get(code=code),
                place=place,
                preferred_time="工作日上午" if i % 2 else "",
                contact=HelpRequest.Contact.TEXT_ONLY if i == 3 else HelpRequest.Contact.PHONE,
            ),
            token=uuid.uuid5(NAMESPACE, str(i)),
            address=None,
        )
        _bring(made, state, phone)


def _bring(made: HelpRequest, state: str, phone: str) -> None:
    county = made.organisation
    officer = _officer(county)
    if state == "spam":
        mark_spam(by=officer, request=made, reason="广告链接，不是求助", version=made.version)
        return
    if state == "received":
        return
    made = acknowledge_request(by=officer, request=made, version=made.version)
    if state == "acknowledged":
        return
    department = county.children.filter(is_active=True).order_by("sort_path").first()
    if department is not None:
        made = assign_request(by=officer, request=made, to=department, version=made.version)
    if state == "assigned":
        return
    outcome = OUTCOMES.get(
        HelpRequest.Kind(made.kind), "已联系您并登记了需求，工作人员会跟进办理。"
    )
    made = answer_request(by=officer, request=made, outcome=outcome, version=made.version)
    if state == "reopened":
        reopen_request(by=None, number=made.number, phone=phone)
