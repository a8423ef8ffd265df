"""The notice parser on the real seed notice, on four notices written to differ from it in every
way the parser must cope with, and on the small rules (dates, 文号, contacts, deadlines ...)."""

from __future__ import annotations

import codecs
import json
from datetime import date
from pathlib import Path

import docx
import pytest

from zhucan.campaigns.notice_parser import (
    MAIN_FIELDS,
    NoticeFileError,
    is_notice,
    parse_notice_text,
    read_notice_file,
)
from zhucan.campaigns.notice_parser.blocks import join_broken_lines
from zhucan.campaigns.notice_parser.dates import cn_to_int, find_dates, parse_date_line
from zhucan.campaigns.notice_parser.departments import find_departments
from zhucan.campaigns.notice_parser.normalise import Line
from zhucan.campaigns.notice_types import Contact, Deadline, ParsedNotice

NOTICES = Path(__file__).parent / "notices"
SEED = NOTICES / "pingdingshan_2020.txt"
SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")


def parse_file(name: str) -> ParsedNotice:
    return parse_notice_text(read_notice_file(NOTICES / name))


def statuses(notice: ParsedNotice) -> dict[str, str]:
    return {report.field: report.status for report in notice.reports}


def docx_from_text(text: str, path: Path) -> Path:
    """A .docx with one paragraph per line of ``text``, as Word would save a pasted notice."""
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def seed() -> ParsedNotice:
    return parse_file("pingdingshan_2020.txt")


# -- the seed notice -------------------------------------------------------------------------


def test_seed_front_matter(seed: ParsedNotice) -> None:
    assert seed.header == "平顶山市人民政府残疾人工作委员会文件"
    assert seed.issuer == "平顶山市人民政府残疾人工作委员会"
    assert seed.doc_number == "平残工委〔2020〕2号"
    assert (seed.issuer_code, seed.doc_year, seed.doc_serial) == ("平残工委", 2020, 2)
    assert seed.title == "平顶山市人民政府残疾人工作委员会关于开展第三十次全国助残日活动的通知"
    assert seed.recipients == ["各县（市、区）人民政府残疾人工作委员会", "市政府残工委各成员单位"]


def test_seed_campaign_and_theme(seed: ParsedNotice) -> None:
    assert seed.campaign_name == "全国助残日"
    assert seed.campaign_edition == 30
    assert seed.campaign_date == date(2020, 5, 17)
    assert seed.theme == "助残脱贫 决胜小康"


def test_seed_duties(seed: ParsedNotice) -> None:
    assert [duty.number for duty in seed.duties] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [duty.departments for duty in seed.duties] == [
        ["各县（市、区）政府", "残工委成员单位"],
        ["民政", "残联", "住房城乡建设", "扶贫办"],
        ["人力资源社会保障", "残联"],
        ["卫生健康", "医保", "残联"],
        ["教育"],
        ["工会", "共青团", "妇联", "驻军部队"],
        ["各县（市、区）有关单位"],
        ["各县（市、区）", "各部门"],
    ]
    # Item 1 is cut by a page break after "先进经验和"; the others are one source line each.
    first = SEED_LINES[26].removeprefix("1. ") + SEED_LINES[28]
    assert "先进经验和典型人物的宣传活动" in first
    expected = [first] + [SEED_LINES[index][3:] for index in range(30, 43, 2)]
    assert [duty.text for duty in seed.duties] == expected
    assert seed.duties[6].text.startswith("各县(市、区)有关单位要")  # text is kept as written


def test_seed_slogans_publicity_contacts(seed: ParsedNotice) -> None:
    assert seed.slogans == [
        "决战脱贫攻坚 决胜全面小康",
        "全面建成小康社会 残疾人一个也不能少",
        "坚决克服疫情影响 坚决打赢贫困残疾人脱贫攻坚战",
        "倾情帮助残疾人 脱贫解困奔小康",
        "加强残疾预防 健康助力小康",
        "扶残助残是中华民族的传统美德",
        "倡导扶残助残良好风尚 营造文明进步社会环境",
    ]
    assert seed.publicity == SEED_LINES[56]
    assert seed.contacts == [Contact("高秋法", "2690909", "pdscanlian@163.com")]


def test_seed_has_no_deadline_signature_or_copies(seed: ParsedNotice) -> None:
    assert seed.deadlines == []
    assert seed.issue_date is None
    assert seed.signature is None
    assert seed.copied_to == []
    assert seed.printer is None and seed.print_date is None


