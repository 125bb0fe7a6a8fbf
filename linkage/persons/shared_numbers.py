"""SSNs that belong to more than one person: they neither link nor separate.

Extracts hold numbers that are wholly wrong yet explainable: the case head's SSN typed on a child's
record, one parent's on the other's, or a made-up number several unrelated people use. Such a number
agreeing says nothing (twins who both carry their mother's number are still twins), and disagreeing
with it says nothing either (the child's own number elsewhere is not "a different SSN"). They are
found from the data itself, never from a list:

- within one case, records with different first names hold it, or a parent's record and a child's
  (two people of one case: a mother and the daughter named for her are still two);
- across the data, it stands on records of three or more first names and three or more birth dates
  (a person's own number carries a typo or two, not three identities).
"""

from __future__ import annotations

import polars as pl

from linkage import columns as C

MIN_IDENTITIES = 3


def shared_ssns(records: pl.DataFrame) -> set[str]:
    """The SSNs (standardized) that more than one person holds, by the rules above."""
    held = records.select(C.SOURCE_SYSTEM, C.CASE_ID, C.SSN_STD, C.FN, C.DOB_STR, C.ROLE_GROUP).filter(
        pl.col(C.SSN_STD).is_not_null()
    )
    in_a_case = (
        held.group_by(C.SOURCE_SYSTEM, C.CASE_ID, C.SSN_STD)
        .agg(pl.col(C.FN).drop_nulls().n_unique().alias("names"), pl.col(C.ROLE_GROUP).drop_nulls().n_unique().alias("roles"))
        .filter((pl.col("names") > 1) | (pl.col("roles") > 1))
    )
    many = (
        held.group_by(C.SSN_STD)
        .agg(pl.col(C.FN).drop_nulls().n_unique().alias("names"), pl.col(C.DOB_STR).drop_nulls().n_unique().alias("dates"))
        .filter((pl.col("names") >= MIN_IDENTITIES) & (pl.col("dates") >= MIN_IDENTITIES))
    )
    return set(in_a_case[C.SSN_STD].to_list()) | set(many[C.SSN_STD].to_list())


def held_shared(records: pl.DataFrame) -> pl.Series:
    """Per record: whether its SSN is a shared one."""
    shared = pl.Series(sorted(shared_ssns(records)), dtype=pl.String)
    return records.select(pl.col(C.SSN_STD).is_in(shared.implode()).fill_null(False))[C.SSN_STD]
