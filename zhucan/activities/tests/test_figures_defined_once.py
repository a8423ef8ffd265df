"""A report's fixed figures are defined once (activities.figures): a new figure is its
definition, its column with a migration and its attribute on the typed input, and everything
else that lists the figures follows."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from zhucan.activities.figures import FIGURES, Figure, Unit, names
from zhucan.activities.models import ActivityReport
from zhucan.activities.services import ReportInput

ROOT = Path(settings.BASE_DIR)

# Run in a fresh interpreter: the definition gets a sixth figure before anything is imported,
# and the script prints what the other modules derived from it.
EXTENDED = """
import json
from django.utils.translation import gettext_lazy
from zhucan.activities import figures

# A people count, so among the people counts, before the amounts.
figures.FIGURES = figures.FIGURES[:3] + (
    figures.Figure(
        "meals", gettext_lazy("Meals served"), figures.Unit.PEOPLE, may_be_unknown=True,
        header="供餐人数", width=11, sheet_heading="供餐", sentence="提供餐食{n}份", by_duty=True,
    ),
) + figures.FIGURES[3:]
import django
django.setup()
from zhucan.activities import excel, excel_export, forms
from zhucan.activities.services import reports
from zhucan.stats import exports, metrics, statistical_report
from zhucan.stats.services.rebuild import figure_sql
from zhucan.summaries.document.content import _people
from zhucan.summaries.selectors import PEOPLE_COUNTS, Overall

meals = figures.FIGURES[3]
print(json.dumps({
    "metrics": [name for name, _label, _money in metrics.FIGURES],
    "unknown": list(metrics.MAY_BE_UNKNOWN),
    "sql": figure_sql(),
    "import_columns": [name for name, *_rest in excel.COLUMNS],
    "import_notes": list(excel._NOTES),
    "export": [excel_export.EXPORT_HEADERS, excel_export.EXPORT_WIDTHS],
    "stats_export": [exports.REPORT_HEADERS, exports.REPORT_WIDTHS, list(exports._FIELDS)],
    "saved": list(reports.REPORT_FIELDS),
    "form": list(forms.ReportForm.base_fields),
    "sheet": [c.heading for c in statistical_report.FIXED_COLUMNS],
    "note": statistical_report.NOTE,
    "summary_counts": list(PEOPLE_COUNTS),
    "summary": _people(Overall(reports=4, totals={"meals": 30}, given={"meals": 3}), meals),
    "unsummed": Overall().meals,
}, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def derived() -> dict[str, Any]:
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "zhucan.test_settings"}
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", EXTENDED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_a_new_figure_is_taken_up_by_everything_that_lists_the_figures(
    derived: dict[str, Any],
) -> None:
    after_volunteers = ["attendance", "disabled_served", "volunteers", "meals", "cash"]
    assert derived["metrics"] == [*after_volunteers, "goods_value"]
    assert derived["unknown"][-1] == "meals"
    # The rebuild sums it, counts the reports that gave it, and writes its metric.
    assert 'SUM("meals") AS "meals", COUNT("meals") AS "meals_n"' in derived["sql"]["figure_sums"]
    assert (
        """SELECT campaign_id, organisation_id, 'meals', "meals", "meals_n" FROM rb_grouped """
        """WHERE "meals_n" > 0"""
    ) in derived["sql"]["figure_metrics"]
    assert derived["import_columns"][7:12] == after_volunteers
    assert "meals" in derived["import_notes"]
    headers, widths = derived["export"]
    assert "供餐人数" in headers and len(widths) == len(headers)
    headers, widths, read = derived["stats_export"]
    assert headers[-4:] == ["志愿者人数", "供餐人数", "慰问金（元）", "物资折款（元）"]
    assert len(widths) == len(headers) and read[-3:] == ["meals", "cash", "goods_value"]
    assert derived["saved"][7:12] == after_volunteers
    form = derived["form"]
    assert form[form.index("attendance") :][:5] == after_volunteers
    # The 统计表: people counts before the visits, amounts after.
    sheet = derived["sheet"]
    assert sheet[sheet.index("志愿者") + 1 : sheet.index("志愿者") + 3] == ["供餐", "困难家庭户数"]
    assert "志愿者、供餐为填报了该项的活动之和" in derived["note"]
    assert derived["summary_counts"][-1] == "meals"
    assert derived["summary"] == "提供餐食30份（据4份报告中填报该数的3份统计）"
    assert derived["unsummed"] == 0


def test_each_figure_has_its_column_and_its_input() -> None:
    """The model's column (with its migration) and the typed input are the two places a
    figure is declared besides its definition: they must agree with it."""
    numbers = {
        f.name: f
        for f in ActivityReport._meta.concrete_fields
        if isinstance(f, models.IntegerField | models.DecimalField)
        and not f.primary_key
        and not f.is_relation
        and f.name != "version"
    }
    assert set(numbers) == set(names())  # a number on the report that is no figure, or none
    inputs = {f.name: f for f in dataclasses.fields(ReportInput)}
    for figure in FIGURES:
        column = numbers[figure.name]
        assert column.null == figure.may_be_unknown, figure.name
        assert isinstance(column, models.DecimalField) == figure.is_yuan, figure.name
        assert inputs[figure.name].default == figure.blank, figure.name


def _named(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.keyword) and node.arg:
            found.add(node.arg)
        elif isinstance(node, ast.Name):
            found.add(node.id)
    return found


# Files that name every figure, and why that is not a second list of them.
DECLARES_EVERY_FIGURE = {
    "zhucan/activities/models.py": "the columns, checked above",
    "zhucan/activities/services/reports.py": "the typed input, checked above",
    "zhucan/activities/demo.py": "a demo report's values",
    "zhucan/activities/demo_reports.py": "the demo reports' values",
}


def test_no_other_file_keeps_a_list_of_the_figures() -> None:
    """A file that names every figure (a string, an attribute, a keyword) keeps its own list,
    which the next figure would miss."""
    every = set(names())
    lists = []
    for path in sorted((ROOT / "zhucan").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if {"tests", "migrations", "testing"} & set(path.parts) or relative.endswith(
            "activities/figures.py"
        ):
            continue
        if every <= _named(ast.parse(path.read_text(encoding="utf-8"))):
            lists.append(relative)
    for path in sorted((ROOT / "templates").rglob("*.html")):
        words = set(re.findall(r"\w+", path.read_text(encoding="utf-8")))
        if every <= words:
            lists.append(path.relative_to(ROOT).as_posix())
    assert sorted(lists) == sorted(DECLARES_EVERY_FIGURE)


def test_a_figure_name_cannot_change_the_rebuild_sql() -> None:
    with pytest.raises(ValueError, match="lowercase identifier"):
        Figure(
            "x'; DROP TABLE stats_cell; --",
            gettext_lazy("x"),
            Unit.PEOPLE,
            may_be_unknown=True,
            header="x",
            width=10,
            sheet_heading="x",
            sentence="{n}",
        )
