"""The structured form of a notice (通知), shared by the parser, the editor and the 公文 renderer.

These are plain dataclasses so that parsing and rendering need no database: the campaign models
are filled from a ``ParsedNotice`` by a service, and rendered back to one for the document.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class Contact:
    name: str
    phone: str | None = None
    email: str | None = None


@dataclass
class Deadline:
    what: str  # e.g. "方案报送" / "活动报送" / "总结报送"; free text as the notice words it
    date: date


@dataclass
class Duty:
    number: int
    text: str
    departments: list[str] = field(default_factory=list)


@dataclass
class Block:
    """One paragraph of the body, with its heading level.

    level 0 = ordinary paragraph; 1 = 一、 heading (黑体); 2 = （一） heading (楷体);
    3 = 1． item; 4 = （1） item. ``number`` is the marker as printed ("一、", "（一）", "1.").
    """

    level: int
    text: str
    number: str | None = None


@dataclass
class FieldReport:
    """What the parser recognised for one field, so a person can check it before publishing."""

    field: str
    status: str  # "recognised" | "missing" | "uncertain"
    source: str | None = None  # the line(s) the value came from
    message: str | None = None


@dataclass
class ParsedNotice:
    issuer: str | None = None  # 发文机关 e.g. 平顶山市人民政府残疾人工作委员会
    header: str | None = None  # 版头 e.g. 平顶山市人民政府残疾人工作委员会文件
    doc_number: str | None = None  # 平残工委〔2020〕2号 (normalised to 〔〕)
    issuer_code: str | None = None  # 平残工委
    doc_year: int | None = None
    doc_serial: int | None = None
    title: str | None = None
    recipients: list[str] = field(default_factory=list)
    campaign_name: str | None = None  # 全国助残日
    campaign_edition: int | None = None  # 30
    campaign_date: date | None = None
    # The first year of the day when the notice states its yearly rule ("自2017年起每年…").
    campaign_since: int | None = None
    theme: str | None = None
    duties: list[Duty] = field(default_factory=list)
    slogans: list[str] = field(default_factory=list)
    publicity: str | None = None  # 宣传要求 text
    contacts: list[Contact] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    issue_date: date | None = None
    signature: str | None = None  # 落款 organisation
    copied_to: list[str] = field(default_factory=list)  # 抄送
    body: list[Block] = field(default_factory=list)  # everything between recipients and signature
    reports: list[FieldReport] = field(default_factory=list)
    # 版记 印发机关 / 印发日期; the 公文 renderer defaults them to the issuer's 办公室 and the
    # issue date, so the parser need not fill them.
    printer: str | None = None
    print_date: date | None = None

    def to_json_dict(self) -> dict[str, object]:
        """The public JSON shape of ``parse_notice --format json``."""

        def iso(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "issuer": self.issuer,
            "header": self.header,
            "doc_number": self.doc_number,
            "title": self.title,
            "recipients": list(self.recipients),
            "campaign": {
                "name": self.campaign_name,
                "edition": self.campaign_edition,
                "date": iso(self.campaign_date),
                "since": self.campaign_since,
            },
            "theme": self.theme,
            "duties": [asdict(d) for d in self.duties],
            "slogans": list(self.slogans),
            "publicity": self.publicity,
            "contacts": [asdict(c) for c in self.contacts],
            "deadlines": [{"what": d.what, "date": iso(d.date)} for d in self.deadlines],
            "issue_date": iso(self.issue_date),
            "signature": self.signature,
            "copied_to": list(self.copied_to),
            "body": [asdict(b) for b in self.body],
            "reports": [asdict(r) for r in self.reports],
        }
