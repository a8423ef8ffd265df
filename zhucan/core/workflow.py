"""The review workflow: something is written, sent up (submitted), and decided on by someone
entitled to, who accepts it or returns it for another round. Activity plans and activity
reports follow it; each app declares its own states and transitions as data and this module
does the rest, the same way for all of them:

1. lock the row (``select_for_update``), so that two reviewers, or two clicks, queue and the
   second sees what the first did;
2. ask the transition's ``may`` whether the acting user may take it (the app supplies the
   check, as ``core`` knows nothing of roles or organisations);
3. a repeat of a step already taken (a second click on "submit") does nothing;
4. a state the transition does not start from is refused with the app's message;
5. a stale ``version`` (the form was built from an older copy) is refused with a message that
   asks the person to reload (the app's own, declared with ``gettext_lazy``, or ``STALE``);
6. the new state, the time stamps and ``version + 1`` are saved with ``update_fields``, and the
   audit entry written, in the caller's transaction.

A service reads::

    @transaction.atomic
    def approve_plan(*, by, plan, version):
        step = PLAN_REVIEW.begin("approve", plan, by=by, version=version)
        ...  # what only plans do
        return step.finish()

A nomination (or a help request) adopts it by declaring its states and transitions only; the
model needs ``status`` (a ``CharField`` with these values) and ``version``, and the
``<stamp>_at`` / ``<stamp>_by`` fields its transitions name::

    class Nomination(models.Model):
        class Status(models.TextChoices):
            DRAFT = workflow.DRAFT, _("Draft")
            SUBMITTED = workflow.SUBMITTED, _("Submitted")
            RETURNED = workflow.RETURNED, _("Returned")
            CHOSEN = "chosen", _("Chosen")

    NOMINATION_REVIEW = workflow.Workflow(
        model=Nomination,
        related=("organisation",),
        transitions={
            "submit": workflow.Transition(
                sources={workflow.DRAFT, workflow.RETURNED},
                target=workflow.SUBMITTED,
                repeats={workflow.SUBMITTED},
                may=may_nominate,  # (by, nomination) -> None, raises DomainError
                action="nominations.nomination.submitted",
                stamp="submitted",
            ),
            "choose": workflow.Transition(
                sources={workflow.SUBMITTED},
                target="chosen",
                may=may_judge,
                action="nominations.nomination.chosen",
                stamp="decided",
                decides=True,
            ),
            "return": workflow.Transition(
                sources={workflow.SUBMITTED},
                target=workflow.RETURNED,
                may=may_judge,
                action="nominations.nomination.returned",
                stamp="decided",
                decides=True,
            ),
        },
    )
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError

# The states every review shares. The decided state is each app's own word (a plan is
# approved, a report accepted: GLOSSARY.md), declared with its model.
DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
# The author may change it only before it is sent up, or after it came back.
EDITABLE = frozenset({DRAFT, RETURNED})

# For a review that names no message of its own.
STALE = gettext_lazy(
    "Someone else changed this while you had it open. "
    "Reload the page to see their changes, then make yours again."
)

M = TypeVar("M", bound=models.Model)

# Raises ``DomainError`` with a message the person can read when ``by`` may not act on it.
Check = Callable[[Any, Any], None]


@dataclass(frozen=True)
class Transition:
    """One step of a review. ``sources``: the states it starts from; ``repeats``: the states
    where asking again means it was done already (a second click, a resend), so nothing
    changes; ``may``: who may take it; ``action``: the audit log's name for it; ``stamp``:
    ``"decided"`` sets ``decided_at`` (and ``decided_by`` when the model has it); ``decides``:
    a reviewer's decision, so a stale version on something no longer awaiting one means it
    was decided meanwhile; ``stale``: this step's own message for a stale version."""

    sources: Collection[str]
    target: str
    may: Check
    action: str
    repeats: Collection[str] = frozenset()
    stamp: str = ""
    decides: bool = False
    stale: StrOrPromise = ""


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


