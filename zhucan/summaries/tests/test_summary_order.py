"""The summary's completeness lines follow the one order of organisations: the counties by
GB/T 2260 code, then the city's departments in the notice's order (not by creation)."""

from __future__ import annotations

from zhucan.accounts import demo
from zhucan.accounts.models import User
from zhucan.summaries.selectors import _completeness
from zhucan.testing.factories import make_campaign, make_org

COUNTIES = [f"{name}人民政府残疾人工作委员会" for _code, name in demo.COUNTIES]
DEPARTMENTS = ["平顶山市残疾人联合会", *(n for n, _d in demo.CITY_MEMBER_UNITS)]


def test_completeness_lines_counties_by_code_then_departments(db: None) -> None:
    orgs = demo.load()
    # Added after the others: by creation it would come last, by department it joins 民政.
    make_org(
        name="平顶山市社会救助服务中心",
        parent=orgs["city"],
        kind="member_unit",
        department="civil_affairs",
    )
    officer = User.objects.get(username="city_officer")
    campaign = make_campaign(issuing_org=orgs["city"], by=officer)
    lines, _total = _completeness(officer, campaign, orgs["city"])
    full = {o.pk: o.name for o in orgs["city"].children.all()}
    names = [full[line.organisation_id] for line in lines if not line.is_node]
    assert names[:10] == COUNTIES
    civil = names.index("平顶山市民政局")
    assert names[civil + 1] == "平顶山市社会救助服务中心"
    rest = [n for n in names if n != "平顶山市社会救助服务中心"]
    assert rest == [n for n in COUNTIES + DEPARTMENTS if n in rest]
