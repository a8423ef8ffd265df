"""Signals other apps listen to, so that campaigns need not know about them."""

from django.dispatch import Signal

# Sent after the transaction that published a campaign has committed; ``campaign_id`` is given.
campaign_published = Signal()

# Sent inside the publishing transaction when the coordinator gave a date for signing the notice
# (``campaign``, ``receipts_due``, ``by``). The receiver stores it where the reminders read it;
# an error there undoes the publication, so that a notice never goes out half set up.
receipts_due_chosen = Signal()

# Sent inside the transactions that change what recipients owe or delivered, for the apps that
# count it (completeness); an error there undoes the change, so a count never drifts:
# receipts created for ``org_paths`` (the recipients' paths) of ``campaign_id``;
recipients_added = Signal()
# a recipient (``org_path``) delivered ``kind`` (receipt, plan or report) for the first time,
# ``at`` that moment;
first_delivery = Signal()
# a campaign's deadlines moved: ``campaign`` as it is now, ``before`` an unsaved copy with the
# due dates it had.
deadlines_moved = Signal()
