"""Which column holds which field: guessed from the header, adjusted and saved per organisation.

Offices keep their own sheets (花名册) with their own headers. The first time, every header is
guessed from the common spellings below; the person corrects what is wrong and may save the
result for the organisation, so that the next sheet with the same headers maps itself. A saved
mapping is keyed by the header's text (normalised: no spaces, full-width brackets, no trailing
asterisk), not by the column's position, so a sheet with its columns in another order still
maps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.xlsx_reader import column_letter
from zhucan.orgs.models import Organisation
from zhucan.registry.models.imports import ImportMapping


@dataclass(frozen=True)
class Field:
    key: str
    label: Promise


# In the order the mapping form lists them.
FIELDS: tuple[Field, ...] = (
    Field("name", gettext_lazy("Name")),
    Field("id_number", gettext_lazy("ID number")),
    Field("certificate", gettext_lazy("Disability certificate number")),
    Field("category", gettext_lazy("Disability category")),
    Field("grade", gettext_lazy("Disability grade")),
    Field("phone", gettext_lazy("Phone")),
    Field("address", gettext_lazy("Address")),
    Field("region", gettext_lazy("Region code")),
    Field("township", gettext_lazy("Township (street)")),
    Field("village", gettext_lazy("Village (community)")),
    Field("household_number", gettext_lazy("Household number")),
    Field("guardian_name", gettext_lazy("Guardian or carer")),
    Field("guardian_relation", gettext_lazy("Guardian's relation")),
    Field("guardian_phone", gettext_lazy("Guardian's phone")),
    Field("poverty", gettext_lazy("Poverty status (建档立卡)")),
    Field("need_income_fell", gettext_lazy("Income fell")),
    Field("need_no_guardian", gettext_lazy("Lacks guardianship")),
    Field("need_no_care", gettext_lazy("Lacks care")),
    Field("need_other", gettext_lazy("Other need")),
    Field("need_note", gettext_lazy("About the need")),
    # Checked against the ID number, never stored: the ID number already says both, and a
    # clear birth date beside the mask would give most of the number back (models.people).
    Field("sex", gettext_lazy("Sex (checked against the ID number, not stored)")),
    Field("birth_date", gettext_lazy("Birth date (checked against the ID number, not stored)")),
)
FIELD_KEYS = frozenset(f.key for f in FIELDS)
# Fields a sheet may carry to be checked against the ID number; never part of a person.
CHECK_ONLY = frozenset({"sex", "birth_date"})
LABELS = {f.key: f.label for f in FIELDS}
REQUIRED = ("name", "id_number")

# Common headers of county registers, normalised (see ``normalise_header``).
_EXACT = {
    "序号": "",
    "编号": "",
    "姓名": "name",
    "残疾人姓名": "name",
    "名字": "name",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "身份证": "id_number",
    "公民身份号码": "id_number",
    "居民身份证号": "id_number",
    "居民身份证号码": "id_number",
    "残疾人证号": "certificate",
    "残疾人证号码": "certificate",
    "残疾证号": "certificate",
    "残疾证号码": "certificate",
    "证号": "certificate",
    "残疾类别": "category",
    "残疾类型": "category",
    "残疾种类": "category",
    "类别": "category",
    "残疾等级": "grade",
    "残疾级别": "grade",
    "等级": "grade",
    "联系电话": "phone",
    "电话": "phone",
    "电话号码": "phone",
    "手机": "phone",
    "手机号": "phone",
    "手机号码": "phone",
    "联系方式": "phone",
    "家庭住址": "address",
    "住址": "address",
    "地址": "address",
    "现住址": "address",
    "居住地址": "address",
    "家庭地址": "address",
    "行政区划代码": "region",
    "区划代码": "region",
    "乡镇（街道）": "township",
    "乡镇/街道": "township",
    "乡镇街道": "township",
    "乡镇": "township",
    "街道": "township",
    "村（社区）": "village",
    "村/社区": "village",
    "村社区": "village",
    "村": "village",
    "社区": "village",
    "户号": "household_number",
    "户编号": "household_number",
    "监护人": "guardian_name",
    "监护人姓名": "guardian_name",
    "照料人": "guardian_name",
    "监护人（照料人）": "guardian_name",
    "与监护人关系": "guardian_relation",
    "监护人关系": "guardian_relation",
    "与残疾人关系": "guardian_relation",
    "监护人电话": "guardian_phone",
    "监护人联系电话": "guardian_phone",
    "监护人手机": "guardian_phone",
    "是否建档立卡": "poverty",
    "建档立卡": "poverty",
    "是否建档立卡贫困户": "poverty",
    "贫困状态": "poverty",
    "收入下降": "need_income_fell",
    "是否收入下降": "need_income_fell",
    "因疫情收入下降": "need_income_fell",
    "缺乏监护": "need_no_guardian",
    "是否缺乏监护": "need_no_guardian",
    "缺乏照料": "need_no_care",
    "是否缺乏照料": "need_no_care",
    "其他困难": "need_other",
    "其他需求": "need_other",
    "困难情况": "need_note",
    "困难情况说明": "need_note",
    "需求说明": "need_note",
    "性别": "sex",
    "出生日期": "birth_date",
    "出生年月": "birth_date",
    "出生年月日": "birth_date",
    "生日": "birth_date",
}
# Then by what a header contains, the more specific first.
_CONTAINS = (
    ("监护人电话", "guardian_phone"),
    ("监护人手机", "guardian_phone"),
    ("监护人", "guardian_name"),
    ("身份证", "id_number"),
    ("身份号码", "id_number"),
    ("残疾人证", "certificate"),
    ("残疾证", "certificate"),
    ("类别", "category"),
    ("等级", "grade"),
    ("电话", "phone"),
    ("手机", "phone"),
    ("住址", "address"),
    ("乡镇", "township"),
    ("街道", "township"),
    ("社区", "village"),
    ("建档立卡", "poverty"),
    ("收入", "need_income_fell"),
    ("监护", "need_no_guardian"),
    ("照料", "need_no_care"),
    ("性别", "sex"),
    ("出生日期", "birth_date"),
    ("出生年月", "birth_date"),
)


def normalise_header(text: str) -> str:
    text = re.sub(r"\s+", "", str(text)).replace("(", "（").replace(")", "）")
    return text.rstrip("*＊:：").lower()


def guess_field(header: str) -> str:
    """The field a header most likely names, or "" (not imported)."""
    key = normalise_header(header)
    if not key:
        return ""
    if key in _EXACT:
        return _EXACT[key]
    for part, name in _CONTAINS:
        if part in key:
            return name
    return ""


def initial_mapping(headers: list[str], organisation: Organisation) -> dict[str, str]:
    """{column index: field}: the organisation's saved mapping first, then the guesses. A field
    goes to the first column that claims it."""
    saved = (
        ImportMapping.objects.filter(organisation=organisation)
        .values_list("columns", flat=True)
        .first()
        or {}
    )
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = normalise_header(header)
        name = saved[key] if key in saved else guess_field(header)
        if name in FIELD_KEYS and name not in taken:
            mapping[str(index)] = name
            taken.add(name)
    return mapping


def ignored_columns(
    headers: list[str], mapping: dict[str, str], first_column: int = 0
) -> list[str]:
    """The columns of the sheet that are not imported, as "D（籍贯）": what the dry run lists so
    that nobody believes a column was read when it was not."""
    return [
        f"{column_letter(index + first_column)}（{header}）"
        for index, header in enumerate(headers)
        if header and not mapping.get(str(index))
    ]


def accepted_columns() -> list[tuple[str, list[str]]]:
    """(field label, the headers it is recognised by): the list the import page and the
    template's notes show."""
    by_field: dict[str, list[str]] = {f.key: [] for f in FIELDS}
    for header, name in _EXACT.items():
        if name:
            by_field[name].append(header)
    return [(str(f.label), by_field[f.key]) for f in FIELDS]


