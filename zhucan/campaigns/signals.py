"""Signals other apps listen to, so that campaigns need not know about them."""

from django.dispatch import Signal

# Sent after the transaction that published a campaign has committed; ``campaign_id`` is given.
campaign_published = Signal()