def test_seed_body_blocks(seed: ParsedNotice) -> None:
    outline = [(block.level, block.number) for block in seed.body]
    assert outline[:7] == [
        (0, None),
        (1, "一、"),
        (0, None),
        (1, "二、"),
        (2, "(一)"),
        (0, None),
        (2, "(二)"),
    ]
    assert outline[7:15] == [(3, f"{n}.") for n in range(1, 9)]
    assert outline[15:] == [
        (1, "三、"),
        *[(3, f"{n}.") for n in range(1, 8)],
        (1, "四、"),
        (0, None),
    ]
    assert seed.body[1].text == "活动主题"
    assert seed.body[4].text == "制定活动方案"
    # The first paragraph is cut after "采" by a page break.
    assert seed.body[0].text == SEED_LINES[10] + SEED_LINES[12]
    assert "前提下，采取切实可行的措施" in seed.body[0].text


def test_seed_reports(seed: ParsedNotice) -> None:
    assert [report.field for report in seed.reports] == list(MAIN_FIELDS)
    assert statuses(seed) == {
        **{name: "recognised" for name in MAIN_FIELDS},
        "deadlines": "missing",
        "issue_date": "missing",
    }
    reports = {report.field: report for report in seed.reports}
    assert reports["doc_number"].source == "平残工委〔2020〕2号"
    assert reports["issue_date"].message == "未找到成文日期（落款下的日期）"
    assert reports["deadlines"].message == "未找到报送时限"
    assert json.loads(json.dumps(seed.to_json_dict()))["reports"][0]["status"] == "recognised"


def test_seed_from_docx_gives_the_same_result(seed: ParsedNotice, tmp_path: Path) -> None:
    path = docx_from_text(SEED.read_text(encoding="utf-8"), tmp_path / "seed.docx")
    assert parse_notice_text(read_notice_file(path)).to_json_dict() == seed.to_json_dict()


