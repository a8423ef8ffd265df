"""Every create form is sent once, however many times it arrives.

A create form carries a random token (``client_id``, a hidden input made when the page is
drawn; ``core.forms.CreateForm``). The service that creates passes it to ``create_once`` inside
its own transaction: the first request with that (user, token) inserts a ``FormSubmission`` row,
makes the object and notes its id on the row; any other request with the same token, before or
after, gets that object back and makes nothing. When the requests race, the unique constraint
decides: on PostgreSQL the second insert waits for the first transaction, then fails, and the
loser reads the winner's row (READ COMMITTED sees it at once). A winner that fails rolls its row
back with everything else, so the token is free again for the corrected form.

Activity reports keep the same idea on their own row (``ActivityReport.client_id``), because
the phone and the Excel import make that id themselves before any form exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.models import FormSubmission

M = TypeVar("M", bound=models.Model)


def create_once(
    *, by: Actor | None, token: uuid.UUID | None, model: type[M], create: Callable[[], M]
) -> M:
    """Run ``create`` once per (``by``, ``token``) and return what it made, or what the first
    request with the same token made. Without a token (imports, commands) it just creates."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("create_once must be called inside the service's transaction")
    if token is None or by is None or not by.is_authenticated:
        return create()
    label = model._meta.label_lower
    submission = FormSubmission.objects.filter(user=by, token=token).first()
    if submission is None:
        try:
            with transaction.atomic():  # a savepoint: a parallel request may win the race
                submission = FormSubmission.objects.create(user=by, token=token, model=label)
        except IntegrityError:
            submission = FormSubmission.objects.get(user=by, token=token)
        else:
            made = create()
            submission.object_id = str(made.pk)
            submission.save(update_fields=["object_id"])
            return made
    return _earlier(submission, model, label)


def _earlier(submission: FormSubmission, model: type[M], label: str) -> M:
    if submission.model != label:
        # A token reused by hand on another form: never hand back an object of another kind.
        raise DomainError(_("This form was already sent. Reload the page and try again."))
    made = model._default_manager.filter(pk=submission.object_id).first()
    if made is None:
        raise DomainError(_("This form was already sent, and what it made has since been removed."))
    return made


# A form left open longer than this and sent again makes a new object: by then it is a new
# intention, not a double click or a resend.
KEEP_DAYS = 30


def purge_form_submissions(*, days: int = KEEP_DAYS) -> int:
    """Forget the tokens of forms sent more than ``days`` ago; returns how many were removed."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _by_model = FormSubmission.objects.filter(at__lt=cutoff).delete()
    return deleted
