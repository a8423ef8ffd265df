"""The townships and streets (乡镇、街道) of a county, as the county names them.

A person's township used to be free text, so "光明路街道" on one sheet and "光明路办事处" on
another counted as two places in the coverage figures. Each registry organisation now keeps
its list: the person form offers it, the import matches names to it (``registry.townships``)
and says which did not match. The person keeps the list's name as text (``Person.township``):
coverage over 300,000 people groups by it from an index without a join, and renaming or
merging a township here renames it on its people in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhucan.orgs.models import Organisation, under_paths
from zhucan.registry.models.people import registry_roots


class TownshipQuerySet(models.QuerySet["Township"]):
    def visible_to(self, user: Any) -> TownshipQuerySet:
        """The lists of the organisations where the user may see the registry."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        condition = under_paths(registry_roots(user), "organisation__path")
        return self.none() if condition is None else self.filter(condition)


class Township(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="registry_townships",
    )
    name = models.CharField(_("township or street"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TownshipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="township_once_per_org")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_org_path(self) -> str:
        return self.organisation.path
