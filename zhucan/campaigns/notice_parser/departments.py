"""Which departments a duty item names.

Canonical forms (the tests assert these exact strings):

* A functional department is its short official name, without level (省/市/县/各级) and without
  the organ suffix (局/厅/委/办/部门): 民政, 残联, 住房城乡建设, 扶贫办, 人力资源社会保障, 卫生健康,
  医保, 教育, 工会, 共青团, 妇联, 驻军部队 ... Synonyms map onto it: 住建 and 住房和城乡建设 →
  住房城乡建设; 人社 → 人力资源社会保障; 卫健 → 卫生健康; 教育行政部门 → 教育; 团委/团市委 → 共青团;
  乡村振兴局 → 扶贫办 (its successor since 2021); 总工会 → 工会.
* A region-wide subject keeps the region as written with full-width brackets, and "人民政府"
  is shortened to "政府": 各县（市、区）政府, 各县（市、区）有关单位, 各县（市、区）.
  When the region only qualifies a department (各县（市、区）残联), the department alone
  is listed, like 各级民政 → 民政.
  Township notices name 各乡镇（街道）, 各乡（镇、街道）, 各镇（街道） ... the same way, and the
  second of a pair without its 各 ("各乡镇、街道") is kept as written (街道).
* Collectives: 残工委成员单位 (also 残工委各成员单位, 各成员单位), 各部门, 各有关部门, 各有关单位,
  各单位, 各级政府, and 市直/县直/区直各（有关）单位 as written.

Only the subject of the item is scanned (the words before its first verb such as 要/应/在/负责
or the first comma), so "普及教育" further on never makes 教育 responsible.
"""

from __future__ import annotations

import re

from .normalise import despace, fullwidth_parens, split_top_level

DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "残工委成员单位": ("残工委各成员单位", "残工委成员单位", "各成员单位"),
    "残工委": ("残疾人工作委员会", "残工委"),
    "残联": ("残疾人联合会", "残联"),
    "民政": ("民政",),
    "住房城乡建设": ("住房和城乡建设", "住房城乡建设", "住建"),
    "扶贫办": ("扶贫开发办公室", "扶贫办", "扶贫部门", "乡村振兴"),
    "人力资源社会保障": ("人力资源和社会保障", "人力资源社会保障", "人社"),
    "卫生健康": ("卫生和计划生育", "卫生健康", "卫健", "卫计"),
    "医保": ("医疗保障", "医保"),
    "教育": ("教育行政部门", "教育"),
    "工会": ("总工会", "工会"),
    "共青团": ("共青团", "团省委", "团市委", "团县委", "团委"),
    "妇联": ("妇女联合会", "妇联"),
    "驻军部队": ("驻军部队", "驻地部队", "驻军", "部队"),
    "宣传部": ("党委宣传部", "宣传部门", "宣传部"),
    "网信": ("网信办", "网信"),
    "财政": ("财政",),
    "发展改革": ("发展和改革", "发展改革", "发改"),
    "公安": ("公安",),
    "交通运输": ("交通运输", "交通"),
    "文化和旅游": ("文化广电和旅游", "文化和旅游", "文化旅游", "文广旅", "文旅"),
    "广播电视": ("广播电视", "广电"),
    "体育": ("体育",),
    "税务": ("税务",),
    "市场监管": ("市场监督管理", "市场监管"),
    "统计": ("统计",),
    "司法": ("司法",),
    "农业农村": ("农业农村", "农业"),
    "科协": ("科学技术协会", "科协"),
    "红十字会": ("红十字会",),
    "工业和信息化": ("工业和信息化", "工信"),
    "应急管理": ("应急管理",),
    "退役军人事务": ("退役军人事务", "退役军人"),
    "城市管理": ("城市管理", "城管"),
    "新闻媒体": ("新闻媒体", "新闻单位"),
    "法院": ("人民法院", "法院"),
    "检察院": ("人民检察院", "检察院"),
    "各有关部门": ("各有关部门", "各相关部门"),
    "各有关单位": ("各有关单位", "各相关单位"),
    "各部门": ("各部门",),
    "各单位": ("各单位",),
    "各级政府": ("各级人民政府", "各级政府"),
}
_CANONICAL: dict[str, str] = {
    synonym: canonical for canonical, synonyms in DEPARTMENTS.items() for synonym in synonyms
}

