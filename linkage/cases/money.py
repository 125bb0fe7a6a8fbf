"""Money and participation checks around a child in care (domain.md: support paid to the wrong party,
benefits paid for a child the state is caring for, a mother who owes support).

- `support_return`: a placement that ended while the child's IV-D case is open: support assigned to
  the foster-care agency goes back to the custodial party from the day the child went home.
- `tanf_in_care`: a child counted in an open TANF grant during an open placement (benefits in error
  from the later of the two starts).
- `parents_to_refer`: each parent of a child in care, with whether a IV-D case already has them as
  the parent who owes (a mother too: on the NCP side of her own case, never on the "father" side).

Each report is one row per child and case, with its reason in words. Support still paid to the parent
the child was removed from is `misdirected.misdirected_support`.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from linkage import columns as C
from linkage.cases.members import CHILD, CP, FATHER, case_members

RETURN_COLUMNS = (
    "ive_case_id",
    "child_person_id",
    "child_name",
    "placement_end",
    "ivd_case_id",
    "cp_person_id",
    "cp_name",
    "reasons",
)
TANF_COLUMNS = (
    "child_person_id",
    "child_name",
    "iva_case_id",
    "grant_start",
    "ive_case_id",
    "placement_start",
    "in_error_from",
    "reasons",
)
REFER_COLUMNS = (
    "child_person_id",
    "child_name",
    "ive_case_id",
    "parent_person_id",
    "parent_name",
    "parent",
    "ivd_case_ids_as_ncp",
    "reasons",
)
MONEY_COLUMNS = (C.PLACEMENT_START, C.PLACEMENT_END, C.GRANT_START, C.GRANT_END, C.REMOVED_FROM, C.SEX_STD)


def _dated(records: pl.DataFrame) -> pl.DataFrame:
    """Case members with the program dates as dates (blank where a store predates them)."""
    m = case_members(records)
    extra = [
        (records[c] if c in records.columns else pl.Series(c, [None] * records.height, dtype=pl.String)).alias(c)
        for c in MONEY_COLUMNS
    ]
    m = m.with_columns(extra)
    return m.with_columns(pl.col(c).str.to_date("%Y-%m-%d", strict=False) for c in C.PROGRAM_DATES)


def _placements(m: pl.DataFrame) -> pl.DataFrame:
    return m.filter((pl.col(C.SOURCE_SYSTEM) == "IV-E") & (pl.col("side") == CHILD) & pl.col(C.PLACEMENT_START).is_not_null())


def _in_care(m: pl.DataFrame, day: date) -> pl.DataFrame:
    return _placements(m).filter(
        (pl.col(C.PLACEMENT_START) <= day)
        & (pl.col(C.CASE_STATUS) == "OPEN")
        & (pl.col(C.PLACEMENT_END).is_null() | (pl.col(C.PLACEMENT_END) > day))
    )


def _open_ivd_children(m: pl.DataFrame) -> pl.DataFrame:
    return m.filter((pl.col(C.SOURCE_SYSTEM) == "IV-D") & (pl.col("side") == CHILD) & (pl.col(C.CASE_STATUS) == "OPEN"))


def support_return(records: pl.DataFrame, day: date) -> pl.DataFrame:
    """A child whose placement ended on or before `day` (and is in no open placement now) whose open
    IV-D case pays a CP: the assignment to the agency ends on the placement's end date."""
    m = _dated(records)
    still = _in_care(m, day).select(C.PERSON_ID).unique()
    ended = (
        _placements(m)
        .filter(pl.col(C.PLACEMENT_END).is_not_null() & (pl.col(C.PLACEMENT_END) <= day))
        .join(still, on=C.PERSON_ID, how="anti")
        .sort(C.PLACEMENT_END)
        .group_by(C.PERSON_ID)
        .agg(
            pl.col(C.CASE_ID).last().alias("ive_case_id"),
            pl.col(C.PLACEMENT_END).last().alias("placement_end"),
            pl.col("name").first().alias("child_name"),
        )
    )
    ivd = _open_ivd_children(m).select(C.PERSON_ID, pl.col(C.CASE_ID).alias("ivd_case_id")).unique()
    payee = m.filter((pl.col(C.SOURCE_SYSTEM) == "IV-D") & (pl.col("side") == CP)).select(
        pl.col(C.CASE_ID).alias("ivd_case_id"), pl.col(C.PERSON_ID).alias("cp_person_id"), pl.col("name").alias("cp_name")
    )
    rows = ended.join(ivd, on=C.PERSON_ID).join(payee, on="ivd_case_id").unique([C.PERSON_ID, "ivd_case_id", "cp_person_id"])
    reasons = pl.format(
        "child {} left foster care (IV-E case {}) on {}: IV-D case {} pays CP {} again from that day",
        "child_name",
        "ive_case_id",
        pl.col("placement_end").dt.strftime("%Y-%m-%d"),
        "ivd_case_id",
        "cp_name",
    )
    return (
        rows.with_columns(reasons.alias("reasons"))
        .rename({C.PERSON_ID: "child_person_id"})
        .select(RETURN_COLUMNS)
        .sort("placement_end", "child_person_id", "ivd_case_id")
    )


