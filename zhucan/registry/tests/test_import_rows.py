"""The dry run: every bad row listed with its row, column letter, header and reason; the
spellings offices really use accepted."""

from __future__ import annotations

import pytest

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.registry import crypto
from zhucan.registry.idnumbers import check_character
from zhucan.registry.imports import jobs
from zhucan.registry.imports.mapping import clean_mapping, guess_field, initial_mapping
from zhucan.registry.models import Person
from zhucan.registry.models.imports import ImportMapping, RegistryImport
from zhucan.testing.registry_sheets import (
    HEADERS,
    dry_run,
    id_number,
    import_checked,
    person_row,
    workbook_bytes,
)

FULL_WIDTH = {0x30 + i: 0xFF10 + i for i in range(10)}


def problems(job: RegistryImport) -> list[tuple[int, str, str, str]]:
    return [(p["row"], p["column"], p["header"], p["message"]) for p in job.problems]


def test_every_bad_row_is_listed_with_row_column_header_and_reason(world: World) -> None:
    good = id_number(1)
    wrong_check = id_number(2)[:-1] + ("0" if id_number(2)[-1] != "0" else "1")
    future = id_number(3, born="20990101")
    rows = [
        person_row(1),
        person_row(2, id=wrong_check, certificate=""),
        person_row(3, id=future, certificate=""),
        person_row(4, certificate=id_number(5) + "42"),
        person_row(5, id='=HYPERLINK("http://evil","x")', certificate=""),
        person_row(6, category="未知"),
        person_row(7, grade="五级", certificate=""),
        person_row(8, id=good, certificate=""),
        person_row(9, phone="12345"),
    ]
    job = dry_run(world, workbook_bytes(rows))
    assert problems(job) == [
        (
            3,
            "C",
            "身份证号",
            f"The last character of this ID number should be "
            f"{check_character(wrong_check[:17])}: check the number.",
        ),
        (4, "C", "身份证号", "The birth date in this ID number is in the future."),
        (
            5,
            "D",
            "残疾人证号",
            "The certificate number does not start with this person's ID number.",
        ),
        (
            6,
            "C",
            "身份证号",
            "This cell holds a formula (it starts with “=”) instead of the ID "
            "number. Type the number itself; formulas are never calculated here.",
        ),
        (
            7,
            "E",
            "残疾类别",
            "Choose a disability category: 视力, 听力, 言语, 肢体, 智力, 精神 or 多重.",
        ),
        (8, "F", "残疾等级", "Choose a grade from 一级 to 四级."),
        (9, "C", "身份证号", "The same ID number is on row 2: keep one of the two rows."),
        (
            10,
            "G",
            "联系电话",
            "A phone number is 11 digits for a mobile, or an area code and number.",
        ),
    ]
    assert (job.rows_total, job.valid_rows, job.invalid_rows) == (9, 1, 8)
    assert not Person.objects.exists()
    with pytest.raises(DomainError, match="import only the valid rows"):
        jobs.confirm_import(by=world.county_a_officer, job=job, valid_only=False, duplicates="skip")
    assert not Person.objects.exists()


def test_full_width_digits_and_a_lower_case_x_are_accepted(world: World) -> None:
    n = next(n for n in range(1, 999) if id_number(n).endswith("X"))
    number = id_number(n)
    typed = number[:-1].translate(FULL_WIDTH) + "x"
    job = dry_run(world, workbook_bytes([person_row(n, id=typed, certificate=typed + "４２")]))
    assert problems(job) == []
    import_checked(job, by=world.county_a_officer)
    person = Person.objects.get()
    assert crypto.decrypt(person.id_number_ct, field="id_number") == number
    assert person.certificate_suffix == "42"


def test_an_old_15_digit_number_is_converted_and_said_so(world: World) -> None:
    number = id_number(7)  # 410402 19850312 007 + check
    old = number[:6] + number[8:17]
    job = dry_run(world, workbook_bytes([person_row(7, id=old, certificate="")]))
    assert problems(job) == []
    assert job.message == "1 old 15-digit ID numbers will be converted to 18 characters."
    import_checked(job, by=world.county_a_officer)
    person = Person.objects.get()
    assert crypto.decrypt(person.id_number_ct, field="id_number") == number


def test_an_id_number_stored_as_a_number_has_lost_digits_and_is_refused(world: World) -> None:
    number = id_number(1, born="19850312")
    job = dry_run(world, workbook_bytes([person_row(1, id=float(number), certificate="")]))
    assert problems(job)[0][:2] == (2, "C")
    assert "stored as a number" in problems(job)[0][3]


