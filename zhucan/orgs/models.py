"""Regions (GB/T 2260) and the organisation tree that defines every jurisdiction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# How long a person's roles stay in the cache unread; a change makes a new key at once.
MEMBERSHIPS_CACHE_SECONDS = 60 * 60

if TYPE_CHECKING:
    from zhucan.accounts.models import User


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")
        TOWNSHIP = "township", _("Township")
        VILLAGE = "village", _("Village")

    # Six digits for province, city and county (GB/T 2260); 9 or 12 for township and village.
    code = models.CharField(_("region code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_current = models.BooleanField(_("in current use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Department(models.TextChoices):
    """The departments that sit on a committee, as notices name them (see GLOSSARY)."""

    FEDERATION = "federation", _("Disabled Persons' Federation")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil Affairs")
    HUMAN_RESOURCES = "human_resources", _("Human Resources and Social Security")
    HEALTH = "health", _("Health")
    MEDICAL_INSURANCE = "medical_insurance", _("Medical Insurance")
    EDUCATION = "education", _("Education")
    HOUSING = "housing", _("Housing and Urban-Rural Development")
    RURAL_REVITALISATION = "rural_revitalisation", _("Poverty Alleviation (Rural Revitalisation)")
    UNION = "union", _("Trade Union")
    YOUTH_LEAGUE = "youth_league", _("Communist Youth League")
    WOMENS_FEDERATION = "womens_federation", _("Women's Federation")
    MILITARY = "military", _("Garrison Forces")
    PUBLICITY = "publicity", _("Publicity Department")
    FINANCE = "finance", _("Finance")
    OTHER = "other", _("Other")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: User | Any) -> OrganisationQuerySet:
        """The organisations in the user's jurisdiction: the subtrees of their memberships."""
        condition = jurisdiction_q(user, "path")
        return self.none() if condition is None else self.filter(condition)

    def subtree_of(self, org: Organisation) -> OrganisationQuerySet:
        return self.filter(path__startswith=org.path)

    def in_order(self) -> OrganisationQuerySet:
        """The order people expect (see ``zhucan.orgs.ordering``), not the order of creation."""
        return self.order_by("sort_path", "pk")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Disability work committee")
        FEDERATION = "federation", _("Disabled Persons' Federation")
        MEMBER_UNIT = "member_unit", _("Member unit")
        INSTITUTION = "institution", _("Institution")
        GOVERNMENT = "government", _("People's government")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    department = models.CharField(
        _("department"), max_length=30, choices=Department.choices, blank=True
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path "/1/7/42/": a jurisdiction is one indexed prefix query at any depth.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # The tree again, each step keyed by the organisation's place among its siblings (counties
    # by region code, then members in the notices' order): see zhucan.orgs.ordering.
    sort_path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # Where the committee lists this member, when its list differs from the notices' usual
    # order of departments; members with a place come first, by it.
    member_position = models.PositiveSmallIntegerField(
        _("place in the committee's member list"), null=True, blank=True
    )
    issuer_code = models.CharField(_("document issuer code"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["sort_path", "pk"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_in_parent"),
        ]
        # Campaign lists keep to the levels at or above a person's own (a national tree has
        # tens of thousands of organisations below them): found by depth, not by a scan.
        indexes = [models.Index(fields=["depth"], name="org_depth")]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_org_path(self) -> str:
        return self.path

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]

    def is_within(self, other: Organisation) -> bool:
        return self.path.startswith(other.path)


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        COORDINATOR = "coordinator", _("Coordinator")
        REPORTER = "reporter", _("Reporter")
        REVIEWER = "reviewer", _("Reviewer")
        VIEWER = "viewer", _("Viewer")
        AUDITOR = "auditor", _("Auditor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    @property
    def audit_org_path(self) -> str:
        return self.organisation.path


def memberships_of(user: Any) -> list[tuple[str, str]]:
    """(organisation path, role) of each of the user's roles in active organisations.

    Kept on the user object for the request, and in the cache between requests under the
    user's ``access_version``, which every service that changes roles, the tree or the second
    factor raises (``orgs.access_version``): a new version is a new key, so nothing cached
    outlives a change.
    """
    cached = getattr(user, "_zhucan_memberships", None)
    if cached is not None:
        return list(cached)
    version = getattr(user, "access_version", None)
    key = f"zhucan:memberships:{user.pk}:{version}"
    found = cache.get(key) if version is not None else None
    if found is None:
        found = list(
            Membership.objects.filter(user=user, organisation__is_active=True).values_list(
                "organisation__path", "role"
            )
        )
        if version is not None:
            cache.set(key, found, MEMBERSHIPS_CACHE_SECONDS)
    user._zhucan_memberships = found
    return list(found)


def jurisdiction_paths(user: Any) -> list[str]:
    """Root paths of the user's jurisdiction, minimal (a path inside another is dropped).

    Cached on the user object for the request, since every scoped query needs it.
    """
    cached = getattr(user, "_zhucan_jurisdiction_paths", None)
    if cached is not None:
        return list(cached)
    paths = sorted({path for path, _role in memberships_of(user)})
    minimal: list[str] = []
    for path in paths:
        if not any(path.startswith(root) for root in minimal):
            minimal.append(path)
    user._zhucan_jurisdiction_paths = tuple(minimal)
    return minimal


def under_paths(paths: list[str], field_name: str) -> Q | None:
    """Rows whose ``field_name`` (an organisation path) lies under any of ``paths``; None when
    there are none (callers decide whether that means nothing or everything)."""
    if not paths:
        return None
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field_name}__startswith": path})
    return condition


def jurisdiction_q(user: Any, *path_fields: str) -> Q | None:
    """A filter for rows whose organisation path (any of ``path_fields``, e.g.
    "organisation__path") lies in the user's jurisdiction. None means "nothing"; an empty Q,
    for superusers, means "everything". Every model's ``visible_to`` is built on this."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    paths = jurisdiction_paths(user)
    if not paths:
        return None
    condition = Q()
    for path in paths:
        for field in path_fields:
            condition |= Q(**{f"{field}__startswith": path})
    return condition