def test_docx_table_cells_are_read(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("正文段落")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "联系人", "电话"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "高秋法 2690909"
    document.add_paragraph("表后段落")
    document.save(str(tmp_path / "table.docx"))
    text = read_notice_file(tmp_path / "table.docx")
    assert text.split("\n") == ["正文段落", "联系人", "电话", "高秋法 2690909", "表后段落"]


# -- four more notices --------------------------------------------------------------------------


def test_county_notice_yexian_2021() -> None:
    notice = parse_file("yexian_2021.txt")
    assert notice.issuer == "叶县人民政府残疾人工作委员会"
    assert notice.doc_number == "叶残工委〔2021〕3号"  # written 叶残工委[２０２１]３号
    assert (notice.doc_year, notice.doc_serial) == (2021, 3)
    assert notice.title == "叶县人民政府残疾人工作委员会关于开展第三十一次全国助残日活动的通知"
    assert notice.recipients == [
        "各乡（镇）人民政府（街道办事处）",
        "县残工委各成员单位",
        "县直各有关单位",
    ]
    assert (notice.campaign_name, notice.campaign_edition) == ("全国助残日", 31)
    assert notice.campaign_date == date(2021, 5, 16)
    assert notice.theme == "巩固残疾人脱贫成果，提高残疾人生活质量"
    assert [(d.number, d.departments) for d in notice.duties] == [
        (1, ["民政", "扶贫办"]),
        (2, ["人力资源社会保障", "残联"]),
        (3, ["卫生健康", "医保"]),
        (4, ["教育"]),
        (5, ["共青团", "妇联", "工会"]),
        (6, ["各乡（镇）政府"]),
    ]
    assert notice.duties[0].text.endswith(
        "护理补贴发放工作，将符合条件的困难残疾人家庭及时纳入最低生活保障范围，防止因残返贫致贫。"
    )
    assert notice.duties[3].text.endswith("接受公平而有质量的教育。")
    assert notice.slogans == [
        "巩固残疾人脱贫成果，提高残疾人生活质量",
        "扶残助残 从我做起",
        "共建共享 美好生活",
    ]
    assert notice.contacts == [
        Contact("赵丽", "0375-7520123", None),
        Contact("王强", "13937512345", "yxcl2021@163.com"),
    ]
    assert notice.deadlines == [
        Deadline("活动方案", date(2021, 5, 10)),
        Deadline("活动总结", date(2021, 5, 25)),
    ]
    assert notice.signature == "叶县人民政府残疾人工作委员会"
    assert notice.issue_date == date(2021, 4, 26)  # 二〇二一年四月二十六日
    assert notice.copied_to == ["县委办公室", "县人大常委会办公室", "县政府办公室", "县政协办公室"]
    assert (notice.printer, notice.print_date) == ("叶县残疾人联合会办公室", date(2021, 4, 26))
    assert notice.body[0].text.startswith("2021年5月16日是第三十一次全国助残日。")
    assert "良好氛围，经县政府同意" in notice.body[0].text
    assert notice.body[-1].text.endswith("邮箱：yxcl2021@163．com。")  # punctuation kept
    assert set(statuses(notice).values()) == {"recognised"}


def test_province_notice_henan_aier_2022() -> None:
    notice = parse_file("henan_aier_2022.txt")
    assert notice.header == "河南省残疾人联合会文件"
    assert notice.issuer == "河南省残疾人联合会"
    assert notice.doc_number == "豫残联〔2022〕8号"  # written 豫残联（2022）8号
    assert notice.title == "河南省残疾人联合会关于开展第二十三次全国爱耳日宣传教育活动的通知"
    assert notice.recipients == ["各省辖市残联", "济源示范区社会事业局", "省直管县（市）残联"]
    assert (notice.campaign_name, notice.campaign_edition) == ("全国爱耳日", 23)
    assert notice.campaign_date == date(2022, 3, 3)
    assert notice.theme == "关注听力健康，聆听精彩未来"  # from "今年的主题是“…”"
    assert [(d.number, d.departments) for d in notice.duties] == [
        (1, ["残联"]),
        (2, ["卫生健康"]),
        (3, ["教育"]),
        (4, ["听力语言康复中心"]),
    ]
    assert notice.duties[2].text.endswith("减少噪声性听力损失。")
    assert notice.slogans == [
        "关注听力健康，聆听精彩未来",
        "科学爱耳护耳 实现主动健康",
        "听力损失早发现 早干预 早康复",
    ]
    assert notice.contacts == [
        Contact("李娜", "0371-65908765", "hnclkfb@126.com"),
        Contact("张伟", "13903710000", "hnclzw@163.com"),
    ]
    assert notice.deadlines == [
        Deadline("典型活动", date(2022, 3, 15)),
        Deadline("活动开展情况", date(2022, 3, 20)),
    ]
    assert (notice.signature, notice.issue_date) == ("河南省残疾人联合会", date(2022, 2, 18))
    assert notice.copied_to == ["中国残联康复部", "省卫生健康委", "省教育厅"]
    assert (notice.printer, notice.print_date) == ("河南省残疾人联合会办公室", date(2022, 2, 18))
    assert notice.body[2].number == "1．" and notice.body[2].level == 3
    assert notice.body[2].text.endswith(
        "广泛宣传听力健康知识和《国家残疾预防行动计划（2021—2025年）》，引导群众树立听力保护意识。"
    )
    reports = {report.field: report for report in notice.reports}
    assert reports["duties"].status == "uncertain"
    assert "听力语言康复中心" in (reports["duties"].message or "")


def test_idpd_notice_without_header_or_theme() -> None:
    notice = parse_file("pingdingshan_idpd_2021.txt")
    assert notice.header is None
    assert notice.issuer == "平顶山市残疾人联合会"  # from the title
    assert notice.doc_number == "平残联〔2021〕45号"  # written 平残联【2021】45号
    assert notice.recipients == ["各县（市、区）残联", "市直各有关单位", "各特殊教育学校"]
    assert (notice.campaign_name, notice.campaign_edition) == ("国际残疾人日", 30)
    assert notice.campaign_date == date(2021, 12, 3)
    assert notice.theme is None
    assert [d.departments for d in notice.duties] == [
        ["残联"],
        ["民政", "人力资源社会保障"],
        ["教育", "卫生健康"],
        ["文化和旅游", "体育"],
        ["共青团", "妇联", "工会"],
        ["新闻媒体"],
    ]
    assert notice.duties[1].text.endswith("促进残疾人就业增收，让残疾人共享经济社会发展成果。")
    assert notice.slogans == [
        "弘扬人道主义思想 发展残疾人事业",
        "残疾人是社会大家庭的平等成员",
        "理解 尊重 关心 帮助残疾人",
    ]
    assert notice.contacts == [Contact("孙晓燕", "0375-2692123", "pdscl_zhb@163.com")]
    assert notice.deadlines == [
        Deadline("活动总结", date(2021, 12, 10)),
        Deadline("活动开展情况", date(2021, 12, 8)),
    ]
    assert (notice.signature, notice.issue_date) == ("平顶山市残疾人联合会", date(2021, 11, 22))
    assert notice.copied_to == [] and notice.printer is None
    assert statuses(notice)["theme"] == "missing"
    assert statuses(notice)["campaign"] == "recognised"


def test_indented_joint_notice_jiaxian_2023() -> None:
    notice = parse_file("jiaxian_2023.txt")
    assert notice.issuer == "郏县残疾人联合会"
    assert notice.doc_number == "郏残联〔2023〕12号"  # written 郏残联［２０２３］１２号
    assert notice.title == "郏县残疾人联合会 郏县民政局关于开展第33次全国助残日活动的通知"
    assert notice.recipients == ["各乡（镇）人民政府", "各街道办事处", "县残工委各成员单位"]
    assert (notice.campaign_edition, notice.campaign_date) == (33, date(2023, 5, 21))
    assert notice.theme == "科技助残 共享美好生活"  # "一、活动主题：科技助残　共享美好生活"
    assert notice.duties == [] and notice.slogans == []
    assert notice.contacts == [Contact("刘洋", "0375-5161234", "jxcl@163.com")]
    assert notice.deadlines == [
        Deadline("典型活动", date(2023, 5, 20)),
        Deadline("活动总结", date(2023, 5, 25)),
    ]
    assert notice.signature == "郏县残疾人联合会、郏县民政局"
    assert notice.issue_date == date(2023, 5, 8)
    assert notice.copied_to[-1] == "县残工委各成员单位"  # the 抄送 line wraps
    assert len(notice.copied_to) == 5
    assert (notice.printer, notice.print_date) == ("郏县残疾人联合会办公室", date(2023, 5, 8))
    items = [block for block in notice.body if block.level == 4]
    assert [block.number for block in items] == ["(1)", "(2)", "(3)"]
    # The first item runs over a page break with a "— 2 —" page number between the halves.
    assert items[0].text.endswith("就业推荐等服务，让残疾人切身感受到党和政府的关怀。")
    assert notice.publicity is not None
    assert notice.publicity.startswith("要充分利用网站、微信公众号等平台")
    assert statuses(notice)["duties"] == "missing"
    assert statuses(notice)["slogans"] == "missing"


# -- rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "平残工委〔2020〕2号",
        "平残工委[2020]2号",
        "平残工委［2020］2号",
        "平残工委（2020）2号",
        "平残工委(2020)2号",
        "平残工委【2020】2号",
        "平残工委〔２０２０〕２号",
        "平残工委〔2020〕 2 号",
    ],
)
def test_doc_number_brackets_are_normalised(written: str) -> None:
    notice = parse_notice_text(
        f"{written}\n关于开展第三十次全国助残日活动的通知\n各成员单位：\n正文。"
    )
    assert notice.doc_number == "平残工委〔2020〕2号"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020年5月17日", date(2020, 5, 17)),
        ("2020 年 5 月 17 日", date(2020, 5, 17)),
        ("二〇二〇年五月十七日", date(2020, 5, 17)),
        ("二〇二〇年四月二十八日", date(2020, 4, 28)),
        ("二○二一年十二月三十一日", date(2021, 12, 31)),
        ("2020.5.17", date(2020, 5, 17)),
        ("2020-05-17", date(2020, 5, 17)),
        ("2020/5/17", date(2020, 5, 17)),
    ],
)
def test_full_dates(text: str, expected: date) -> None:
    assert parse_date_line(text) == expected


