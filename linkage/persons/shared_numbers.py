"""SSNs that belong to more than one person: they neither link nor separate.

Extracts hold numbers that are wholly wrong yet explainable: the case head's SSN typed on a child's
record, one parent's on the other's, or a made-up number several unrelated people use. Such a number
agreeing says nothing (twins who both carry their mother's number are still twins), and disagreeing
with it says nothing either (the child's own number elsewhere is not "a different SSN"). They are
found from the data itself, never from a list:

- within one case, records with different first names hold it, or a parent's record and a child's
  (two people of one case: a mother and the daughter named for her are still two); not a parent
  typed twice in one role under names that could be one person's (E / ESPERANZA, a typo, a
  nickname, the middle name; since 2026-12-08);
- across the data, it stands on records of three or more first names and three or more birth dates
  (a person's own number carries a typo or two, not three identities), or on records of a man and
  a woman born a generation apart under first names that could not be one person's (since
  2026-12-08: a record that gets a name, a sex or a date wrong gets the other two right).
"""

from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.agreement import NameAgreement, dob_related, first_name_agreement, goes_by_middle

MIN_IDENTITIES = 3
GENERATION_YEARS = 12  # as persons.constraints reads two birth dates a generation apart


def shared_ssns(records: pl.DataFrame) -> set[str]:
    """The SSNs (standardized) that more than one person holds, by the rules above."""
    held = records.select(
        C.SOURCE_SYSTEM, C.CASE_ID, C.SSN_STD, C.FN, C.DOB_STR, C.ROLE_GROUP, C.ROLE, C.FN_CANON, C.FN_TOKENS, C.MN, C.SEX_STD
    ).filter(pl.col(C.SSN_STD).is_not_null())
    in_a_case = (
        held.group_by(C.SOURCE_SYSTEM, C.CASE_ID, C.SSN_STD)
        .agg(
            pl.col(C.FN).drop_nulls().n_unique().alias("names"),
            pl.col(C.ROLE_GROUP).drop_nulls().n_unique().alias("roles"),
            pl.col(C.ROLE).drop_nulls().n_unique().alias("parts"),
            pl.col(C.ROLE_GROUP).first().alias("group"),
            pl.struct(C.FN, C.FN_CANON, C.FN_TOKENS, C.MN).alias("named"),
        )
        .filter((pl.col("names") > 1) | (pl.col("roles") > 1))
    )
    # a case's parent typed twice in one role under an initial, a typo, a nickname or the middle
    # name (E / ESPERANZA GUZMAN, one SSN): one person, whose own number it stays; a case's two
    # parents of one role are not twins. Children of one number under two names are two people.
    one_parent = [
        group == "parent" and roles == 1 and parts == 1 and _one_person(named)
        for group, roles, parts, named in in_a_case.select("group", "roles", "parts", "named").iter_rows()
    ]
    in_a_case = in_a_case.filter(~pl.Series(one_parent, dtype=pl.Boolean))
    many = (
        held.group_by(C.SSN_STD)
        .agg(pl.col(C.FN).drop_nulls().n_unique().alias("names"), pl.col(C.DOB_STR).drop_nulls().n_unique().alias("dates"))
        .filter((pl.col("names") >= MIN_IDENTITIES) & (pl.col("dates") >= MIN_IDENTITIES))
    )
    return set(in_a_case[C.SSN_STD].to_list()) | set(many[C.SSN_STD].to_list()) | _two_generations(held)


def _two_generations(held: pl.DataFrame) -> set[str]:
    """Numbers on records of a man and a woman a generation apart under first names that could not
    be one person's (GUADALUPE born 2014, ANTHONY born 1995): two people, whatever else is typed."""
    cols = (C.FN, C.FN_CANON, C.FN_TOKENS, C.MN, C.DOB_STR, C.SEX_STD)
    two = (
        held.filter(pl.col(C.FN).is_not_null() & pl.col(C.DOB_STR).is_not_null() & pl.col(C.SEX_STD).is_not_null())
        .filter((pl.col(C.SEX_STD).n_unique() > 1).over(C.SSN_STD))
        .group_by(C.SSN_STD)
        .agg(pl.struct(*cols).unique().alias("named"))
    )
    return {ssn for ssn, named in two.iter_rows() if _a_generation_apart(named)}


def _a_generation_apart(named: list[dict]) -> bool:
    return any(
        a[C.SEX_STD] != b[C.SEX_STD]
        and abs(int(a[C.DOB_STR][:4]) - int(b[C.DOB_STR][:4])) >= GENERATION_YEARS
        and not dob_related(a[C.DOB_STR], b[C.DOB_STR])
        and first_name_agreement(a[C.FN], b[C.FN], a[C.FN_CANON], b[C.FN_CANON], a[C.FN_TOKENS], b[C.FN_TOKENS])
        < NameAgreement.INITIAL
        and not goes_by_middle(a[C.FN], a[C.MN], b[C.FN], b[C.MN])
        for i, a in enumerate(named)
        for b in named[i + 1 :]
    )


def _one_person(named: list[dict]) -> bool:
    """Every two of the records' first names could be one person's."""
    return all(
        first_name_agreement(a[C.FN], b[C.FN], a[C.FN_CANON], b[C.FN_CANON], a[C.FN_TOKENS], b[C.FN_TOKENS]) >= NameAgreement.TYPO
        or goes_by_middle(a[C.FN], a[C.MN], b[C.FN], b[C.MN])
        for i, a in enumerate(named)
        for b in named[i + 1 :]
    )


def held_shared(records: pl.DataFrame) -> pl.Series:
    """Per record: whether its SSN is a shared one."""
    shared = pl.Series(sorted(shared_ssns(records)), dtype=pl.String)
    return records.select(pl.col(C.SSN_STD).is_in(shared.implode()).fill_null(False))[C.SSN_STD]
