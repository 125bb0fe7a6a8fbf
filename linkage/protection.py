"""Who the Family Violence Indicator protects, and which fields would locate them: the one home of
that policy, read by locate, the review sheet, the reports and the service.

A person is protected when the indicator is set on any of their records (one program's flag
protects what every other program holds), and so is their household: the custodial party and the
children of every case they are in (they live together, so one of them gives the others away), and
anyone known at an address where one of those is known. The abusive parent (NCP or PF of those
cases) is *not* protected by the household rule: hiding the family from him is the point.

Location is named once, as columns: the input fields and every standardized or key column derived
from them. A field added to `LOCATION_FIELDS` later (a phone number) is withheld, left out of
protected persons' scores and out of their candidate keys without anyone remembering to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from linkage import columns as C

WITHHELD = "withheld: family violence indicator"

# Input fields that say where a person is.
LOCATION_FIELDS: tuple[str, ...] = (C.STREET, C.CITY, C.STATE, C.ZIP)
# Those and every column standardization or blocking derives from them.
LOCATION_COLUMNS: frozenset[str] = frozenset({*LOCATION_FIELDS, C.STREET_STD, C.ZIP5, C.ZIP3, C.HOUSE, C.CITY_STD})
# Who lives with a protected person: the custodial party and the children of each of her cases.
HOUSEHOLD_ROLES: tuple[str, ...] = ("CP", "CH")


def is_location(column: str) -> bool:
    return column in LOCATION_COLUMNS


def reads_location(columns: Iterable[str]) -> bool:
    """Whether a rule or comparison over these columns would tell where someone is."""
    return any(is_location(c) for c in columns)


def location_comparisons(splink_model: Mapping) -> frozenset[str]:
    """Names of a Splink model's comparisons that read a location column (from their SQL), which
    must not score a protected person: a guessed address would otherwise move the probability."""
    out = set()
    for comp in splink_model["comparisons"]:
        sql = " ".join(lvl.get("sql_condition", "") for lvl in comp["comparison_levels"])
        if any(f"{c}_l" in sql for c in LOCATION_COLUMNS):
            out.add(comp["output_column_name"])
    return frozenset(out)


def place_key() -> pl.Expr:
    """Street and zip when there is a street; otherwise city and zip: what would locate someone."""
    street = pl.col(C.STREET).str.to_uppercase().str.replace_all(r"[^A-Z0-9]+", " ").str.strip_chars()
    city = pl.col(C.CITY).str.to_uppercase().str.strip_chars()
    zip5 = pl.col(C.ZIP).str.replace_all(r"[^0-9]", "").str.slice(0, 5)
    return (
        pl.when(street.is_not_null() & (street != ""))
        .then(pl.concat_str(street, pl.lit("|"), zip5.fill_null("")))
        .when(city.is_not_null() | zip5.is_not_null())
        .then(pl.concat_str(pl.lit("|"), city.fill_null(""), pl.lit("|"), zip5.fill_null("")))
    )


def place_of(row: Mapping[str, object]) -> str | None:
    """`place_key` of one record given as a dict."""
    frame = pl.DataFrame(
        [{c: row.get(c) for c in (C.STREET, C.CITY, C.ZIP)}], schema={C.STREET: pl.String, C.CITY: pl.String, C.ZIP: pl.String}
    )
    return frame.select(place_key())[0, 0]


def household(records: pl.DataFrame, core: Iterable[str]) -> set[str]:
    """`core` persons and the CP and children of every case a core person is in."""
    core = pl.Series(sorted(set(core)), dtype=pl.String)
    cases = records.filter(pl.col(C.PERSON_ID).is_in(core.implode())).select(C.SOURCE_SYSTEM, C.CASE_ID).unique()
    members = records.join(cases, on=[C.SOURCE_SYSTEM, C.CASE_ID]).filter(pl.col(C.ROLE).is_in(HOUSEHOLD_ROLES))
    return set(core.to_list()) | set(members[C.PERSON_ID].drop_nulls().to_list())


def protected_places(records: pl.DataFrame, people: set[str]) -> set[str]:
    """Address keys where any of `people` is known."""
    who = pl.Series(sorted(people), dtype=pl.String)
    keys = records.filter(pl.col(C.PERSON_ID).is_in(who.implode())).select(place_key().alias("k"))["k"]
    return set(keys.drop_nulls().to_list())


@dataclass(frozen=True)
class Shield:
    """Who is protected and why: `core` have the indicator set, `people` are everyone protected
    (core, household, anyone known where the household is), `places` the household's addresses."""

    core: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()

    def covers(self, row: Mapping[str, object], case_people: Iterable[str]) -> bool:
        """Whether a record arriving now falls under this shield: its person is core, it has the
        indicator, it joins a core person's case as CP or child, or it is at a protected place."""
        return bool(
            row.get(C.FVI_FLAG)
            or row.get(C.PERSON_ID) in self.core
            or (row.get(C.ROLE) in HOUSEHOLD_ROLES and any(p in self.core for p in case_people))
            or (self.places and place_of(row) in self.places)
        )


def shield(records: pl.DataFrame) -> Shield:
    """The shield over linked records (person_id, fvi_flag, case, role, address columns)."""
    flagged = records.filter(pl.col(C.FVI_FLAG).fill_null(False))[C.PERSON_ID].unique().to_list()
    if not flagged:
        return Shield()
    home = household(records, flagged)
    places = protected_places(records, home)
    keys = pl.Series(sorted(places), dtype=pl.String)
    there = records.filter(place_key().is_in(keys.implode()).fill_null(False))[C.PERSON_ID]
    return Shield(frozenset(flagged), frozenset(home | set(there.drop_nulls().to_list())), frozenset(places))


def protected_persons(records: pl.DataFrame) -> set[str]:
    """Person ids the indicator protects (linked records: person_id, fvi_flag, case, role, address)."""
    return set(shield(records).people)
