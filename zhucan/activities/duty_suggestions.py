"""Which duties of the notice a report most likely served, when its reporter ticked none.

Reporters rarely tick a duty, and a summary whose duty sections all say "暂无" is no use to the
office above. The suggestion comes from what the notice and the report already say: the duty of
the planned activity carried out; the duties the notice gives to the reporting unit's department
(民政 for the civil-affairs bureau) or assigns to the unit; and the duties whose words match the
activity's category (康复 for a rehabilitation activity). The reporter or the reviewer decides;
nothing is ticked behind their back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from zhucan.activities.models import ActivityReport, Category
from zhucan.campaigns.matching import DEPARTMENT_OF
from zhucan.campaigns.models import Duty
from zhucan.orgs.models import Organisation

# Words of a duty's text that go with each category of activity.
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    Category.VISIT: ("慰问", "走访", "看望"),
    Category.PUBLICITY: ("宣传", "报道", "舆论"),
    Category.EMPLOYMENT: ("就业", "招聘", "岗位", "创业"),
    Category.REHABILITATION: ("康复", "辅助器具", "医疗", "健康"),
    Category.EDUCATION: ("教育", "入学", "学生", "学校", "培训"),
    Category.ASSISTANCE: ("帮扶", "扶贫", "救助", "脱贫", "困难"),
    Category.CULTURE_SPORTS: ("文化", "体育", "文艺", "健身"),
}


def suggest_duties(
    *,
    duties: Iterable[Duty],
    organisation: Organisation,
    category: str = "",
    planned_duty_id: int | None = None,
    assigned_duty_ids: Sequence[int] = (),
) -> list[Duty]:
    """The best-matching duties, in the notice's order; empty when nothing points to any.

    A duty scores 4 for being the planned activity's, 2 for being the unit's (by department or
    assignment) and 1 for words that go with the category; the highest score wins."""
    words = CATEGORY_WORDS.get(category, ())
    scored: list[tuple[int, Duty]] = []
    for duty in duties:
        score = 0
        if duty.pk == planned_duty_id:
            score += 4
        departments = {DEPARTMENT_OF.get(name, "") for name in duty.departments}
        if duty.pk in assigned_duty_ids or (
            organisation.department and organisation.department in departments
        ):
            score += 2
        if any(word in duty.text for word in words):
            score += 1
        if score:
            scored.append((score, duty))
    if not scored:
        return []
    best = max(score for score, _duty in scored)
    return sorted((d for score, d in scored if score == best), key=lambda d: d.number)


def suggest_for_report(report: ActivityReport) -> list[Duty]:
    """The suggestion for a saved report (the review page shows it). Two queries."""
    planned = report.planned_activity
    return suggest_duties(
        duties=report.campaign.duties.all(),
        organisation=report.organisation,
        category=report.category,
        planned_duty_id=getattr(planned, "duty_id", None),
        assigned_duty_ids=list(
            report.organisation.duty_assignments.filter(duty__campaign=report.campaign).values_list(
                "duty_id", flat=True
            )
        ),
    )