def test_text_that_starts_with_equals_stays_text(world: World) -> None:
    job = dry_run(world, workbook_bytes([person_row(1, name="=1+1", address="=cmd|'/c calc'!A1")]))
    assert problems(job) == []
    import_checked(job, by=world.county_a_officer)
    person = Person.objects.get()
    assert person.name == "=1+1"
    assert crypto.decrypt(person.address_ct, field="address") == "=cmd|'/c calc'!A1"


def test_category_and_grade_as_words_or_digits_or_from_the_certificate(world: World) -> None:
    headers = ["姓名", "身份证号", "残疾人证号", "残疾类别", "残疾等级"]
    rows: list[list[object]] = [
        ["甲", id_number(1), "", "视力残疾", "一级"],
        ["乙", id_number(2), "", 7, 4],
        ["丙", id_number(3), "", "3", "3级"],
        ["丁", id_number(4), id_number(4) + "52", "", ""],
    ]
    job = dry_run(world, workbook_bytes(rows, headers=headers))
    assert problems(job) == []
    import_checked(job, by=world.county_a_officer)
    got = {p.name: (p.category, p.grade) for p in Person.objects.all()}
    assert got == {"甲": ("1", 1), "乙": ("7", 4), "丙": ("3", 3), "丁": ("5", 2)}


def test_needs_poverty_and_places(world: World) -> None:
    headers = [
        "姓名",
        "身份证号",
        "残疾类别",
        "残疾等级",
        "乡镇(街道)",
        "村(社区)",
        "监护人",
        "监护人电话",
        "是否建档立卡",
        "收入下降",
        "缺乏监护",
        "缺乏照料",
        "行政区划代码",
    ]
    rows = [
        [
            "甲",
            id_number(1),
            "肢体",
            "二级",
            "光明路街道",
            "光明社区",
            "李四",
            "13800001111",
            "是",
            "是",
            "否",
            "",
            "410402",
        ],
        ["乙", id_number(2), "肢体", "二级", "", "", "", "", "已脱贫", "√", "也许", "", "410422"],
    ]
    job = dry_run(world, workbook_bytes(rows, headers=headers))
    assert problems(job) == [
        (3, "K", "缺乏监护", "Write 是 or 否 (or leave it empty for 否)."),
        (3, "M", "行政区划代码", f"叶县 is outside the area of {world.county_a.name}."),
    ]
    import_checked(job, by=world.county_a_officer, valid_only=True)
    person = Person.objects.get()
    assert (person.township, person.village, person.guardian_name) == (
        "光明路街道",
        "光明社区",
        "李四",
    )
    assert person.poverty == Person.Poverty.REGISTERED
    assert person.need_income_fell and not person.need_no_guardian and not person.need_no_care
    assert person.region_id == "410402"
    assert person.guardian_phone_masked == "*********11"


def test_headers_are_guessed_and_an_adjusted_mapping_is_saved_for_the_organisation(
    world: World,
) -> None:
    assert [
        guess_field(h) for h in ["姓 名", "公民身份号码*", "残疾证号", "监护人联系电话", "备注"]
    ] == ["name", "id_number", "certificate", "guardian_phone", ""]
    headers = ["姓名", "证件号码", "残疾类别", "残疾等级"]
    data = workbook_bytes([["甲", id_number(1), "肢体", "二级"]], headers=headers)
    job = jobs.upload_import(by=world.county_a_officer, organisation=world.county_a, data=data)
    assert job.mapping == {"0": "name", "2": "category", "3": "grade"}
    with pytest.raises(DomainError, match="ID number"):
        jobs.request_check(by=world.county_a_officer, job=job, mapping=job.mapping)
    mapping = {**job.mapping, "1": "id_number"}
    jobs.request_check(by=world.county_a_officer, job=job, mapping=mapping, remember=True)
    assert ImportMapping.objects.get(organisation=world.county_a).columns["证件号码"] == "id_number"
    # The next sheet of this office maps itself, whatever the order of its columns.
    assert initial_mapping(["证件号码", "姓名"], world.county_a) == {"0": "id_number", "1": "name"}
    assert initial_mapping(["证件号码", "姓名"], world.county_b) == {"1": "name"}


def test_a_mapping_with_a_field_twice_or_without_what_is_needed_is_refused() -> None:
    with pytest.raises(DomainError, match="Two columns"):
        clean_mapping({"0": "name", "1": "name", "2": "id_number"}, ["姓名", "名字", "身份证"])
    with pytest.raises(DomainError, match="Disability category"):
        clean_mapping({"0": "name", "1": "id_number"}, ["姓名", "身份证"])
    assert clean_mapping({"0": "name", "1": "id_number", "2": "certificate", "3": ""}, HEADERS) == {
        "0": "name",
        "1": "id_number",
        "2": "certificate",
    }
