"""What the generator knows about cases: which referrals have an open IV-D case, which IV-D cases are
duplicates, which placed children's support still goes to the parent they were removed from.

All from cases.csv (person keys per case), by the schema's definitions, so that the truth does not
depend on how the generator happened to make a case.
"""

from __future__ import annotations

import polars as pl

KEYS = ["source_system", "case_id"]


def _people(cases: pl.DataFrame) -> pl.DataFrame:
    return cases.with_columns(
        pl.col("child_keys").fill_null("").str.split(" ").list.eval(pl.element().filter(pl.element() != "")).alias("children"),
        pl.col("ncp_keys").fill_null("").str.split(" ").list.eval(pl.element().filter(pl.element() != "")).alias("fathers"),
        pl.col("cp_key").fill_null(""),
    )


def _open_ivd(cases: pl.DataFrame) -> pl.DataFrame:
    return _people(cases).filter((pl.col("source_system") == "IV-D") & (pl.col("status") == "OPEN"))


def _sharing_children(a: pl.DataFrame, b: pl.DataFrame) -> pl.DataFrame:
    """Pairs of cases (a, b) with at least one child in common, with both sides' people."""
    ea = a.select(*KEYS, "cp_key", "fathers", "children", pl.col("children").alias("child")).explode("child")
    eb = b.select(
        pl.col("case_id").alias("case_b"),
        pl.col("cp_key").alias("cp_b"),
        pl.col("fathers").alias("fathers_b"),
        pl.col("children").alias("child"),
    ).explode("child")
    return ea.drop_nulls("child").join(eb.drop_nulls("child"), on="child").drop("child").unique([*KEYS, "case_b"])


def _same_adult(cp_named: pl.Expr) -> pl.Expr:
    shared_father = pl.col("fathers").list.set_intersection("fathers_b").list.len() > 0
    same_cp = (pl.col("cp_key") != "") & (pl.col("cp_key") == pl.col("cp_b"))
    return same_cp | shared_father | cp_named


def referral_truth(cases: pl.DataFrame) -> pl.DataFrame:
    """(source_system, case_id, ivd_case_ids) for every referral; an empty list: no open case."""
    ref = _people(cases).filter(pl.col("source_system").is_in(["IV-A", "IV-E"]))
    no_adults = (pl.col("cp_key") == "") & (pl.col("fathers").list.len() == 0)
    hits = (
        _sharing_children(ref, _open_ivd(cases))
        .filter(_same_adult(no_adults))
        .group_by(KEYS)
        .agg(pl.col("case_b").sort().alias("ivd_case_ids"))
    )
    return (
        ref.select(KEYS)
        .join(hits, on=KEYS, how="left")
        .with_columns(pl.col("ivd_case_ids").fill_null(pl.lit([], pl.List(pl.String))))
    )


def duplicate_truth(cases: pl.DataFrame) -> pl.DataFrame:
    """(case_a, case_b), case_a < case_b: open IV-D cases of the same children with the same CP or
    NCP; not two cases against two different alleged fathers (a case per absent parent)."""
    ivd = _open_ivd(cases)
    pairs = _sharing_children(ivd, ivd).filter(pl.col("case_id") < pl.col("case_b"))
    both_named = (pl.col("fathers").list.len() > 0) & (pl.col("fathers_b").list.len() > 0)
    different_men = both_named & (pl.col("fathers").list.set_intersection("fathers_b").list.len() == 0)
    return (
        pairs.filter(_same_adult(pl.lit(False)) & ~different_men)
        .select(pl.col("case_id").alias("case_a"), "case_b")
        .sort("case_a", "case_b")
    )


def misdirected_truth(cases: pl.DataFrame) -> pl.DataFrame:
    """(ive_case_id, child_key, ivd_case_id): a child in an open placement whose open IV-D case pays
    the parent the child was removed from."""
    ive = (
        _people(cases)
        .filter((pl.col("source_system") == "IV-E") & (pl.col("status") == "OPEN"))
        .select(pl.col("case_id").alias("ive_case_id"), "removed_from_key", pl.col("children").alias("child_key"))
        .explode("child_key")
    )
    ivd = (
        _open_ivd(cases)
        .select(pl.col("case_id").alias("ivd_case_id"), "cp_key", pl.col("children").alias("child_key"))
        .explode("child_key")
    )
    return (
        ive.join(ivd, on="child_key")
        .filter(pl.col("cp_key") == pl.col("removed_from_key"))
        .select("ive_case_id", "child_key", "ivd_case_id")
        .unique()
        .sort("ive_case_id", "child_key", "ivd_case_id")
    )
