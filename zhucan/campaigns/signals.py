"""Signals other apps listen to, so that campaigns need not know about them.

Apps above campaigns (completeness, stats) connect their receivers in ``AppConfig.ready()``;
campaigns never imports them (docs/architecture.md, Layers). Each signal carries plain values.
"""

from django.dispatch import Signal

# Sent after the transaction that published a campaign has committed; ``campaign_id`` is given.
campaign_published = Signal()

# Sent inside the publishing transaction when the coordinator gave a date for signing the notice
# (``campaign``, ``receipts_due``, ``by``). The receiver stores it where the reminders read it;
# an error there undoes the publication, so that a notice never goes out half set up.
receipts_due_chosen = Signal()

# Sent inside the publishing transaction once the receipts exist: ``campaign_id`` and
# ``org_paths``, the tree paths of the organisations the notice went to. The statistics count
# the recipients of every line from it.
receipts_sent = Signal()

# Sent inside the transaction in which a recipient delivered something for the first time:
# ``campaign_id``, ``org_path`` (the recipient's tree path), ``kind`` ("receipt", "plan" or
# "report") and ``at``, its moment. Later deliveries of the same kind do not send it.
first_delivered = Signal()

# Sent inside the transaction that moved a campaign's deadlines: ``campaign`` as it is now,
# ``before`` an unsaved copy with the due dates it had (completeness moves its kept counts).
deadlines_moved = Signal()
