"""Checks shared by the activity services."""

from __future__ import annotations

from zhucan.activities.workflow import REPORT_REVIEW
from zhucan.orgs.access import require_capability

# The services' name for the one capability check (a name here, so that it is exported).
require = require_capability

# Every change to a report locks it and checks the version its form was built from, as the
# review does.
lock = REPORT_REVIEW.lock
check_version = REPORT_REVIEW.check_version
