"""Registered disabled people (持证残疾人). Sensitive personal data under PIPL.

The ID number, phones, address and the guardian's phone are stored only as ciphertext
(``*_ct``, see ``registry.crypto``) next to a masked form for lists (``*_masked``: what any
permitted screen may show). The clear value is read only through
``registry.services.privacy.reveal_person``, which audits it. Name, birth year, sex,
disability and needs stay searchable in the clear: the coverage and one-child-one-plan
questions are asked of them.

Nothing else the ID number says is kept in clear: not the birth date, not the birthplace code.
With those beside the old mask (first 3 and last 4) every number of a dump could be rebuilt.
What is kept (birth year, sex, the county of the organisation, the mask's first 3
characters) leaves at least 10,000 numbers possible for every row: ``registry.privacy_bound``
does the arithmetic, ``test_privacy_bound`` checks it on a stored row.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhucan.orgs.access import capability_roots
from zhucan.orgs.models import Organisation, Region, under_paths
from zhucan.orgs.roles import Capability

# Any need flag set: the people the coverage page counts (and its partial index holds).
NEED_FLAGS = ("need_income_fell", "need_no_guardian", "need_no_care", "need_other")
IN_NEED = (
    Q(need_income_fell=True) | Q(need_no_guardian=True) | Q(need_no_care=True) | Q(need_other=True)
)


def registry_roots(user: Any) -> list[str]:
    """Paths of the subtrees where the user may see registered people (PERSONAL_DATA), minimal.

    A jurisdiction alone is not enough: a reporter or viewer of a county sees its work but not
    the people on its register.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    minimal: list[str] = []
    for path in sorted(set(capability_roots(user, Capability.PERSONAL_DATA))):
        if not any(path.startswith(root) for root in minimal):
            minimal.append(path)
    return minimal


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: Any) -> PersonQuerySet:
        """People living where the user holds PERSONAL_DATA; nothing for anyone else."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        condition = under_paths(registry_roots(user), "org_path")
        return self.none() if condition is None else self.filter(condition)

    def in_need(self) -> PersonQuerySet:
        return self.filter(IN_NEED)


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Category(models.TextChoices):
        # The value is the certificate's category digit (GB/T 26341).
        VISUAL = "1", _("Visual (视力)")
        HEARING = "2", _("Hearing (听力)")
        SPEECH = "3", _("Speech (言语)")
        PHYSICAL = "4", _("Physical (肢体)")
        INTELLECTUAL = "5", _("Intellectual (智力)")
        MENTAL = "6", _("Mental (精神)")
        MULTIPLE = "7", _("Multiple (多重)")

    class Grade(models.IntegerChoices):
        ONE = 1, _("Grade 1 (一级)")
        TWO = 2, _("Grade 2 (二级)")
        THREE = 3, _("Grade 3 (三级)")
        FOUR = 4, _("Grade 4 (四级)")

    class Poverty(models.TextChoices):
        NONE = "none", _("Not poor")
        REGISTERED = "registered", _("Registered poor (建档立卡)")
        LIFTED = "lifted", _("Lifted out of poverty (已脱贫)")
        MONITORED = "monitored", _("Under monitoring (监测对象)")

    class LegalBasis(models.TextChoices):
        # PIPL art. 13: the grounds on which a federation may hold this data.
        STATUTORY = "statutory", _("Statutory duty (履行法定职责)")
        CONSENT = "consent", _("Consent of the person or guardian")
        EMERGENCY = "emergency", _("Protecting life, health or property in an emergency")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="registered_people",
    )
    # The organisation's path, copied so that jurisdiction and coverage over 300,000 people
    # are one indexed prefix match without a join (kept in step by the services).
    org_path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # Indexed in ``Meta`` (plain btree): a ForeignKey's own index adds, on PostgreSQL, a
    # second one for LIKE on the code, which nothing asks of this column.
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )
    township = models.CharField(_("township"), max_length=60, blank=True)
    village = models.CharField(_("village"), max_length=60, blank=True)
    name = models.CharField(_("name"), max_length=50)

    id_number_ct = models.TextField(editable=False)
    # Unique through ``Meta.constraints``: ``unique=True`` adds, on PostgreSQL, a second index
    # for LIKE, and the blind index is only ever compared whole. Every import writes both at
    # random places in the tree.
    id_index = models.CharField(max_length=64, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    # The year only (see the module docstring): ages and school age are worked out from it.
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)

    category = models.CharField(_("disability category"), max_length=1, choices=Category.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    # What the certificate adds to the ID number: category, grade and any reissue mark
    # ("41", "41B1"); empty while no certificate is recorded.
    certificate_suffix = models.CharField(max_length=4, blank=True)

    phone_ct = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    address_ct = models.TextField(blank=True, editable=False)
    address_masked = models.CharField(_("address"), max_length=20, blank=True, editable=False)
    household_number = models.CharField(_("household number"), max_length=30, blank=True)
    guardian_name = models.CharField(_("guardian or carer"), max_length=50, blank=True)
    guardian_relation = models.CharField(_("relation"), max_length=20, blank=True)
    guardian_phone_ct = models.TextField(blank=True, editable=False)
    guardian_phone_masked = models.CharField(
        _("guardian's phone"), max_length=20, blank=True, editable=False
    )

    poverty = models.CharField(
        _("poverty status"), max_length=12, choices=Poverty.choices, default=Poverty.NONE
    )
    need_income_fell = models.BooleanField(_("income fell because of the epidemic"), default=False)
    need_no_guardian = models.BooleanField(_("lacks guardianship"), default=False)
    need_no_care = models.BooleanField(_("lacks care"), default=False)
    need_other = models.BooleanField(_("other need"), default=False)
    need_note = models.CharField(_("about the need"), max_length=200, blank=True)

    legal_basis = models.CharField(
        _("legal basis"), max_length=12, choices=LegalBasis.choices, default=LegalBasis.STATUTORY
    )
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_note = models.CharField(_("about the consent"), max_length=200, blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["org_path", "name", "id"]
        verbose_name = _("registered person")
        verbose_name_plural = _("registered people")
        indexes = [
            models.Index(fields=["org_path", "township"], name="person_org_township"),
            models.Index(fields=["birth_year"], name="person_birth_year"),
            models.Index(fields=["region"], name="person_region"),
            # The coverage page reads only people in need under one prefix of org_path: a
            # partial index holding just them, with what the roll-up groups and counts by, so
            # that PostgreSQL answers a city of 300,000 from the index alone. Pattern ops make
            # the LIKE prefix match usable (PostgreSQL only; other databases ignore them).
            models.Index(
                fields=["org_path"],
                name="person_in_need",
                condition=IN_NEED,
                include=["id", "organisation", "township", *NEED_FLAGS],
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=4), name="person_grade"),
            models.UniqueConstraint(fields=["id_index"], name="person_id_index_unique"),
        ]

    def __str__(self) -> str:
        # No name and no number: this is what the audit log keeps of a person (``object_repr``),
        # and the log must still hold nothing personal once the person is erased.
        return f"{self._meta.verbose_name} #{self.pk}"

    @property
    def audit_org_path(self) -> str:
        return self.org_path

    @property
    def needs(self) -> list[str]:
        """The need flags that are set, as labels for a screen."""
        return [
            str(label)
            for flag, label in (
                (self.need_income_fell, _("income fell because of the epidemic")),
                (self.need_no_guardian, _("lacks guardianship")),
                (self.need_no_care, _("lacks care")),
                (self.need_other, _("other need")),
            )
            if flag
        ]
