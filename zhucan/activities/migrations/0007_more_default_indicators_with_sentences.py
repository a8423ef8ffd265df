"""Counts every county reports that the first default set lacked (items handed out, townships
and villages covered, organisations involved), and for every default indicator the measure
word and the sentence the summary writes it in ("发放慰问品150件", not "发放慰问品件数150").

The codes of 0002 stay as they are: reports, imports and the demo refer to them.
"""

from django.db import migrations

# code -> (measure word, sentence); "{n}" is the value.
WORDING = {
    "households_visited": ("户", "走访慰问困难家庭{n}户"),
    "job_fairs": ("场", "举办线上招聘会{n}场"),
    "enterprises": ("家", "组织参会企业{n}家"),
    "positions": ("个", "提供就业岗位{n}个"),
    "job_seekers": ("人", "服务求职残疾人{n}人"),
    "placed": ("人", "达成就业意向{n}人"),
    "trained": ("人次", "培训{n}人次"),
    "rehabilitation_served": ("人", "提供康复服务{n}人"),
    "assistive_devices": ("件", "发放辅助器具{n}件"),
    "students_helped": ("人", "资助残疾学生{n}人"),
    "children_enrolled": ("名", "“一人一案”安置入学残疾儿童{n}名"),
    "leaflets": ("份", "发放宣传资料{n}份"),
    "consultations": ("人次", "接受政策咨询{n}人次"),
    "media_reports": ("篇", "刊发媒体报道{n}篇"),
}

# code, name, categories ([] = every category), measure word, sentence; all whole numbers.
ADDED = [
    ("gifts", "发放慰问品件数", ["visit", "assistance"], "件", "发放慰问品{n}件"),
    ("publicity_items", "发放宣传品件数", ["publicity"], "件", "发放宣传品{n}件"),
    ("townships_covered", "覆盖乡镇（街道）数", [], "个", "覆盖乡镇（街道）{n}个"),
    ("villages_covered", "覆盖村（社区）数", [], "个", "覆盖村（社区）{n}个"),
    ("organisations_involved", "参与单位数", [], "家", "动员{n}家单位参与"),
]
# After the fourteen of 0002, before any a campaign adds (those start at 101).
FIRST_POSITION = 15


def forwards(apps, schema_editor):
    Indicator = apps.get_model("activities", "Indicator")
    for code, (measure, phrase) in WORDING.items():
        Indicator.objects.filter(campaign=None, code=code).update(measure=measure, phrase=phrase)
    for position, (code, name, categories, measure, phrase) in enumerate(
        ADDED, start=FIRST_POSITION
    ):
        Indicator.objects.update_or_create(
            campaign=None,
            code=code,
            defaults={
                "name": name,
                "unit": "count",
                "categories": categories,
                "measure": measure,
                "phrase": phrase,
                "position": position,
            },
        )


def backwards(apps, schema_editor):
    Indicator = apps.get_model("activities", "Indicator")
    # Only those no report used: a value keeps its indicator (PROTECT).
    Indicator.objects.filter(
        campaign=None, code__in=[a[0] for a in ADDED], values__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0006_indicator_measure_word_and_phrase")]
    operations = [migrations.RunPython(forwards, backwards)]