def tanf_in_care(records: pl.DataFrame, day: date) -> pl.DataFrame:
    """A child in an open placement who is also a child of an open TANF grant on `day`."""
    m = _dated(records)
    care = (
        _in_care(m, day)
        .group_by(C.PERSON_ID)
        .agg(
            pl.col(C.CASE_ID).first().alias("ive_case_id"),
            pl.col(C.PLACEMENT_START).min().alias("placement_start"),
            pl.col("name").first().alias("child_name"),
        )
    )
    grants = m.filter(
        (pl.col(C.SOURCE_SYSTEM) == "IV-A")
        & (pl.col("side") == CHILD)
        & (pl.col(C.CASE_STATUS) == "OPEN")
        & (pl.col(C.GRANT_START).is_null() | (pl.col(C.GRANT_START) <= day))
        & (pl.col(C.GRANT_END).is_null() | (pl.col(C.GRANT_END) > day))
    )
    rows = care.join(
        grants.select(C.PERSON_ID, pl.col(C.CASE_ID).alias("iva_case_id"), pl.col(C.GRANT_START).alias("grant_start")),
        on=C.PERSON_ID,
    ).unique([C.PERSON_ID, "iva_case_id"])
    since = pl.max_horizontal("placement_start", pl.col("grant_start").fill_null(pl.col("placement_start")))
    reasons = pl.format(
        "child {} is in foster care (IV-E case {}, since {}) and counted in TANF case {}: "
        "benefits for the child are in error from {}",
        "child_name",
        "ive_case_id",
        pl.col("placement_start").dt.strftime("%Y-%m-%d"),
        "iva_case_id",
        since.dt.strftime("%Y-%m-%d"),
    )
    return (
        rows.with_columns(since.alias("in_error_from"), reasons.alias("reasons"))
        .rename({C.PERSON_ID: "child_person_id"})
        .select(TANF_COLUMNS)
        .sort("in_error_from", "child_person_id")
    )


def parents_to_refer(records: pl.DataFrame, day: date) -> pl.DataFrame:
    """Each parent of a child in care, as the child's IV-D cases name them (a custodial party is the
    mother unless recorded as a man; on the NCP side, a woman is the mother), with the IV-D cases that
    already have that parent as the one who owes for this child. Both should owe while the state pays
    for care."""
    m = _dated(records)
    care = (
        _in_care(m, day)
        .group_by(C.PERSON_ID)
        .agg(pl.col(C.CASE_ID).first().alias("ive_case_id"), pl.col("name").first().alias("child_name"))
    )
    cases = (
        m.filter(pl.col("side") == CHILD)
        .join(care.select(C.PERSON_ID), on=C.PERSON_ID)
        .select(pl.col(C.PERSON_ID).alias("child_person_id"), C.SOURCE_SYSTEM, C.CASE_ID)
        .unique()
    )
    woman = pl.col(C.SEX_STD).fill_null(pl.when(pl.col("side") == CP).then(pl.lit("F")).otherwise(pl.lit("M"))) == "F"
    adults = m.filter((pl.col("side") != CHILD) & (pl.col(C.SOURCE_SYSTEM) == "IV-D")).with_columns(
        pl.when(woman).then(pl.lit("mother")).otherwise(pl.lit("father")).alias("parent")
    )
    parents = (
        adults.join(cases, on=[C.SOURCE_SYSTEM, C.CASE_ID])
        .select("child_person_id", pl.col(C.PERSON_ID).alias("parent_person_id"), "parent")
        .unique()
    )
    # the child's open IV-D cases that have this parent on the side that owes
    owes = (
        m.filter((pl.col(C.SOURCE_SYSTEM) == "IV-D") & (pl.col("side") == FATHER) & (pl.col(C.CASE_STATUS) == "OPEN"))
        .select(pl.col(C.PERSON_ID).alias("parent_person_id"), C.SOURCE_SYSTEM, C.CASE_ID)
        .join(cases, on=[C.SOURCE_SYSTEM, C.CASE_ID])
        .group_by("child_person_id", "parent_person_id")
        .agg(pl.col(C.CASE_ID).unique().sort().str.join(" ").alias("ivd_case_ids_as_ncp"))
    )
    names = m.group_by(C.PERSON_ID).agg(pl.col("name").mode().sort().first().alias("parent_name"))
    rows = (
        parents.join(care.rename({C.PERSON_ID: "child_person_id"}), on="child_person_id")
        .join(owes, on=["child_person_id", "parent_person_id"], how="left")
        .join(names, left_on="parent_person_id", right_on=C.PERSON_ID, how="left")
        .with_columns(pl.col("ivd_case_ids_as_ncp").fill_null(""))
    )
    reasons = (
        pl.when(pl.col("ivd_case_ids_as_ncp") == "")
        .then(
            pl.format(
                "child {} is in foster care (IV-E case {}): refer the {} {} for support (no IV-D case has "
                "them owing for this child)",
                "child_name",
                "ive_case_id",
                "parent",
                "parent_name",
            )
        )
        .otherwise(
            pl.format(
                "child {} is in foster care (IV-E case {}): the {} {} already owes in IV-D case(s) {}",
                "child_name",
                "ive_case_id",
                "parent",
                "parent_name",
                "ivd_case_ids_as_ncp",
            )
        )
    )
    return rows.with_columns(reasons.alias("reasons")).select(REFER_COLUMNS).sort("child_person_id", "parent", "parent_person_id")
