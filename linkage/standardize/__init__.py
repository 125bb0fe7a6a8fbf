"""Stage 2: standardized columns the blocking rules key on and the model compares."""

from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.standardize.address import street_std, zip5
from linkage.standardize.names import (
    SUFFIXES,
    NicknameTable,
    clean_text,
    default_nicknames,
    joined,
    map_unique,
    metaphone,
    name_tokens,
    split_suffix,
    surname_tokens,
    whole_name_in_surname,
)
from linkage.standardize.ssn import ssn_digits, ssn_status, usable_ssn

__all__ = ["standardize", "add_refining_keys", "complete_stored", "NicknameTable", "default_nicknames", "STANDARD_COLUMNS"]

STANDARD_COLUMNS = (
    C.FN,
    C.FN_TOKENS,
    C.FN_CANON,
    C.FN_META,
    C.MN,
    C.SN,
    C.SN_TOKENS,
    C.SN_META,
    C.SN_CANON,
    C.SUFFIX_STD,
    C.DOB_STR,
    C.DOB_YEAR,
    C.DOB_MD,
    C.DOB_YM,
    C.DOB_YD,
    C.DOB_Y_MD,
    C.ROLE_GROUP,
    C.NAME_KEYS,
    C.SSN_STD,
    C.SSN_HEAD,
    C.SSN_TAIL,
    C.SSN_STATUS,
    C.SEX_STD,
    C.STREET_STD,
    C.ZIP5,
    C.CITY_STD,
    C.ZIP3,
    C.HOUSE,
)


def standardize(records: pl.DataFrame, nicknames: NicknameTable | None = None) -> pl.DataFrame:
    """Add the standardized columns to validated records (which carry `dob_date`)."""
    nicknames = nicknames or default_nicknames()
    first, last = whole_name_in_surname(records[C.FIRST_NAME], records[C.LAST_NAME])
    df = records.with_columns(
        name_tokens(pl.lit(first)).alias("_fn"),
        name_tokens(pl.lit(last)).alias("_ln"),
        name_tokens(pl.col(C.MIDDLE_NAME)).alias("_mn"),
        clean_text(pl.col(C.SUFFIX)).str.replace_all(" ", "").replace_strict(SUFFIXES, default=None).alias("_sfx"),
        ssn_digits(pl.col(C.SSN)).alias("_ssn"),
    )
    fn_rest, fn_sfx = split_suffix(pl.col("_fn"))
    ln_rest, ln_sfx = split_suffix(pl.col("_ln"))
    mn_rest, mn_sfx = split_suffix(pl.col("_mn"))
    df = (
        df.with_columns(
            fn_rest.alias(C.FN_TOKENS),
            ln_rest.alias("_ln2"),
            mn_rest.alias("_mn2"),
            pl.coalesce("_sfx", ln_sfx, fn_sfx, mn_sfx).alias(C.SUFFIX_STD),
            ssn_status(pl.col("_ssn")).alias(C.SSN_STATUS),
        )
        .with_columns(
            joined(pl.col(C.FN_TOKENS)).alias(C.FN),
            joined(pl.col("_ln2")).alias(C.SN),
            surname_tokens(pl.col("_ln2")).alias(C.SN_TOKENS),
            joined(pl.col("_mn2")).alias(C.MN),
            usable_ssn(pl.col("_ssn"), pl.col(C.SSN_STATUS)).alias(C.SSN_STD),
            pl.col(C.DOB_DATE).dt.strftime("%Y%m%d").alias(C.DOB_STR),
            pl.col(C.DOB_DATE).dt.year().cast(pl.Int32).alias(C.DOB_YEAR),
            pl.col(C.DOB_DATE).dt.strftime("%m%d").alias(C.DOB_MD),
            pl.col(C.DOB_DATE).dt.strftime("%Y%m").alias(C.DOB_YM),
            pl.col(C.DOB_DATE).dt.strftime("%Y%d").alias(C.DOB_YD),
            _year_month_day_unordered(pl.col(C.DOB_DATE)).alias(C.DOB_Y_MD),
            pl.when(pl.col(C.ROLE) == "CH").then(pl.lit("child")).otherwise(pl.lit("parent")).alias(C.ROLE_GROUP),
            _sex(pl.col(C.SEX)).alias(C.SEX_STD),
            street_std(pl.col(C.STREET)).alias(C.STREET_STD),
            zip5(pl.col(C.ZIP)).alias(C.ZIP5),
            clean_text(pl.col(C.CITY)).alias(C.CITY_STD),
        )
        .with_columns(pl.col(C.SN_TOKENS).list.join(" ").alias("_snt"))
    )
    df = df.with_columns(
        map_unique(df[C.FN], nicknames.canon_tokens, pl.List(pl.String)).alias(C.FN_CANON),
        map_unique(df[C.FN], lambda s: metaphone(s.split(" ")[0]), pl.String()).alias(C.FN_META),
        map_unique(df["_snt"], lambda s: sorted({m for t in s.split(" ") if (m := metaphone(t))}), pl.List(pl.String)).alias(
            C.SN_META
        ),
        map_unique(df["_snt"], nicknames.canon_tokens, pl.List(pl.String)).alias(C.SN_CANON),
    )
    df = df.with_columns(
        pl.concat_list(C.FN_CANON, C.SN_TOKENS).list.unique().alias(C.NAME_KEYS),
        pl.col(C.SSN_STD).str.slice(0, 5).alias(C.SSN_HEAD),
        pl.col(C.SSN_STD).str.slice(5, 4).alias(C.SSN_TAIL),
    )
    return add_refining_keys(df.drop("_fn", "_ln", "_mn", "_sfx", "_ssn", "_ln2", "_mn2", "_snt"))


def add_refining_keys(df: pl.DataFrame) -> pl.DataFrame:
    """The columns that split blocks grown too big (zip region, street number), derived from
    standardized ones so that a store written before they existed can still be indexed."""
    return df.with_columns(
        pl.col(C.ZIP5).str.slice(0, 3).alias(C.ZIP3),
        pl.col(C.STREET_STD).str.extract(r"^(\d+) ").alias(C.HOUSE),
    )


def complete_stored(df: pl.DataFrame, nicknames: NicknameTable | None = None) -> pl.DataFrame:
    """Records read from a store written by an earlier version, with the standardized columns added
    since (each derived from columns every store holds), so that the service and the workbench can
    still match against it; a current store is returned as it is."""
    if C.ZIP3 not in df.columns and C.ZIP5 in df.columns:
        df = add_refining_keys(df)
    if C.SN_CANON not in df.columns and C.SN_TOKENS in df.columns:
        nicknames = nicknames or default_nicknames()
        snt = df[C.SN_TOKENS].list.join(" ")
        df = df.with_columns(map_unique(snt, nicknames.canon_tokens, pl.List(pl.String)).alias(C.SN_CANON))
    return df


def _year_month_day_unordered(d: pl.Expr) -> pl.Expr:
    m, day = d.dt.strftime("%m"), d.dt.strftime("%d")
    lo = pl.when(m < day).then(m).otherwise(day)
    hi = pl.when(m < day).then(day).otherwise(m)
    return pl.concat_str([d.dt.strftime("%Y"), lo, hi])


def _sex(col: pl.Expr) -> pl.Expr:
    s = clean_text(col).str.slice(0, 1)
    return pl.when(s.is_in(["M", "F"])).then(s).otherwise(None)
