"""Who is in which case: one row per linked record, by side of the case.

A case has three sides: the custodial party (CP), the father side (NCP or PF: the man the case is
against, alleged or established) and the children (CH). Cases are compared side by side: a
referral's CP with an IV-D case's CP, its children with that case's children.
"""

from __future__ import annotations

import polars as pl

from linkage import columns as C

CP, FATHER, CHILD = "CP", "father", "CH"
REFERRAL_SOURCES = ("IV-A", "IV-E")
IVD = "IV-D"

# The columns the case stage reads; more are passed through where present.
MEMBER_COLUMNS = (
    C.RECORD_ID,
    C.UID,
    C.PERSON_ID,
    C.SOURCE_SYSTEM,
    C.CASE_ID,
    C.ROLE,
    C.CASE_STATUS,
    C.PATERNITY_STATUS,
    C.FVI_FLAG,
    C.FIRST_NAME,
    C.MIDDLE_NAME,
    C.LAST_NAME,
    C.SUFFIX,
    C.DOB_DATE,
    C.SSN_STD,
    C.DOB_STR,
    C.FN,
    C.FN_CANON,
    C.FN_TOKENS,
    C.SN_TOKENS,
    C.STREET,
    C.CITY,
    C.STATE,
    C.ZIP,
    C.SEX_STD,
)


def side(role: pl.Expr) -> pl.Expr:
    return pl.when(role == "CP").then(pl.lit(CP)).when(role == "CH").then(pl.lit(CHILD)).otherwise(pl.lit(FATHER))


def case_members(records: pl.DataFrame) -> pl.DataFrame:
    """Linked records (with person_id) as case members; names for display in upper case."""
    missing = [c for c in (C.RECORD_ID, C.PERSON_ID, C.SOURCE_SYSTEM, C.CASE_ID, C.ROLE) if c not in records.columns]
    if missing:
        raise ValueError(f"case stage needs linked records; missing columns: {', '.join(missing)}")
    cols = [c for c in MEMBER_COLUMNS if c in records.columns]
    df = records.select(cols)
    for c in (C.CASE_STATUS, C.PATERNITY_STATUS, C.MIDDLE_NAME, C.SUFFIX, C.STREET, C.CITY, C.STATE, C.ZIP):
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, pl.String).alias(c))
    if C.FVI_FLAG not in df.columns:
        df = df.with_columns(pl.lit(False).alias(C.FVI_FLAG))
    return df.with_columns(
        side(pl.col(C.ROLE)).alias("side"),
        pl.col(C.CASE_STATUS).fill_null("OPEN"),
        display_name().alias("name"),
    )


def display_name() -> pl.Expr:
    parts = [pl.col(c).fill_null("").str.strip_chars() for c in (C.FIRST_NAME, C.LAST_NAME, C.SUFFIX)]
    return pl.concat_str(parts, separator=" ").str.replace_all(r"\s+", " ").str.strip_chars().str.to_uppercase()


def referral_members(members: pl.DataFrame) -> pl.DataFrame:
    return members.filter(pl.col(C.SOURCE_SYSTEM).is_in(REFERRAL_SOURCES))


def ivd_members(members: pl.DataFrame) -> pl.DataFrame:
    return members.filter(pl.col(C.SOURCE_SYSTEM) == IVD)