def clean_mapping(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """Check a mapping the person chose: known fields, each at most once, the required ones
    there. Returns it without the columns that are not imported."""
    cleaned = {
        str(index): name
        for index, name in mapping.items()
        if name and str(index).isdigit() and int(index) < len(headers)
    }
    unknown = set(cleaned.values()) - FIELD_KEYS
    if unknown:
        raise DomainError(_("Choose a field from the list for every column."))
    seen: dict[str, str] = {}
    for index, name in sorted(cleaned.items(), key=lambda item: int(item[0])):
        if name in seen:
            raise DomainError(
                _("Two columns are set to “%(field)s” (%(first)s and %(second)s): keep one.")
                % {
                    "field": LABELS[name],
                    "first": headers[int(seen[name])] or seen[name],
                    "second": headers[int(index)] or index,
                }
            )
        seen[name] = index
    fields = set(cleaned.values())
    missing = [LABELS[name] for name in REQUIRED if name not in fields]
    if "certificate" not in fields:
        missing += [LABELS[name] for name in ("category", "grade") if name not in fields]
    if missing:
        raise DomainError(
            _("Choose the column that holds: %(fields)s.")
            % {"fields": "、".join(str(label) for label in missing)}
        )
    return cleaned


@transaction.atomic
def save_mapping(
    *, by: Actor | None, organisation: Organisation, headers: list[str], mapping: dict[str, str]
) -> ImportMapping:
    """Remember how this organisation's sheets name their columns (merged into what was saved:
    headers of other sheets stay)."""
    saved, _created = ImportMapping.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    columns = dict(saved.columns)
    for index, header in enumerate(headers):
        key = normalise_header(header)
        if key:
            columns[key] = mapping.get(str(index), "")
    saved.columns = columns
    saved.updated_by = by if getattr(by, "is_authenticated", False) else None
    saved.save(update_fields=["columns", "updated_by", "updated_at"])
    audit.record(
        by=by,
        action="registry.import_mapping.saved",
        target=saved,
        changes={"columns": len(columns)},
    )
    return saved
