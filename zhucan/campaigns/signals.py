"""Signals other apps listen to, so that campaigns need not know about them."""

from django.dispatch import Signal

# Sent after the transaction that published a campaign has committed; ``campaign_id`` is given.
campaign_published = Signal()

# Sent inside the publishing transaction when the coordinator gave a date for signing the notice
# (``campaign``, ``receipts_due``, ``by``). The receiver stores it where the reminders read it;
# an error there undoes the publication, so that a notice never goes out half set up.
receipts_due_chosen = Signal()