@dataclass(frozen=True)
class Workflow(Generic[M]):
    """The review of one model. ``stale``: the message for a form built from an older copy
    (lazy, translated when raised); ``refused(obj)``: the error for a state a transition does not
    start from (default: names the state); ``related``: what ``lock`` joins for the checks."""

    model: type[M]
    transitions: Mapping[str, Transition]
    stale: StrOrPromise = STALE
    refused: Callable[[M], DomainError] | None = None
    related: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # A declaration naming a state the field does not allow, or a stamp field the model
        # lacks, fails when the app loads rather than at someone's first click.
        label = self.model._meta.label
        for name in ("status", "version"):
            if not _has_field(self.model, name):
                raise ImproperlyConfigured(f"{label} has no {name} field to review")
        status: Any = self.model._meta.get_field("status")
        states = {value for value, _label in status.choices or ()}
        for name, transition in self.transitions.items():
            named = {*transition.sources, *transition.repeats, transition.target}
            if named - states:
                raise ImproperlyConfigured(
                    f"{label} transition {name!r} names unknown states {sorted(named - states)}"
                )
            if transition.stamp and not _has_field(self.model, f"{transition.stamp}_at"):
                raise ImproperlyConfigured(f"{label} has no {transition.stamp}_at field")

    def lock(self, obj: M) -> M:
        """The row again, locked until the transaction ends: whoever comes second waits, then
        sees the first one's state and version."""
        queryset = self.model._default_manager.select_for_update(of=("self",))
        return queryset.select_related(*self.related).get(pk=obj.pk)

    def check_version(self, obj: M, version: int) -> None:
        """Refuse a change made from a copy older than the row (another tab, another person)."""
        row: Any = obj  # any model with a ``version``
        if row.version != version:
            raise DomainError(str(self.stale))

    def refusal(self, obj: M) -> DomainError:
        if self.refused is not None:
            return self.refused(obj)
        row: Any = obj
        return DomainError(
            _("This is %(status)s now, so that cannot be done. Reload the page to see it.")
            % {"status": row.get_status_display()}
        )

    def begin(self, name: str, obj: M, *, by: Actor, version: int) -> Step[M]:
        """Lock ``obj`` and make every check of transition ``name``; the caller adds its own
        checks and changes, then calls ``finish`` (or returns the object when ``done``)."""
        transition = self.transitions[name]
        locked = self.lock(obj)
        transition.may(by, locked)
        row: Any = locked  # any model with a ``status`` and a ``version``
        status = row.status
        if status in transition.repeats:
            return Step(self, transition, locked, by, done=True)
        if status not in transition.sources:
            raise self.refusal(locked)
        if row.version != version:
            if transition.decides and status != SUBMITTED:
                # Decided since the page was opened: say so, rather than "changed by someone".
                raise self.refusal(locked)
            raise DomainError(str(transition.stale or self.stale))
        return Step(self, transition, locked, by, done=False)


@dataclass
class Step(Generic[M]):
    """A transition checked and under way on the locked ``obj``. ``done``: it had been taken
    already, and there is nothing to do. ``at``: the one time its stamps and records use."""

    workflow: Workflow[M]
    transition: Transition
    obj: M
    by: Actor
    done: bool
    at: datetime = field(default_factory=timezone.now)

    def finish(self, *, fields: Sequence[str] = (), changes: dict[str, Any] | None = None) -> M:
        """Move to the new state and save it with ``fields`` (what the caller changed besides),
        then write the audit entry with ``changes``. Must run inside the caller's
        transaction, as the lock does."""
        if self.done:
            raise RuntimeError("this step was taken already; return the object instead")
        transition, obj, model = self.transition, self.obj, self.workflow.model
        saved = ["status", *fields, "version"]
        if transition.stamp:
            setattr(obj, f"{transition.stamp}_at", self.at)
            saved.append(f"{transition.stamp}_at")
            if _has_field(model, f"{transition.stamp}_by"):
                setattr(obj, f"{transition.stamp}_by", self.by)
                saved.append(f"{transition.stamp}_by")
        if _has_field(model, "updated_at"):
            saved.append("updated_at")  # auto_now moves only when named
        row: Any = obj
        row.status = transition.target
        row.version += 1
        row.save(update_fields=list(dict.fromkeys(saved)))
        audit.record(by=self.by, action=transition.action, target=obj, changes=changes)
        return obj
