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
  (a person's own number carries a typo or two, not three identities);
- since 2026-12-08, on the younger records only: a number on records of a man and a woman born a
  generation apart under first names that could not be one person's (a record that gets a name, a
  sex or a date wrong gets the other two right) is a parent's typed on a child's record. The older
  records keep it: a mother's own number still tells her from a namesake born her day.
"""

from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.agreement import GENERATION_YEARS, NameAgreement, first_name_agreement, generation_apart, goes_by_middle

MIN_IDENTITIES = 3


def shared_ssns(records: pl.DataFrame) -> set[str]:
    """The SSNs (standardized) that more than one person holds, by the rules above."""
    held = records.select(
        C.SOURCE_SYSTEM, C.CASE_ID, C.SSN_STD, C.FN, C.DOB_STR, C.ROLE_GROUP, C.ROLE, C.FN_CANON, C.FN_TOKENS, C.MN
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
    return set(in_a_case[C.SSN_STD].to_list()) | set(many[C.SSN_STD].to_list())


def parents_numbers(records: pl.DataFrame) -> dict[str, int]:
    """Numbers on records of a man and a woman born a generation apart under first names that could
    not be one person's (LUCIA born 2014 and ANTONIO born 1985): a parent's number typed on a
    child's record. SSN -> the birth year from which a record holding it is of the younger
    generation: the number is not theirs, and neither links nor separates them; the older records
    keep it as their own (it still tells the mother from a namesake born her day)."""
    cols = (C.FN, C.FN_CANON, C.FN_TOKENS, C.MN, C.DOB_STR, C.SEX_STD)
    two = (
        records.select(C.SSN_STD, *cols)
        .drop_nulls([C.SSN_STD, C.FN, C.DOB_STR, C.SEX_STD])
        .filter((pl.col(C.SEX_STD).n_unique() > 1).over(C.SSN_STD))
        .group_by(C.SSN_STD)
        .agg(pl.struct(*cols).unique().alias("named"), pl.col(C.DOB_STR).min().alias("eldest"))
    )
    return {ssn: int(eldest[:4]) + GENERATION_YEARS for ssn, named, eldest in two.iter_rows() if _a_generation_apart(named)}


def _a_generation_apart(named: list[dict]) -> bool:
    """Two of the records are a man and a woman a generation apart under first names that could not
    be one person's."""
    return any(
        a[C.SEX_STD] != b[C.SEX_STD]
        and generation_apart(a[C.DOB_STR], b[C.DOB_STR])
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
    """Per record: whether its SSN is a shared one, or a parent's on the record of a child
    (`parents_numbers`)."""
    shared = pl.Series(sorted(shared_ssns(records)), dtype=pl.String)
    younger = parents_numbers(records)
    from_year = pl.Series(list(younger.values()), dtype=pl.Int64)
    not_theirs = pl.col(C.DOB_STR).str.slice(0, 4).cast(pl.Int64, strict=False) >= pl.col(C.SSN_STD).replace_strict(
        pl.Series(list(younger), dtype=pl.String), from_year, default=None
    )
    return records.select((pl.col(C.SSN_STD).is_in(shared.implode()) | not_theirs).fill_null(False).alias(C.SSN_STD))[C.SSN_STD]
