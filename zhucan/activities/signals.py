"""Signals other apps listen to, so that activities need not know about them.

The statistics (an app above activities) keep their roll-up cells from these; they connect in
their ``AppConfig.ready()`` (docs/architecture.md, Layers).
"""

from django.dispatch import Signal

# Sent inside the review's transaction after a report was accepted (``report``): its figures
# now count in the roll-ups. An error in a receiver undoes the acceptance.
report_accepted = Signal()

# Sent inside the review's transaction when an accepted report is returned for correction
# (``report``, still as it was accepted): its figures come off the roll-ups again.
accepted_report_returned = Signal()