def test_month_day_dates_take_the_context_year() -> None:
    hits = list(find_dates("今年5月17日和十二月三日，另见2021年5月16日"))
    assert [(h.year, h.month, h.day) for h in hits] == [(None, 5, 17), (None, 12, 3), (2021, 5, 16)]
    assert hits[0].to_date(2020) == date(2020, 5, 17)
    assert parse_date_line("2020年2月30日") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("三十", 30), ("三十一", 31), ("二十九", 29), ("十七", 17), ("一百零五", 105), ("30", 30)],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert cn_to_int(text) == value


@pytest.mark.parametrize(
    ("phrase", "edition"),
    [("第30次", 30), ("第三十一次", 31), ("第二十九个", 29), ("第 31 次", 31)],
)
def test_campaign_edition_forms(phrase: str, edition: int) -> None:
    notice = parse_notice_text(f"关于开展{phrase}全国助残日活动的通知\n各单位：\n请做好准备。")
    assert notice.campaign_name == "全国助残日"
    assert notice.campaign_edition == edition


def test_campaign_date_is_inferred_and_reported_when_not_written() -> None:
    text = "关于开展第三十一次全国助残日活动的通知\n各单位：\n2021年请各单位认真组织。"
    notice = parse_notice_text(text)
    assert notice.campaign_date == date(2021, 5, 16)  # third Sunday of May 2021
    report = next(r for r in notice.reports if r.field == "campaign")
    assert report.status == "uncertain"
    assert "按惯例推定" in (report.message or "")


