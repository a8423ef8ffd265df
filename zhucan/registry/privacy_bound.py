"""How many ID numbers fit what a dump of the register shows of one person, without a key.

An 18-character number is birthplace (6 digits) + birth date (8) + sequence code (3, odd for
men) + check character (GB 11643, computed from the 17 before it). A row keeps in clear:

- ``birth_year`` and ``sex``; the organisation (and so the county code, which we grant the
  attacker as the birthplace: most people are registered where they were born);
- ``id_masked``: the first 3 characters only, which the county code already says;
- ``created_at``: the person was born on or before the day they were registered.

So the candidates are every day of the birth year up to the registration day, times the 500
sequence codes of the right parity, each with its one check character:

    365 days × 500 codes = 182,500 numbers for anyone registered after their birth year;
    at least 10,000 as long as 20 days of the birth year had passed at registration.

The bar is 10,000. The old row (birthplace, birth date, sex, first 3 and last 4) left exactly
one. Keeping the birth month would leave about 15,000 (31 × 500), the mask's check character
a further eleventh (1,400): so neither is kept. ``count_candidates`` enumerates them, check
character included, so the figure above is counted, not assumed.
"""

from __future__ import annotations

from datetime import date, timedelta

from zhucan.registry.idnumbers import check_character

BAR = 10_000


def count_candidates(
    *,
    county_code: str,
    birth_year: int,
    sex: str,
    id_masked: str,
    registered_on: date | None = None,
) -> int:
    """The 18-character numbers consistent with one row's clear columns and its mask."""
    visible = [(i, c) for i, c in enumerate(id_masked) if c != "*"]
    day = date(birth_year, 1, 1)
    last = date(birth_year, 12, 31)
    if registered_on is not None:
        last = min(last, registered_on)
    parity = 1 if sex == "male" else 0
    count = 0
    while day <= last:
        prefix = f"{county_code}{day:%Y%m%d}"
        for code in range(parity, 1000, 2):
            first17 = f"{prefix}{code:03d}"
            number = first17 + check_character(first17)
            if all(number[i] == c for i, c in visible):
                count += 1
        day += timedelta(days=1)
    return count
