"""The registry's models, one module per sub-domain so that parallel work stays apart."""

from zhucan.registry.models.assistance import Assistance
from zhucan.registry.models.education import EducationCase
from zhucan.registry.models.imports import ImportMapping, RegistryImport
from zhucan.registry.models.keys import KeyCheck, KeyKind, KeyRotation
from zhucan.registry.models.lookups import RegistryLookup
from zhucan.registry.models.people import Person, PersonQuerySet
from zhucan.registry.models.townships import Township

__all__ = [
    "Assistance",
    "EducationCase",
    "ImportMapping",
    "KeyCheck",
    "KeyKind",
    "KeyRotation",
    "Person",
    "PersonQuerySet",
    "RegistryImport",
    "RegistryLookup",
    "Township",
]