def test_year_from_today_is_reported_as_uncertain() -> None:
    text = (
        "关于开展全国助残日活动的通知\n各单位：\n5月16日是全国助残日。请于5月10日前报送活动方案。"
    )
    notice = parse_notice_text(text, today=date(2021, 3, 1))
    assert notice.campaign_date == date(2021, 5, 16)
    assert notice.deadlines == [Deadline("活动方案", date(2021, 5, 10))]
    reports = {r.field: r for r in notice.reports}
    assert reports["deadlines"].status == "uncertain"
    assert "2021年" in (reports["deadlines"].message or "")
    assert reports["campaign"].status == "uncertain"  # also no edition


def test_campaign_date_disagreeing_with_the_rule_is_flagged() -> None:
    text = "关于开展第三十次全国助残日活动的通知\n各单位：\n2020年5月18日是第三十次全国助残日。"
    report = next(r for r in parse_notice_text(text).reports if r.field == "campaign")
    assert report.status == "uncertain"
    assert "5月17日" in (report.message or "")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("请于5月10日前将活动方案报送市残联。", [("活动方案", date(2020, 5, 10))]),
        ("5月25日前报送活动总结。", [("活动总结", date(2020, 5, 25))]),
        ("于2020年5月20日前上报典型活动。", [("典型活动", date(2020, 5, 20))]),
        (
            "请于5月12日（星期二）前将活动开展情况及图片报送至邮箱。",
            [("活动开展情况", date(2020, 5, 12))],
        ),
        ("活动宣传材料请于5月8日前报市残联办公室。", [("活动宣传材料", date(2020, 5, 8))]),
        (
            "报送截止时间为5月30日，请将先进事迹材料报送至市残联。",
            [("先进事迹材料", date(2020, 5, 30))],
        ),
        ("5月17日前后集中开展活动。", []),
    ],
)
def test_deadline_forms(sentence: str, expected: list[tuple[str, date]]) -> None:
    notice = parse_notice_text(
        f"平残工委〔2020〕2号\n关于开展全国助残日活动的通知\n各单位：\n{sentence}"
    )
    assert [(d.what, d.date) for d in notice.deadlines] == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "联系人：高秋法，电话：2690909，电子邮箱：pdscanlian@163.com。",
            [Contact("高秋法", "2690909", "pdscanlian@163.com")],
        ),
        (
            "联系人:赵 丽,联系电话:0375-2690909,E-mail:zl@163.com。",
            [Contact("赵丽", "0375-2690909", "zl@163.com")],
        ),
        (
            "联系人：王明，手机：13812345678；联系人：李娜，座机：０３７５－２６９０９０９。",
            [Contact("王明", "13812345678"), Contact("李娜", "0375-2690909")],
        ),
        (
            "联系人：孙强（13912345678）、周敏，邮箱：zm＠126．com。",
            [Contact("孙强", "13912345678"), Contact("周敏", None, "zm@126.com")],
        ),
        ("联系人：欧阳 晓 明，电话：2690909，传真：2690908。", [Contact("欧阳晓明", "2690909")]),
    ],
)
def test_contact_forms(line: str, expected: list[Contact]) -> None:
    notice = parse_notice_text(f"关于开展全国助残日活动的通知\n各单位：\n{line}")
    assert notice.contacts == expected


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("各级民政、残联等部门要做好工作。", ["民政", "残联"]),
        ("各级住房和城乡建设、乡村振兴部门要做好工作。", ["住房城乡建设", "扶贫办"]),
        (
            "市文化和旅游局、市发展改革委、市市场监督管理局要做好工作。",
            ["文化和旅游", "发展改革", "市场监管"],
        ),
        ("各县（市、区）人民政府要加强领导，教育部门配合。", ["各县（市、区）政府"]),
        ("各县(市、区)残工委和残联要做好工作。", ["残工委", "残联"]),
        ("市应急管理局要做好安全保障。", ["应急管理"]),
        ("要加强领导。", []),
    ],
)
def test_departments(item: str, expected: list[str]) -> None:
    assert find_departments(item)[0] == expected


