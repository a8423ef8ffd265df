"""The Excel format for loading organisations: headers, allowed values, the template.

The headers and the labels for 类型/部门 are Chinese whatever the interface language: they are
the file format that offices fill in and pass around, and the importer matches them literally.
"""

from __future__ import annotations

import io
import unicodedata

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from zhucan.orgs.models import Department, Organisation

# Header → field name used by the importer (and by DomainError.field in the services).
HEADERS: dict[str, str] = {
    "单位名称": "name",
    "简称": "short_name",
    "类型": "kind",
    "部门": "department",
    "行政区划代码": "region",
    "上级单位名称": "parent",
    "发文机关代字": "issuer_code",
    "电话": "phone",
    "电子邮箱": "email",
}
HEADER_FOR_FIELD = {field: header for header, field in HEADERS.items()}
# The other columns may be left out of a file; these say what the row is and where it goes.
REQUIRED_HEADERS = ("单位名称", "类型", "行政区划代码", "上级单位名称")

Kind = Organisation.Kind
# value → (label shown in the template, other spellings accepted)
KIND_LABELS: dict[str, tuple[str, tuple[str, ...]]] = {
    Kind.COMMITTEE: ("残疾人工作委员会", ("残工委",)),
    Kind.FEDERATION: ("残疾人联合会", ("残联",)),
    Kind.MEMBER_UNIT: ("成员单位", ()),
    Kind.INSTITUTION: ("服务机构", ("机构",)),
    Kind.GOVERNMENT: ("人民政府", ("政府",)),
    Kind.OTHER: ("其他", ()),
}
DEPARTMENT_LABELS: dict[str, tuple[str, tuple[str, ...]]] = {
    Department.FEDERATION: ("残联", ("残疾人联合会",)),
    Department.CIVIL_AFFAIRS: ("民政", ("民政局",)),
    Department.HUMAN_RESOURCES: ("人社", ("人力资源和社会保障", "人力资源和社会保障局")),
    Department.HEALTH: ("卫健", ("卫健委", "卫生健康", "卫生健康委员会")),
    Department.MEDICAL_INSURANCE: ("医保", ("医疗保障", "医疗保障局")),
    Department.EDUCATION: ("教育", ("教育局",)),
    Department.HOUSING: ("住建", ("住房和城乡建设", "住房和城乡建设局")),
    Department.RURAL_REVITALISATION: (
        "扶贫办（乡村振兴）",
        ("扶贫办", "扶贫开发办公室", "乡村振兴", "乡村振兴局"),
    ),
    Department.UNION: ("工会", ("总工会",)),
    Department.YOUTH_LEAGUE: ("共青团", ("团委",)),
    Department.WOMENS_FEDERATION: ("妇联", ("妇女联合会",)),
    Department.MILITARY: ("驻军部队", ("部队",)),
    Department.PUBLICITY: ("宣传部", ("宣传",)),
    Department.FINANCE: ("财政", ("财政局",)),
    Department.OTHER: ("其他", ()),
}


def normalise_label(text: str) -> str:
    """Full-width and half-width forms, and any spaces, do not matter when matching labels."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def normalise_header(text: str) -> str:
    text = normalise_label(text)
    # People mark required columns; the mark is not part of the name.
    for mark in ("(必填)", "*"):
        text = text.removesuffix(mark)
    return text


def _lookup(labels: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, (label, aliases) in labels.items():
        for spelling in (label, *aliases):
            table[normalise_label(spelling)] = value
    return table


KIND_BY_LABEL = _lookup(KIND_LABELS)
DEPARTMENT_BY_LABEL = _lookup(DEPARTMENT_LABELS)
KIND_LABEL_LIST = "、".join(label for label, _aliases in KIND_LABELS.values())
DEPARTMENT_LABEL_LIST = "、".join(label for label, _aliases in DEPARTMENT_LABELS.values())

_COLUMN_NOTES = [
    ("单位名称", "必填", "单位全称。同一上级单位下不能重名；不能以 = + - @ 开头。"),
    ("简称", "选填", "最多 40 个字。"),
    ("类型", "必填", "从下拉列表选择，可选值见下方“类型可选值”。"),
    ("部门", "成员单位必填", "成员单位所属的部门，可选值见下方“部门可选值”。"),
    (
        "行政区划代码",
        "选填",
        "6 位 GB/T 2260 代码，如 410402（新华区）。必须在上级单位的行政区划之内"
        "（县级单位放在市级单位之下时，须是该市的县区）。不填则与上级单位相同。",
    ),
    (
        "上级单位名称",
        "选填",
        "上级单位的全称：可以是系统中导入位置之下已有的单位，也可以是本文件中的另一行"
        "（行的先后顺序不限）。不填则直接放在导入位置之下。本文件中有同名单位时，指本文件中的那一行。",
    ),
    ("发文机关代字", "选填", "文号中的机关代字，如“平残工委”。"),
    ("电话", "选填", "如 0375-2690909。"),
    ("电子邮箱", "选填", "如 pdscanlian@163.com。"),
]
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
TEMPLATE_ROWS = 5000


def _header_row(ws: Worksheet, values: list[str]) -> int:
    """Append a bold header row and return its row number."""
    ws.append(values)
    # max_row is right here because the row has values (an empty append does not move it).
    row = ws.max_row
    for cell in ws[row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    return row


def build_template() -> bytes:
    """The workbook people download: an empty 单位列表 sheet and a 填写说明 sheet."""
    wb = Workbook()
    data = wb.active
    assert data is not None
    data.title = "单位列表"
    headers = list(HEADERS)
    _header_row(data, headers)
    data.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHI", [36, 16, 18, 18, 14, 36, 14, 16, 24], strict=True):
        data.column_dimensions[letter].width = width
    # Text format, so that Excel keeps codes and phone numbers as typed (no 4.10402E+05).
    for letter in ("E", "H"):
        data.column_dimensions[letter].number_format = "@"

    notes = wb.create_sheet("填写说明")
    _header_row(notes, ["列名", "是否必填", "说明"])
    for row in _COLUMN_NOTES:
        notes.append(list(row))
    notes.append([])
    notes.append(
        ["本表最多 5000 行、文件最大 5 MB。先上传检查，检查无误后再次上传同一文件并确认导入。"]
    )
    notes.append([])
    kind_start = _header_row(notes, ["类型可选值", "也可写作"]) + 1
    for label, aliases in KIND_LABELS.values():
        notes.append([label, "、".join(aliases)])
    kind_end = notes.max_row
    notes.append([])
    department_start = _header_row(notes, ["部门可选值", "也可写作"]) + 1
    for label, aliases in DEPARTMENT_LABELS.values():
        notes.append([label, "、".join(aliases)])
    department_end = notes.max_row
    for letter, width in zip("ABC", [22, 24, 90], strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2, max_col=3):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)

    # Drop-down lists that suggest the labels; other spellings stay allowed (no error box),
    # since the importer accepts the aliases and explains anything it does not know.
    for column, start, end in (
        ("C", kind_start, kind_end),
        ("D", department_start, department_end),
    ):
        validation = DataValidation(
            type="list",
            formula1=f"'填写说明'!$A${start}:$A${end}",
            allow_blank=True,
            showErrorMessage=False,
        )
        validation.add(f"{column}2:{column}{TEMPLATE_ROWS + 1}")
        data.add_data_validation(validation)

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
