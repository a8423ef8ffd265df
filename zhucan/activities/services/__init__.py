"""Every write to activity reports goes through these functions (one transaction, one audit
entry each)."""

from zhucan.activities.services.duties import set_report_duties
from zhucan.activities.services.indicators import add_indicator, remove_indicator
from zhucan.activities.services.institutions import add_institution
from zhucan.activities.services.media import add_media_report
from zhucan.activities.services.photos import (
    add_photo,
    record_photo_public_consent,
    remove_photo,
)
from zhucan.activities.services.quick import QuickPhoto, send_quick_report
from zhucan.activities.services.reports import (
    ReportInput,
    VisitInput,
    save_report,
)
from zhucan.activities.services.review import accept_report, return_report, submit_report
from zhucan.activities.services.typical import decide_typical, propose_typical

__all__ = [
    "add_indicator",
    "remove_indicator",
    "QuickPhoto",
    "ReportInput",
    "VisitInput",
    "accept_report",
    "add_photo",
    "add_institution",
    "add_media_report",
    "decide_typical",
    "propose_typical",
    "record_photo_public_consent",
    "remove_photo",
    "return_report",
    "save_report",
    "send_quick_report",
    "set_report_duties",
    "submit_report",
]
