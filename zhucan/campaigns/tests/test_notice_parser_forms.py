"""The forms real notices use that the first parser missed: deadlines without a year, editions
in words before a quoted or short name, a campaign day given as a yearly rule, and departments
of township notices or cut by a line break. Four notices written in the style of county and
city notices exercise them together; the small cases below pin each rule down."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from zhucan.campaigns.notice_parser import parse_notice_text, read_notice_file
from zhucan.campaigns.notice_parser.blocks import join_broken_lines
from zhucan.campaigns.notice_parser.dates import cn_to_int, nth_weekday_of_month
from zhucan.campaigns.notice_parser.departments import find_departments
from zhucan.campaigns.notice_parser.normalise import Line
from zhucan.campaigns.notice_types import Contact, Deadline, FieldReport, ParsedNotice

NOTICES = Path(__file__).parent / "notices"


def parse_file(name: str) -> ParsedNotice:
    return parse_notice_text(read_notice_file(NOTICES / name))


def report(notice: ParsedNotice, name: str) -> FieldReport:
    return next(r for r in notice.reports if r.field == name)


# -- four notices -------------------------------------------------------------------------------


def test_prevention_day_notice_with_the_rule_and_a_cut_list() -> None:
    notice = parse_file("yexian_prevention_2021.txt")
    assert notice.doc_number == "叶残工委〔2021〕9号"
    assert notice.title == (
        "叶县人民政府残疾人工作委员会关于开展第五次全国残疾预防日宣传教育活动的通知"
    )
    assert notice.recipients == ["各乡镇人民政府（街道办事处）", "县残工委各成员单位"]
    assert (notice.campaign_name, notice.campaign_edition) == ("全国残疾预防日", 5)
    # No date for 2021 is written, only "自2017年起每年8月25日为残疾预防日".
    assert notice.campaign_date == date(2021, 8, 25)
    assert notice.campaign_since == 2017
    campaign = report(notice, "campaign")
    assert campaign.status == "recognised"
    assert campaign.source is not None and "每年8月25日为残疾预防日" in campaign.source
    assert notice.theme == "加强残疾预防，促进全民健康"
    assert [(d.number, d.departments) for d in notice.duties] == [
        (1, ["卫生健康", "残联"]),
        (2, ["教育", "民政", "人力资源社会保障", "医保"]),
        (3, ["各有关单位", "各乡镇（街道）"]),
    ]
    # "县人社" ends one line and "局、县医保局要…" starts the next.
    assert notice.duties[1].text.startswith("县教育局、县民政局、县人社局、县医保局要结合")
    assert "\n" not in notice.duties[1].text
    assert notice.deadlines == [Deadline("活动开展情况", date(2021, 9, 5))]  # "于9月5日前"
    assert notice.contacts == [Contact("陈静", "0375-7521234", "yxclkfb@163.com")]
    assert (notice.signature, notice.issue_date) == (
        "叶县人民政府残疾人工作委员会",
        date(2021, 8, 10),
    )
    assert {r.status for r in notice.reports} == {"recognised", "missing"}
    assert report(notice, "slogans").status == "missing"


def test_idpd_notice_with_a_january_deadline_and_a_quoted_name() -> None:
    notice = parse_file("ruzhou_idpd_2022.txt")
    assert notice.doc_number == "汝残联〔2022〕31号"
    assert notice.title == "汝州市残疾人联合会关于开展第三十一个国际残疾人日系列活动的通知"
    assert notice.recipients == ["各乡镇人民政府", "街道办事处", "市直各有关单位"]
    assert (notice.campaign_name, notice.campaign_edition) == ("国际残疾人日", 31)
    assert notice.campaign_date == date(2022, 12, 3)  # "今年12月3日是第三十一个“国际残疾人日”"
    assert notice.campaign_since is None  # the rule says when it was decided, not "自…起"
    assert report(notice, "campaign").status == "recognised"
    assert notice.theme == "共享发展成果 共创美好生活"
    assert [(d.number, d.departments) for d in notice.duties] == [
        (1, ["各乡镇（街道）"]),
        (2, ["民政", "人力资源社会保障", "卫生健康"]),  # "委员会" is no department of its own
        (3, ["教育", "体育", "共青团", "妇联"]),
    ]
    assert notice.duties[1].text.startswith("市民政局、市人力资源和社会保障局、市卫生健康委员会要")
    assert report(notice, "duties").status == "recognised"
    # Signed 二〇二二年十一月二十五日: "1月10日前" is January 2023.
    assert notice.deadlines == [
        Deadline("活动开展情况", date(2022, 12, 10)),
        Deadline("活动总结", date(2023, 1, 10)),
    ]
    deadlines = report(notice, "deadlines")
    assert deadlines.status == "uncertain"
    assert deadlines.message == "活动总结时限1月10日未写年份，早于通知日期，按2023年计"
    assert notice.issue_date == date(2022, 11, 25)
    assert notice.contacts == [Contact("马红", "0375-6851234", None)]


def test_helping_day_notice_pasted_without_header_or_signature() -> None:
    notice = parse_file("baofeng_helping_2022.txt")
    assert notice.header is None and notice.signature is None and notice.issue_date is None
    assert notice.issuer == "宝丰县残疾人工作委员会"
    assert notice.doc_number == "宝残工委〔2022〕4号"
    assert (notice.campaign_name, notice.campaign_edition) == ("全国助残日", 32)
    # "每年5月的第三个星期日为全国助残日" in the 文号's year.
    assert notice.campaign_date == date(2022, 5, 15)
    assert report(notice, "campaign").status == "recognised"
    assert notice.theme == "巩固拓展残疾人脱贫攻坚成果 推进残疾人共同富裕"
    assert [(d.number, d.departments) for d in notice.duties] == [
        (1, ["宣传部", "文化和旅游"]),  # "县文化广电和旅" / "游局" across the line end
        (2, ["民政", "扶贫办"]),
        (3, ["各有关单位", "各乡镇（街道）"]),
    ]
    assert notice.slogans == ["巩固脱贫成果 共享美好生活", "扶残助残 你我同行"]
    # Both deadlines lack a year; the 文号 gives 2022.
    assert notice.deadlines == [
        Deadline("活动方案", date(2022, 5, 10)),
        Deadline("活动总结", date(2022, 5, 25)),
    ]
    assert report(notice, "deadlines").status == "recognised"
    assert notice.contacts == [Contact("杨帆", "0375-6121234", "bfxcl@163.com")]


def test_ear_day_notice_with_rule_and_two_deadlines_in_one_sentence() -> None:
    notice = parse_file("pingdingshan_aier_2023.txt")
    assert notice.doc_number == "平残联〔2023〕6号"
    assert (notice.campaign_name, notice.campaign_edition) == ("全国爱耳日", 24)
    assert (notice.campaign_date, notice.campaign_since) == (date(2023, 3, 3), 2000)
    assert report(notice, "campaign").message is None  # 2023 − 2000 + 1 = 24, as written
    assert notice.theme == "科学爱耳护耳，实现主动健康"
    assert [(d.number, d.departments) for d in notice.duties] == [
        (1, ["残联"]),
        (2, ["教育", "市场监管"]),  # "市市场监" / "管局"
        (3, ["各有关部门", "各县（市、区）"]),
    ]
    assert notice.deadlines == [
        Deadline("活动方案", date(2023, 3, 10)),
        Deadline("典型活动", date(2023, 3, 15)),  # "3月15号前"
    ]
    # The sentence holding both deadlines is shown once.
    assert report(notice, "deadlines").source == (
        "请于3月10日前将活动方案报送市残联康复部，3月15号前上报典型活动"
    )
    assert (notice.signature, notice.issue_date) == ("平顶山市残疾人联合会", date(2023, 2, 20))


def test_the_since_year_is_in_the_json() -> None:
    data = parse_file("pingdingshan_aier_2023.txt").to_json_dict()
    assert data["campaign"] == {
        "name": "全国爱耳日",
        "edition": 24,
        "date": "2023-03-03",
        "since": 2000,
    }


# -- deadlines without a year -------------------------------------------------------------------


def _notice(body: str, *, signed: str = "", number: str = "") -> ParsedNotice:
    head = f"{number}\n" if number else ""
    tail = f"\n某某县残疾人联合会\n{signed}" if signed else ""
    return parse_notice_text(f"{head}关于开展国际残疾人日活动的通知\n各单位：\n{body}{tail}")


@pytest.mark.parametrize(
    ("signed", "sentence", "due", "rolled"),
    [
        ("2022年11月20日", "请于12月5日前将活动总结报县残联。", date(2022, 12, 5), False),
        ("2022年12月20日", "请于1月10日前将活动总结报县残联。", date(2023, 1, 10), True),
        ("2022年8月5日", "请于1月10日前报送年度总结。", date(2023, 1, 10), True),
        # Printed three days after the deadline: a late notice, not one for next year.
        ("2022年5月8日", "请于5月5日前报送活动方案。", date(2022, 5, 5), False),
        ("2022年12月20日", "请于2023年1月10日前报送活动总结。", date(2023, 1, 10), False),
    ],
)
def test_year_less_deadline_takes_the_notice_year_or_the_next(
    signed: str, sentence: str, due: date, rolled: bool
) -> None:
    notice = _notice(sentence, signed=signed)
    assert [d.date for d in notice.deadlines] == [due]
    message = report(notice, "deadlines").message or ""
    assert ("早于通知日期" in message) is rolled


def test_year_less_deadline_takes_the_doc_number_year() -> None:
    notice = _notice("请于5月25日前将活动总结报县残联。", number="某残联〔2019〕3号")
    assert notice.deadlines == [Deadline("活动总结", date(2019, 5, 25))]
    assert report(notice, "deadlines").status == "recognised"


def test_without_a_signature_date_the_campaign_day_places_a_january_deadline() -> None:
    notice = _notice(
        "12月3日是第三十一个国际残疾人日。请于12月10日前报送活动开展情况，1月10日前报送活动总结。",
        number="某残联〔2022〕9号",
    )
    assert notice.deadlines == [
        Deadline("活动开展情况", date(2022, 12, 10)),
        Deadline("活动总结", date(2023, 1, 10)),
    ]


def test_the_title_year_is_the_year_of_dates_without_one() -> None:
    text = (
        "关于做好2019年全国助残日活动的通知\n各单位：\n"
        "5月19日是第二十九次全国助残日。请于5月10日前报送活动方案。"
    )
    notice = parse_notice_text(text, today=date(2024, 1, 1))
    assert notice.campaign_date == date(2019, 5, 19)
    assert notice.deadlines == [Deadline("活动方案", date(2019, 5, 10))]


def test_the_start_year_of_a_rule_is_not_the_notice_year() -> None:
    text = (
        "关于开展全国残疾预防日活动的通知\n各单位：\n"
        "自2017年起每年8月25日为残疾预防日。请于9月5日前报送活动总结。"
    )
    notice = parse_notice_text(text, today=date(2021, 6, 1))
    assert notice.campaign_date == date(2021, 8, 25)
    assert notice.deadlines == [Deadline("活动总结", date(2021, 9, 5))]
    assert "2021年" in (report(notice, "deadlines").message or "")  # only today's year


@pytest.mark.parametrize(
    "sentence",
    [
        "请各单位于5月25日前将活动总结报区残联。",
        "活动总结请于5月25日前报我会。",
        "各乡镇于5月25日前将活动总结报镇残联。",
    ],
)
def test_deadlines_sent_to_a_district_or_to_us(sentence: str) -> None:
    notice = _notice(sentence, number="某残联〔2020〕3号")
    assert notice.deadlines == [Deadline("活动总结", date(2020, 5, 25))]


# -- editions and names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"), [("一", 1), ("二十九", 29), ("三十", 30), ("九十九", 99), ("十", 10)]
)
def test_edition_numerals(text: str, value: int) -> None:
    assert cn_to_int(text) == value


@pytest.mark.parametrize(
    ("title", "body", "name", "edition"),
    [
        ("关于开展第一次全国残疾预防日活动的通知", "正文。", "全国残疾预防日", 1),
        ("关于开展第九十九次全国助残日活动的通知", "正文。", "全国助残日", 99),
        ("关于开展全国助残日活动的通知", "5月17日是第三十次“全国助残日”。", "全国助残日", 30),
        ("关于开展助残日活动的通知", "5月17日是第三十次助残日。", "全国助残日", 30),
        ("关于开展爱耳日活动的通知", "今年是第二十三个“爱耳日”。", "全国爱耳日", 23),
        ("关于开展宣传活动的通知", "今年是第五次残疾预防日。", "全国残疾预防日", 5),
        ("关于开展宣传活动的通知", "5月17日是第三十个‘助残日’。", "全国助残日", 30),
        ("关于开展宣传活动的通知", "12月3日是第三十届《国际残疾人日》。", "国际残疾人日", 30),
    ],
)
def test_editions_in_words_and_short_or_quoted_names(
    title: str, body: str, name: str, edition: int
) -> None:
    notice = parse_notice_text(f"{title}\n各单位：\n{body}")
    assert (notice.campaign_name, notice.campaign_edition) == (name, edition)


def test_a_short_name_takes_only_a_date_that_names_it() -> None:
    text = (
        "某残联〔2020〕3号\n关于开展全国助残日活动的通知\n各单位：\n"
        "5月17日是第三十次助残日。请于5月25日将助残日活动总结报送县残联。"
    )
    assert parse_notice_text(text).campaign_date == date(2020, 5, 17)
    text = (
        "某残联〔2020〕3号\n关于开展全国助残日活动的通知\n各单位：\n"
        "请于5月25日将助残日活动总结报送县残联。"
    )
    notice = parse_notice_text(text)
    assert notice.campaign_date == date(2020, 5, 17)  # the third Sunday, not the deadline
    assert "按惯例推定" in (report(notice, "campaign").message or "")


# -- yearly rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "day", "since"),
    [
        ("自2017年起每年8月25日为残疾预防日。", date(2022, 8, 25), 2017),
        ("从2000年开始，每年三月三日为全国爱耳日。", date(2022, 3, 3), 2000),
        ("将每年12月3日定为“国际残疾人日”。", date(2022, 12, 3), None),
        ("每年5月的第三个星期日为全国助残日。", date(2022, 5, 15), None),
        ("每年五月第三个星期日是全国助残日。", date(2022, 5, 15), None),
    ],
)
def test_a_yearly_rule_gives_the_day_in_the_notice_year(
    sentence: str, day: date, since: int | None
) -> None:
    notice = parse_notice_text(f"某残联〔2022〕5号\n关于开展活动的通知\n各单位：\n{sentence}")
    assert (notice.campaign_date, notice.campaign_since) == (day, since)
    campaign = report(notice, "campaign")
    assert campaign.source == sentence.removesuffix("。")
    assert "按惯例推定" not in (campaign.message or "")


def test_a_date_written_for_the_year_wins_over_the_rule() -> None:
    text = (
        "某残联〔2020〕5号\n关于开展第三十次全国助残日活动的通知\n各单位：\n"
        "每年5月的第三个星期日为全国助残日。2020年5月17日是第三十次全国助残日。"
    )
    notice = parse_notice_text(text)
    assert notice.campaign_date == date(2020, 5, 17)
    assert report(notice, "campaign").source == "2020年5月17日是第三十次全国助残日"


def test_a_rule_that_disagrees_with_the_known_day_is_flagged() -> None:
    text = "某残联〔2021〕5号\n关于开展活动的通知\n各单位：\n自2017年起每年8月26日为残疾预防日。"
    notice = parse_notice_text(text)
    assert notice.campaign_date == date(2021, 8, 26)
    campaign = report(notice, "campaign")
    assert campaign.status == "uncertain"
    assert "8月25日" in (campaign.message or "")


def test_nth_weekday_of_month() -> None:
    assert nth_weekday_of_month(2022, 5, 6, 3) == date(2022, 5, 15)
    assert nth_weekday_of_month(2020, 5, 6, 3) == date(2020, 5, 17)
    assert nth_weekday_of_month(2023, 3, 0, 1) == date(2023, 3, 6)


# -- departments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("各有关单位、各乡镇（街道）要做好工作。", ["各有关单位", "各乡镇（街道）"]),
        ("各乡镇(街道)、区直各有关单位要认真组织。", ["各乡镇（街道）", "区直各有关单位"]),
        ("各乡镇（街道办事处）要做好宣传。", ["各乡镇（街道办事处）"]),
        ("各乡（镇、街道）要做好宣传。", ["各乡（镇、街道）"]),
        ("各镇（街道）要做好宣传。", ["各镇（街道）"]),
        ("各区（县）残联要做好宣传。", ["残联"]),
        ("各区县残联、各街道要做好宣传。", ["残联", "各街道"]),
        ("各乡镇人民政府、街道办事处要做好宣传。", ["各乡镇政府", "街道办事处"]),
        ("各单位要做好宣传。", ["各单位"]),
        ("市卫生健康委员会、市教育局要做好宣传。", ["卫生健康", "教育"]),
    ],
)
def test_township_and_collective_departments(item: str, expected: list[str]) -> None:
    assert find_departments(item) == (expected, [])


# -- lists cut at a line end --------------------------------------------------------------------


def _join(*texts: str) -> list[str]:
    lines = [Line(text, number) for number, text in enumerate(texts, start=1)]
    return [line.text for line in join_broken_lines(lines)]


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (
            ("1. 市民政局、市人社", "局、市卫健委要做好工作。"),
            "1. 市民政局、市人社局、市卫健委要做好工作。",
        ),
        (("1. 市民政局、市人", "社局要做好工作。"), "1. 市民政局、市人社局要做好工作。"),
        (("1. 市民政局、", "市人社局要做好工作。"), "1. 市民政局、市人社局要做好工作。"),
        (
            ("1. 市民政局、市人社局", "、市卫健委要做好工作。"),
            "1. 市民政局、市人社局、市卫健委要做好工作。",
        ),
        (
            ("（一）县委宣传部、县文化广电和旅", "游局要做好宣传。"),
            "（一）县委宣传部、县文化广电和旅游局要做好宣传。",
        ),
    ],
)
def test_a_list_cut_at_a_line_end_is_joined(lines: tuple[str, str], joined: str) -> None:
    assert _join(*lines) == [joined]


@pytest.mark.parametrize(
    "lines",
    [
        ("理解、尊重、关心", "帮助残疾人"),  # two slogans
        ("一、活动主题", "局部先行 全面推进"),  # a heading and its theme
        ("扶残助残 从我做起", "共建共享 美好生活"),
    ],
)
def test_short_lines_that_are_no_list_stay_apart(lines: tuple[str, str]) -> None:
    assert _join(*lines) == list(lines)


@pytest.mark.parametrize(
    "sentence",
    [
        "请于5月25日17:00前将活动总结报县残联。",
        "请于5月25日下午5点前将活动总结报县残联。",
        "请于5月25日17时前报送活动总结。",
        "请于5月25日（周五）下班前报送活动总结。",
        "活动总结截至5月25日，请报送县残联。",
        "请于5月25日前把活动总结发送至邮箱。",
        "活动总结于5月25日前交县残联。",
        "请于5月25日前将活动总结送县残联办公室。",
    ],
)
def test_deadlines_with_an_hour_or_written_loosely(sentence: str) -> None:
    notice = _notice(sentence, number="某残联〔2020〕3号")
    assert notice.deadlines == [Deadline("活动总结", date(2020, 5, 25))]


def test_sending_warmth_before_a_day_is_no_deadline() -> None:
    notice = _notice(
        "各单位要在5月16日前组织走访，送去党和政府的温暖。", number="某残联〔2020〕3号"
    )
    assert notice.deadlines == []


def test_recipients_cut_inside_a_name_are_joined() -> None:
    text = (
        "某残联〔2020〕3号\n关于开展全国助残日活动的通知\n"
        "各县（市、区）残联，市民政局、市人社\n局、市卫健委：\n为做好工作，现通知如下：\n正文。"
    )
    notice = parse_notice_text(text)
    assert notice.recipients == ["各县（市、区）残联", "市民政局", "市人社局", "市卫健委"]
    assert notice.body[0].text == "为做好工作，现通知如下："


@pytest.mark.parametrize(
    ("signed", "sentence", "day", "moved"),
    [
        # Signed at the end of 2022 for the 3月3日 to come.
        ("2022年12月28日", "3月3日是第二十四次全国爱耳日。", date(2023, 3, 3), True),
        ("2022年12月28日", "自2000年起每年3月3日为全国爱耳日。", date(2023, 3, 3), True),
        # A report on the day three months after it stays in its year.
        ("2021年8月10日", "5月16日是第三十一次全国助残日。", date(2021, 5, 16), False),
        ("2021年12月20日", "12月3日是第三十个国际残疾人日。", date(2021, 12, 3), False),
    ],
)
def test_a_campaign_day_without_a_year_is_the_one_nearest_the_signature(
    signed: str, sentence: str, day: date, moved: bool
) -> None:
    notice = parse_notice_text(
        f"关于开展活动的通知\n各单位：\n{sentence}\n某某县残疾人联合会\n{signed}"
    )
    assert notice.campaign_date == day
    assert ("离成文日期最近" in (report(notice, "campaign").message or "")) is moved


@pytest.mark.parametrize(
    "sentence",
    [
        "自2017年起每年2月29日为残疾预防日。",
        "每年13月3日为全国爱耳日。",
        "每年5月的第五个星期日为助残日。",
    ],
)
def test_impossible_rules_never_raise(sentence: str) -> None:
    notice = parse_notice_text(f"某残联〔2021〕5号\n关于开展活动的通知\n各单位：\n{sentence}")
    assert notice.campaign_name is not None
    assert notice.campaign_since is None  # the rule was not taken
