"""Keeping the roll-up cells right: incrementally as reports are accepted or returned, and
rebuilt from the reports when asked."""

from zhucan.stats.services.cells import count_accepted_report, uncount_report
from zhucan.stats.services.rebuild import rebuild_cells

__all__ = ["count_accepted_report", "rebuild_cells", "uncount_report"]
