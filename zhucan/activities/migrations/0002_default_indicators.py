"""The default indicators, covering the duties of the 2020 notice. Campaigns may add their own."""

from django.db import migrations

DEFAULTS = [
    # code, name, unit, categories ([] = every category)
    ("households_visited", "走访慰问困难家庭户数", "count", ["visit", "assistance"]),
    ("job_fairs", "举办线上招聘会场次", "count", ["employment"]),
    ("enterprises", "参会企业数", "count", ["employment"]),
    ("positions", "提供岗位数", "count", ["employment"]),
    ("job_seekers", "求职残疾人数", "count", ["employment"]),
    ("placed", "达成就业意向（实现就业）人数", "count", ["employment"]),
    ("trained", "培训人数", "count", ["employment", "education"]),
    ("rehabilitation_served", "提供康复服务人数", "count", ["rehabilitation"]),
    ("assistive_devices", "发放辅助器具件数", "count", ["rehabilitation", "assistance"]),
    ("students_helped", "资助残疾学生人数", "count", ["education"]),
    ("children_enrolled", "一人一案安置入学儿童数", "count", ["education"]),
    ("leaflets", "发放宣传资料份数", "count", ["publicity"]),
    ("consultations", "接受咨询人次", "count", []),
    ("media_reports", "媒体报道篇数", "count", ["publicity"]),
]


def create(apps, schema_editor):
    Indicator = apps.get_model("activities", "Indicator")
    for position, (code, name, unit, categories) in enumerate(DEFAULTS, start=1):
        Indicator.objects.update_or_create(
            campaign=None,
            code=code,
            defaults={"name": name, "unit": unit, "categories": categories, "position": position},
        )


def remove(apps, schema_editor):
    apps.get_model("activities", "Indicator").objects.filter(
        campaign=None, code__in=[d[0] for d in DEFAULTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_activity_reports")]
    operations = [migrations.RunPython(create, remove)]