# Longer forms first: "各区（县）" is one region, not 各区 followed by a stray "（县）".
_REGION = (
    r"各(?:省辖市|省直管县（市）|县（市、区）|县（区、市）|县（市）|市（县、区）|区（县、市）|"
    r"区（县）|县（区）|县市区|区县|县区|"
    r"乡镇（街道办事处）|乡镇（街道）|乡（镇、街道）|乡（镇）|镇（街道）|乡镇街道|镇街|乡镇|街道|"
    r"地|市|县|区)"
    # "各乡镇、街道": the second region of a pair drops the 各.
    r"|(?<=、)街道(?:办事处)?"
)
_REGION_SUFFIX = r"(?:人民政府|政府|有关单位|有关部门|相关单位|相关部门)"
_SCAN_RE = re.compile(
    rf"(?P<region>{_REGION})(?P<suffix>{_REGION_SUFFIX})?"
    r"|(?P<direct>[省市县区]直(?:各)?(?:有关)?单位)"
    r"|(?P<dept>" + "|".join(sorted(map(re.escape, _CANONICAL), key=len, reverse=True)) + ")"
)
_SUBJECT_END_RE = re.compile(
    r"[，,。；;：:]|要|应(?!急)|须|需|在|负责|牵头|会同|结合|围绕|积极|继续|认真|切实|充分|做好|加强"
    r"|开展|组织(?!部)"
)
_LEFTOVER_PREFIX_RE = re.compile(r"^(?:由|各级|各|全省|全市|全县|省|市|县|区)+")
_LEFTOVER_SUFFIX_RE = re.compile(r"(?:等部门|等单位|等)$")
_ORGAN_RE = re.compile(r"(?:局|厅|委|办|会|中心|所|院|站|队|部门|单位)$")
# What is left of "卫生健康委员会" once 卫生健康 is taken: the organ word alone, no department.
_BARE_ORGAN_RE = re.compile(r"^(?:委员会|管理局|事务局|办公室|局|厅|委|办|部门|单位)$")


def duty_subject(text: str) -> str:
    """The words naming who is responsible: everything before the first verb or comma."""
    text = fullwidth_parens(despace(text))
    match = _SUBJECT_END_RE.search(text)
    return text[: match.start()] if match else text[:60]


def find_departments(text: str) -> tuple[list[str], list[str]]:
    """(canonical departments in order of mention, unrecognised organ names in the subject)."""
    subject = duty_subject(text)
    found: list[str] = []
    leftover = subject
    for match in _SCAN_RE.finditer(subject):
        name: str | None
        if match.group("region"):
            suffix = match.group("suffix")
            follows_department = _SCAN_RE.match(subject, match.end()) is not None
            if suffix:
                name = match.group("region") + ("政府" if suffix.endswith("政府") else suffix)
            elif follows_department:
                name = None  # the region only qualifies the department that follows
            else:
                name = match.group("region")
        elif match.group("direct"):
            name = match.group("direct")
        else:
            name = _CANONICAL[match.group("dept")]
        if name and name not in found:
            found.append(name)
        leftover = leftover.replace(match.group(0), "、", 1)
    unknown: list[str] = []
    for part in split_top_level(leftover, "、，,和及与"):
        part = _LEFTOVER_SUFFIX_RE.sub("", _LEFTOVER_PREFIX_RE.sub("", part.removeprefix("以")))
        if len(part) >= 2 and _ORGAN_RE.search(part) and not _BARE_ORGAN_RE.match(part):
            unknown.append(part)
    return found, unknown