def test_unknown_organ_in_the_subject_is_returned_separately() -> None:
    assert find_departments("市慈善总会、市残联要募集善款。") == (["残联"], ["慈善总会"])


def test_headings_slogans_and_title_are_never_joined() -> None:
    lines = [
        Line("一、活动主题", 1),
        Line("助残脱贫 决胜小康", 2),
        Line("二、宣传口号", 3),
        Line("扶残助残，从我做起", 4),
        Line("共建共享 美好生活", 5),
        Line("各县（市、区）要高度重视，加强组织领导，在坚决抓好疫情防控的前提下，采", 6),
        Line("取切实可行的措施。", 7),
    ]
    joined = [line.text for line in join_broken_lines(lines)]
    assert joined == [
        "一、活动主题",
        "助残脱贫 决胜小康",
        "二、宣传口号",
        "扶残助残，从我做起",
        "共建共享 美好生活",
        "各县（市、区）要高度重视，加强组织领导，在坚决抓好疫情防控的前提下，采取切实可行的措施。",
    ]


def test_title_on_two_lines_is_not_joined_with_recipients() -> None:
    text = (
        "某某县残疾人联合会\n关于开展全国助残日活动的\n通知\n各乡镇人民政府，\n县直各单位：\n正文。"
    )
    notice = parse_notice_text(text)
    assert notice.title == "某某县残疾人联合会关于开展全国助残日活动的通知"
    assert notice.recipients == ["各乡镇人民政府", "县直各单位"]
    assert notice.issuer == "某某县残疾人联合会"


def test_a_poem_is_not_a_notice() -> None:
    notice = parse_notice_text("静夜思\n李白\n床前明月光，疑是地上霜。\n举头望明月，低头思故乡。")
    assert not is_notice(notice)
    assert notice.title is None and notice.doc_number is None
    assert all(report.status == "missing" for report in notice.reports)


def test_odd_input_never_raises() -> None:
    for text in [
        "",
        "\n\n",
        "一、",
        "（一）",
        "1.",
        "联系人：",
        "抄送：",
        "2020年13月45日",
        "\x00\x01",
    ]:
        parse_notice_text(text)


# -- files --------------------------------------------------------------------------------------


def test_text_files_in_gb18030_and_utf16_are_read(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    (tmp_path / "bom.txt").write_bytes(codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode())
    for name in ("gbk.txt", "utf16.txt", "bom.txt"):
        assert (
            parse_notice_text(read_notice_file(tmp_path / name)).doc_number == "平残工委〔2020〕2号"
        )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "文件是空的"),
        ("blank.txt", b" \n\n \n", "没有文字"),
        ("binary.txt", bytes(range(256)) * 8, "不是文本文件"),
        ("binary-no-nul.txt", bytes(range(1, 256)) * 8, "不是可识别的文本文件"),
        ("notice.pdf", b"%PDF-1.4", "不支持的文件类型"),
        ("notice.doc", b"\xd0\xcf\x11\xe0", "旧版 Word"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(NoticeFileError, match=message):
        read_notice_file(tmp_path / name)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NoticeFileError, match="找不到文件"):
        read_notice_file(tmp_path / "nope.txt")


def test_opening_sentence_with_a_colon_is_not_taken_for_recipients() -> None:
    text = "关于开展全国助残日活动的通知\n为做好今年助残日工作，现将有关事项通知如下：\n正文。"
    notice = parse_notice_text(text)
    assert notice.recipients == []
    assert notice.body[0].text == "为做好今年助残日工作，现将有关事项通知如下："


def test_stray_line_above_a_title_is_not_part_of_it() -> None:
    notice = parse_notice_text("附件1\n关于开展全国助残日活动的通知\n各单位：\n正文。")
    assert notice.title == "关于开展全国助残日活动的通知"


def test_theme_heading_is_the_one_that_names_the_theme() -> None:
    text = (
        "关于开展全国助残日活动的通知\n各单位：\n一、活动内容\n（一）围绕主题开展宣传\n"
        "各地要广泛宣传。\n二、活动主题\n助残脱贫 决胜小康\n"
    )
    assert parse_notice_text(text).theme == "助残脱贫 决胜小康"
