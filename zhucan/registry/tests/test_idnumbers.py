"""ID and certificate numbers: the cases clerks really meet, each with a clear message."""

from __future__ import annotations

from datetime import date

import pytest

from zhucan.registry.idnumbers import (
    IdNumberError,
    check_character,
    mask_id,
    mask_phone,
    parse_certificate,
    parse_id_number,
)

# A valid number (check character computed, not copied): Pingdingshan Xinhua district.
FIRST17 = "41040219850312002"
VALID = FIRST17 + check_character(FIRST17)


def test_valid_number_gives_birth_date_sex_and_birthplace() -> None:
    parsed = parse_id_number(VALID)
    assert parsed.birth_date == date(1985, 3, 12)
    assert parsed.sex == "female"  # 17th digit 2 is even
    assert parsed.birthplace_code == "410402"
    assert parsed.masked == "410" + "*" * 15


def test_full_width_digits_spaces_and_lowercase_x_are_understood() -> None:
    first17 = "11010519491231002"
    number = first17 + check_character(first17)
    assert number.endswith("X")
    typed = number[:-1].translate({0x30 + i: 0xFF10 + i for i in range(10)}) + "x"
    assert parse_id_number(" " + typed[:6] + " " + typed[6:]).number == number


def test_wrong_check_character_says_which_one_is_expected() -> None:
    wrong = FIRST17 + ("0" if VALID[-1] != "0" else "1")
    with pytest.raises(IdNumberError, match="should be " + VALID[-1]):
        parse_id_number(wrong)


def test_birth_date_in_the_future_is_refused() -> None:
    first17 = "41040220300101001"
    with pytest.raises(IdNumberError, match="future"):
        parse_id_number(first17 + check_character(first17), today=date(2026, 1, 1))


def test_impossible_date_is_refused() -> None:
    first17 = "41040219850231001"
    with pytest.raises(IdNumberError, match="not a real date"):
        parse_id_number(first17 + check_character(first17))


def test_old_15_digit_number_is_converted_or_refused_clearly() -> None:
    converted = parse_id_number("410402850312002")
    assert converted.number == VALID and converted.converted_from_15
    with pytest.raises(IdNumberError, match="15-digit"):
        parse_id_number("410402850312002", convert_15=False)


@pytest.mark.parametrize("raw", ["", "12345", "4104021985031200AA", "=1+1"])
def test_malformed_numbers_are_refused(raw: str) -> None:
    with pytest.raises(IdNumberError):
        parse_id_number(raw)


def test_certificate_must_match_id_category_and_grade() -> None:
    assert parse_certificate(VALID + "41", id_number=VALID, category_digit="4", grade=1).grade == 1
    assert parse_certificate(VALID + "41B1", id_number=VALID).suffix == "41B1"
    other17 = "41040219850312003"
    other = other17 + check_character(other17)
    with pytest.raises(IdNumberError, match="does not start"):
        parse_certificate(other + "41", id_number=VALID)
    with pytest.raises(IdNumberError, match="category"):
        parse_certificate(VALID + "41", id_number=VALID, category_digit="1")
    with pytest.raises(IdNumberError, match="grade"):
        parse_certificate(VALID + "41", id_number=VALID, category_digit="4", grade=2)
    with pytest.raises(IdNumberError, match="1 to 4"):
        parse_certificate(VALID + "45", id_number=VALID)


def test_masks_keep_nothing_of_the_tail_that_narrows_the_number() -> None:
    # The ID mask: first 3 only (see privacy_bound). A phone: the last 2 digits only; its
    # middle 4 are the city's block, so 139****5678 would leave tens of numbers, not 10,000.
    assert mask_id(VALID) == VALID[:3] + "*" * 15
    assert mask_phone("13912345678") == "*********78"


@pytest.mark.parametrize("raw", ["4104021985031200٣X", "41040285031200٣", "41040219850312003³"])
def test_digits_of_other_scripts_are_refused_clearly(raw: str) -> None:
    with pytest.raises(IdNumberError):
        parse_id_number(raw)
