"""Hand-built notices for tests, mirroring the real seed notice (平残工委〔2020〕2号).

``seed_notice()`` is what a correct parse of the 2020 全国助残日 notice should give (abridged
to a few real paragraphs); ``SEED_NOTICE_TEXT`` is the same notice as plain text, with the
落款, 成文日期 and 抄送 that the seed file's extract lacks, for tests that go through a parser.
"""

from __future__ import annotations

from datetime import date

from zhucan.campaigns.notice_types import Block, ParsedNotice

ISSUER = "平顶山市人民政府残疾人工作委员会"
HEADER = ISSUER + "文件"
DOC_NUMBER = "平残工委〔2020〕2号"
TITLE = ISSUER + "关于开展第三十次全国助残日活动的通知"
RECIPIENTS = ["各县（市、区）人民政府残疾人工作委员会", "市政府残工委各成员单位"]
ISSUE_DATE = date(2020, 5, 8)
COPIED_TO = ["市委宣传部", "市民政局"]

INTRO = (
    "2020年是坚决打赢脱贫攻坚战的决战决胜之年，也是全面建成小康社会和“十三五”规划的收官之年。"
    "5月17日是第三十次全国助残日，认真组织开展全国助残日主题活动，对于深入贯彻落实习近平新时代"
    "中国特色社会主义思想，统筹推进疫情防控和经济社会发展，弘扬社会主义核心价值观，倡导人道主义"
    "思想和扶残助残美德具有重要意义。各县（市、区）、各有关部门要高度重视，加强组织领导，在坚决"
    "抓好常态化疫情防控的前提下，采取切实可行的措施，组织好助残日各项活动。"
)
PLAN_TEXT = (
    "各县（市、区）残工委和残联要根据疫情防控和复工复产相关要求，结合第六次全省自强模范暨助残"
    "先进评选表彰，着眼年度工作任务，研究部署全国助残日主题活动。要结合本地疫情防控实际，制定"
    "助残日期间的活动实施方案，多采取线上、远程、减少直接接触等方式，统筹推进各项工作。"
)
DUTY_2 = (
    "各级民政、残联、住房城乡建设、扶贫办等部门要精心策划、统筹安排，开展好助残日主题宣传活动。"
    "要努力降低新冠肺炎疫情对贫困残疾人脱贫攻坚的影响，对受疫情影响的残疾人及其家庭，及时给予"
    "特别关心、特别关爱，落实帮扶措施。"
)
DUTY_8 = (
    "各县(市、区)、各部门在开展活动时,要充分考虑本地疫情形势,采取有效措施,在坚决防控好疫情的"
    "前提下以灵活方式开展活动,避免人员聚集。"
)
SLOGANS = ["决战脱贫攻坚 决胜全面小康", "全面建成小康社会 残疾人一个也不能少"]
PUBLICITY = (
    "各县（市、区）和市政府残工委成员单位要组织新闻媒体围绕全国助残日主题开展采访报道。"
    "各县（市、区）和各单位助残日期间开展的典型活动请报市政府残工委办公室，联系人：高秋法，"
    "电话：2690909，电子邮箱：pdscanlian@163.com。"
)
HEADINGS = ["一、活动主题", "二、活动措施", "三、宣传口号", "四、宣传要求"]


def seed_body() -> list[Block]:
    return [
        Block(0, INTRO),
        Block(1, "活动主题", "一、"),
        Block(0, "助残脱贫 决胜小康"),
        Block(1, "活动措施", "二、"),
        Block(2, "制定活动方案", "（一）"),
        Block(0, PLAN_TEXT),
        Block(2, "明确部门职责", "（二）"),
        Block(3, DUTY_2, "1."),
        Block(3, DUTY_8, "2."),
        Block(1, "宣传口号", "三、"),
        *(Block(3, slogan, f"{n}.") for n, slogan in enumerate(SLOGANS, start=1)),
        Block(1, "宣传要求", "四、"),
        Block(0, PUBLICITY),
    ]


def seed_notice(**overrides: object) -> ParsedNotice:
    """The seed notice as the parser should read it; keyword arguments replace fields."""
    notice = ParsedNotice(
        issuer=ISSUER,
        header=HEADER,
        doc_number=DOC_NUMBER,
        issuer_code="平残工委",
        doc_year=2020,
        doc_serial=2,
        title=TITLE,
        recipients=list(RECIPIENTS),
        campaign_name="全国助残日",
        campaign_edition=30,
        campaign_date=date(2020, 5, 17),
        theme="助残脱贫 决胜小康",
        slogans=list(SLOGANS),
        issue_date=ISSUE_DATE,
        signature=ISSUER,
        copied_to=list(COPIED_TO),
        body=seed_body(),
    )
    for name, value in overrides.items():
        setattr(notice, name, value)
    return notice


def long_notice(paragraphs: int = 60) -> ParsedNotice:
    """The seed notice with a body long enough to run over several pages."""
    body = [Block(0, f"第{n}段。{PLAN_TEXT}") for n in range(1, paragraphs + 1)]
    return seed_notice(body=[Block(1, "活动措施", "一、"), *body])


SEED_NOTICE_TEXT = (
    "\n\n".join(
        [
            HEADER,
            DOC_NUMBER,
            TITLE,
            "，".join(RECIPIENTS) + "：",
            INTRO,
            "一、活动主题",
            "助残脱贫 决胜小康",
            "二、活动措施",
            "（一）制定活动方案",
            PLAN_TEXT,
            "（二）明确部门职责",
            "1. " + DUTY_2,
            "2. " + DUTY_8,
            "三、宣传口号",
            "\n".join(f"{n}. {s}" for n, s in enumerate(SLOGANS, start=1)),
            "四、宣传要求",
            PUBLICITY,
            ISSUER + "\n2020年5月8日",
            "抄送：" + "，".join(COPIED_TO) + "。",
        ]
    )
    + "\n"
)
