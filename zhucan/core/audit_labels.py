"""How the audit log pages name actions and describe downloads, for auditors who do not read
action codes. The code stays beside the label: it is what searches and other tools match."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.core.audit import is_download
from zhucan.core.models import AuditEntry

ACTION_LABELS: dict[str, Any] = {
    "activities.reports.downloaded": gettext_lazy("Downloaded activity reports (Excel)"),
    "activities.template.downloaded": gettext_lazy("Downloaded the activity report template"),
    "campaigns.attachment.downloaded": gettext_lazy("Downloaded a notice attachment"),
    "campaigns.matrix.downloaded": gettext_lazy("Downloaded the duty matrix (Excel)"),
    "campaigns.notice.downloaded": gettext_lazy("Downloaded the notice"),
    "campaigns.slogans.downloaded": gettext_lazy("Downloaded the slogans"),
    "completeness.campaign.downloaded": gettext_lazy("Downloaded completeness (Excel)"),
    "core.audit_log.downloaded": gettext_lazy("Downloaded the audit log (Excel)"),
    "orgs.template.downloaded": gettext_lazy("Downloaded the organisation import template"),
    "plans.document.downloaded": gettext_lazy("Downloaded a plan's uploaded document"),
    "plans.overview.downloaded": gettext_lazy("Downloaded the plans overview (Excel)"),
    "plans.plan.downloaded": gettext_lazy("Downloaded a plan (Word)"),
    "registry.coverage.exported": gettext_lazy("Downloaded the not-yet-helped list (Excel)"),
    "stats.dashboard.downloaded": gettext_lazy("Downloaded statistics (Excel)"),
    "stats.export.downloaded": gettext_lazy("Downloaded a report export (Excel)"),
    "stats.export.queued": gettext_lazy("Started a report export"),
    "stats.statistical_report.downloaded": gettext_lazy(
        "Downloaded the statistical report (统计表)"
    ),
    "summaries.summary.generated": gettext_lazy("Downloaded the summary report"),
}


def action_label(action: str) -> str:
    """The action's label, or its code when it has none."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def actions_labelled(text: str) -> list[str]:
    """The codes of the actions whose label (in the current language) contains ``text``."""
    folded = text.casefold()
    return [code for code, label in ACTION_LABELS.items() if folded in str(label).casefold()]


def describe_changes(entry: AuditEntry) -> str:
    """A download as one readable line (format, rows, filters); other changes as stored."""
    if not is_download(entry):
        return str(entry.changes)
    changes = entry.changes
    parts = [_("Format: %(format)s") % {"format": changes["format"]}]
    if changes["rows"] is not None:
        parts.append(_("Rows: %(rows)s") % {"rows": changes["rows"]})
    used = {k: v for k, v in changes["filters"].items() if v not in (None, "", False)}
    if used:
        filters = ", ".join(f"{k}={v}" for k, v in used.items())
        parts.append(_("Filters: %(filters)s") % {"filters": filters})
    return "; ".join(parts)
