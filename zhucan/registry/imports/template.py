"""The import template: the columns the import reads, in Chinese, with a notes sheet.

The headers are the file format that offices fill in and pass around, so they are Chinese
whatever the interface language, and each is one the importer recognises by itself
(``mapping.guess_field``). The notes sheet lists every accepted column with the other headers
that are read as the same field, so that a clerk can keep their own sheet and see which of its
columns will be read. Every cell is written as text (``core.excel``): nothing in the file is a
formula.
"""

from __future__ import annotations

from zhucan.core.excel import XlsxTable, new_workbook, workbook_bytes
from zhucan.registry.imports.mapping import FIELDS, REQUIRED, accepted_columns

# What a clerk needs to know to fill each column in (Chinese: see the module docstring).
NOTES: dict[str, str] = {
    "name": "必填。",
    "id_number": (
        "必填。18位身份证号；请将此列设为“文本”格式，以免Excel改动末尾数字。"
        "15位旧号码会转换为18位。"
    ),
    "certificate": "残疾人证号（身份证号加类别、等级）。填写证号时可不填类别和等级。",
    "category": "未填证号时必填：视力、听力、言语、肢体、智力、精神、多重，或1至7。",
    "grade": "未填证号时必填：一级至四级，或1至4。",
    "phone": "手机或固定电话。加密保存，列表中只显示部分号码。",
    "address": "加密保存，列表中只显示部分地址。",
    "region": "6、9或12位行政区划代码，须在本单位辖区内。",
    "township": "乡镇（街道）名称，须为本单位辖区内的乡镇（街道）。",
    "village": "村（社区）名称。",
    "household_number": "",
    "guardian_name": "",
    "guardian_relation": "如：父女、母子、配偶。",
    "guardian_phone": "加密保存。",
    "poverty": "是、否、已脱贫或监测对象；留空为否。",
    "need_income_fell": "是或否；留空为否。",
    "need_no_guardian": "是或否；留空为否。",
    "need_no_care": "是或否；留空为否。",
    "need_other": "是或否；留空为否。",
    "need_note": "最多200字。",
    "sex": "只与身份证号核对，不保存：不符时该行不导入。",
    "birth_date": "只与身份证号核对，不保存：不符时该行不导入。",
}


def template_headers() -> list[str]:
    """The template's header row: for each field, the first header it is recognised by."""
    return [synonyms[0] for _label, synonyms in accepted_columns()]


def build_template() -> bytes:
    workbook = new_workbook()
    headers = template_headers()
    XlsxTable(workbook, "花名册", headers)
    notes = XlsxTable(workbook, "说明", ["列名", "必填", "说明", "也可用的列名"], [16, 8, 60, 60])
    notes.add_rows(
        [
            header,
            "是" if field.key in REQUIRED else "",
            NOTES.get(field.key, ""),
            "、".join(synonyms[1:]),
        ]
        for header, field, (_label, synonyms) in zip(
            headers, FIELDS, accepted_columns(), strict=True
        )
    )
    notes.add_rows(
        [
            ["", "", "其他列不会读取，导入前的检查结果会列出这些列。", ""],
            ["", "", "第一行为表头；每行一人。表头上方可以有一两行标题。", ""],
        ]
    )
    return workbook_bytes(workbook)
