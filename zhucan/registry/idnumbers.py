"""Resident ID numbers (居民身份证号) and disability certificate numbers (残疾人证号).

Pure functions, no database: the registry form, the Excel import and the search box all go
through ``parse_id_number`` so that a number is understood the same way everywhere. Messages are
for the person who typed the number, so they say what is wrong and what to do.

A certificate number is the holder's 18-character ID number followed by the disability category
digit (1 视力 … 7 多重) and the grade digit (1 一级 … 4 四级); a reissued certificate may end with
``B`` and a digit (``…41B1``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from operator import mul

from django.utils.translation import gettext as _

# Weights of ISO 7064 MOD 11-2 as GB 11643-1999 uses them, and the check characters by remainder.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ZERO_WEIGHT = ord("0") * sum(_WEIGHTS)
# Full-width digits and letters (a phone's Chinese keyboard types them) to their ASCII forms.
_FULL_WIDTH = {0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF38: ord("X"), 0xFF58: ord("X")}
_SEPARATORS = re.compile(r"[\s\u3000\-－]")

CATEGORY_DIGITS = {"1": "visual", "2": "hearing", "3": "speech", "4": "physical"} | {
    "5": "intellectual",
    "6": "mental",
    "7": "multiple",
}
GRADE_DIGITS = {"1": 1, "2": 2, "3": 3, "4": 4}


class IdNumberError(ValueError):
    """A number that cannot be accepted, with a message a clerk can act on."""


@dataclass(frozen=True)
class IdNumber:
    number: str  # 18 characters, upper-case X
    birth_date: date
    sex: str  # "male" or "female": the 17th digit is odd for men
    birthplace_code: str  # the six-digit region code of where the number was first issued
    converted_from_15: bool = False

    @property
    def masked(self) -> str:
        return mask_id(self.number)


def normalise(raw: str) -> str:
    """Full-width digits to ASCII, separators out, a lower-case x to X."""
    text = str(raw)
    if text.isascii() and text.isalnum():
        # Nothing to translate or take out, as in nearly every cell of an import (which
        # normalises three numbers a row): the translation and the pattern cost ten times more.
        return text.upper()
    return _SEPARATORS.sub("", text.translate(_FULL_WIDTH)).upper()


def check_character(first17: str) -> str:
    """GB 11643's check character of the first 17 digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("the check character is computed from 17 ASCII digits")
    # The digits' byte values weighted, less what their "0" (48) adds: a fifth of the time of
    # int() per digit, and an import computes it for every row.
    return _CHECK[(sum(map(mul, first17.encode(), _WEIGHTS)) - _ZERO_WEIGHT) % 11]


def _birth_date(digits: str) -> date:
    try:
        born = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise IdNumberError(
            _("The birth date in this ID number (%(digits)s) is not a real date.")
            % {"digits": digits}
        ) from None
    return born


def parse_id_number(raw: str, *, today: date | None = None, convert_15: bool = True) -> IdNumber:
    """Validate an ID number and derive birth date, sex and birthplace from it.

    A 15-digit number (issued before 1999) is converted to 18 characters (19 inserted before the
    year, check character added) unless ``convert_15`` is false, when it is refused with a message
    that says so.
    """
    number = normalise(raw)
    if not number:
        raise IdNumberError(_("Enter the ID number."))
    converted = False
    if len(number) == 15:
        if not (number.isascii() and number.isdigit()):  # not ٣ or ³, which isdigit() accepts
            raise IdNumberError(_("A 15-digit ID number has digits only."))
        if not convert_15:
            raise IdNumberError(
                _("This is an old 15-digit ID number: enter the 18-character number.")
            )
        first17 = number[:6] + "19" + number[6:]
        number = first17 + check_character(first17)
        converted = True
    if len(number) != 18:
        raise IdNumberError(
            _("An ID number has 18 characters; this one has %(count)d.") % {"count": len(number)}
        )
    if not (number.isascii() and number[:17].isdigit()) or not (
        number[17].isdigit() or number[17] == "X"
    ):
        raise IdNumberError(_("An ID number has 17 digits followed by a digit or X."))
    born = _birth_date(number[6:14])
    today = today or date.today()  # noqa: DTZ011 (a birth date is a calendar date, no zone)
    if born > today:
        raise IdNumberError(_("The birth date in this ID number is in the future."))
    if born.year < 1900:
        raise IdNumberError(_("The birth date in this ID number is before 1900."))
    expected = check_character(number[:17])
    if number[17] != expected:
        raise IdNumberError(
            _("The last character of this ID number should be %(expected)s: check the number.")
            % {"expected": expected}
        )
    sex = "male" if int(number[16]) % 2 else "female"
    return IdNumber(number, born, sex, number[:6], converted)


@dataclass(frozen=True)
class Certificate:
    number: str
    category_digit: str
    grade: int
    suffix: str  # what follows the ID number: category, grade and any reissue mark


_CERT = re.compile(r"^(?P<id>\d{17}[\dX])(?P<cat>\d)(?P<grade>\d)(?P<reissue>B\d)?$")


def parse_certificate(
    raw: str, *, id_number: str, category_digit: str | None = None, grade: int | None = None
) -> Certificate:
    """Check a certificate number against its holder's ID number, category and grade."""
    number = normalise(raw)
    match = _CERT.match(number)
    if not match:
        raise IdNumberError(
            _(
                "A disability certificate number is the 18-character ID number followed by the "
                "category and grade digits (20 characters)."
            )
        )
    if match["id"] != id_number:
        raise IdNumberError(
            _("The certificate number does not start with this person's ID number.")
        )
    if match["cat"] not in CATEGORY_DIGITS:
        raise IdNumberError(_("The category digit of the certificate number must be 1 to 7."))
    if int(match["grade"]) not in GRADE_DIGITS.values():
        raise IdNumberError(_("The grade digit of the certificate number must be 1 to 4."))
    if category_digit is not None and match["cat"] != category_digit:
        raise IdNumberError(
            _("The certificate number says another disability category than the one given.")
        )
    if grade is not None and int(match["grade"]) != grade:
        raise IdNumberError(_("The certificate number says another grade than the one given."))
    return Certificate(number, match["cat"], int(match["grade"]), number[18:])


def mask_id(number: str) -> str:
    """The first 3 characters (province and city, which the county says anyway); the rest hidden.

    Nothing of the tail: its last 4 are the sequence code and check character, and with the
    birth year, sex and county kept in clear each shown character cuts what is left (even the
    check character alone divides it by 11, below 10,000 for a child registered in the year of
    their birth). ``registry.privacy_bound`` does the arithmetic.
    """
    if len(number) <= 3:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 3)


def mask_phone(number: str) -> str:
    """Only the last 2 digits.

    Not the usual 3 + 4 (139****5678): the 4 hidden middle digits of a mobile number are the
    block assigned to a city (号段), so with the person's county known they leave tens of
    numbers, not 10,000. With 9 digits hidden, a city's thousands of blocks times 100 remain.
    """
    digits = normalise(number)
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 2) + digits[-2:]


def mask_text(text: str) -> str:
    """An address or a guardian's contact: the first two characters, then stars."""
    text = text.strip()
    return text[:2] + "****" if text else ""
