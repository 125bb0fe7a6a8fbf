"""Misdirected support: a child in an open foster-care placement (IV-E) whose open IV-D case still
pays a custodial party. The child lives with neither parent now; the CP named by the placement is
the parent the child was removed from, and collections should go to the agency paying for care."""

from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.cases.case_links import CaseConfig, link_cases
from linkage.cases.members import CHILD, CP, FATHER, case_members

MISDIRECTED_COLUMNS = (
    "ive_case_id",
    "child_record_id",
    "child_person_id",
    "child_name",
    "placement_start",
    "ivd_case_id",
    "cp_person_id",
    "cp_name",
    "cp_removed_from",
    "reasons",
)


def misdirected_support(records: pl.DataFrame, pairs: pl.DataFrame, config: CaseConfig = CaseConfig()) -> pl.DataFrame:
    """One row per (placement, child, IV-D case paying a CP). A child is found in IV-D as a person,
    or inside the family (the placement's parent is the IV-D case's CP)."""
    m = case_members(records).filter(pl.col(C.CASE_STATUS) == "OPEN")
    ive = m.filter(pl.col(C.SOURCE_SYSTEM) == "IV-E")
    ivd = m.filter(pl.col(C.SOURCE_SYSTEM) == "IV-D")
    links = link_cases(ive, ivd, records, pairs, config).links.filter(pl.col("strength") >= config.existing)
    placed = records.select(
        C.RECORD_ID,
        *[
            (pl.col(c) if c in records.columns else pl.lit(None, pl.String)).alias(c)
            for c in (C.PLACEMENT_START, C.PLACEMENT_END, C.REMOVED_FROM)
        ],
    )
    in_care = (
        ive.filter(pl.col("side") == CHILD)
        .join(placed, on=C.RECORD_ID, how="left")
        .filter(pl.col(C.PLACEMENT_END).is_null())  # a placement that ended is support_return's
        .select(
            pl.col(C.CASE_ID).alias("ive_case_id"),
            pl.col(C.RECORD_ID).alias("child_record_id"),
            C.PERSON_ID,
            pl.col("name").alias("child_name"),
            pl.col(C.PLACEMENT_START).alias("placement_start"),
            pl.col(C.REMOVED_FROM).str.to_uppercase().alias("_removed"),
        )
    )
    ivd_child = (
        ivd.filter(pl.col("side") == CHILD)
        .select(pl.col(C.RECORD_ID).alias("record_id_b"), pl.col(C.CASE_ID).alias("ivd_case_id"))
        .join(links.rename({C.RECORD_ID: "child_record_id"}), on="record_id_b")
        .select("child_record_id", "ivd_case_id")
        .unique()
    )
    payee = ivd.filter(pl.col("side") == CP).select(
        pl.col(C.CASE_ID).alias("ivd_case_id"), pl.col(C.PERSON_ID).alias("cp_person_id"), pl.col("name").alias("cp_name")
    )
    # the parent the child was removed from: as the placement says (the case's CP or NCP, or a record
    # of theirs); without it, the foster-care case's CP
    side_of = {"CP": CP, "NCP": FATHER}
    parents = (
        m.filter((pl.col(C.SOURCE_SYSTEM) == "IV-E") & (pl.col("side") != CHILD))
        .select(pl.col(C.CASE_ID).alias("ive_case_id"), "side", pl.col(C.PERSON_ID).alias("_by_role"))
        .unique()
    )
    by_record = m.select(pl.col(C.RECORD_ID).alias("_removed"), pl.col(C.PERSON_ID).alias("_by_record"))
    in_care = (
        in_care.with_columns(
            pl.col("_removed")
            .replace_strict(side_of, default=None)
            .fill_null(pl.when(pl.col("_removed").is_null()).then(pl.lit(CP)))
            .alias("side")
        )
        .join(parents, on=["ive_case_id", "side"], how="left")
        .join(by_record, on="_removed", how="left")
        .with_columns(pl.coalesce("_by_record", "_by_role").alias("removal_parent"))
    )
    rows = (
        in_care.join(ivd_child, on="child_record_id")
        .join(payee, on="ivd_case_id")
        .unique(["ive_case_id", "child_record_id", "ivd_case_id", "cp_person_id"])
    )
    named = pl.col("removal_parent").is_not_null()
    same = named & (pl.col("removal_parent") == pl.col("cp_person_id"))
    reasons = pl.concat_str(
        pl.lit("child "),
        "child_name",
        pl.lit(" is in foster care (IV-E case "),
        "ive_case_id",
        pl.when(pl.col("placement_start").is_not_null()).then(pl.format(", since {}", "placement_start")).otherwise(pl.lit("")),
        pl.lit(") while IV-D case "),
        "ivd_case_id",
        pl.lit(" pays CP "),
        "cp_name",
        pl.when(same)
        .then(pl.lit(", the parent the child was removed from"))
        .when(named)
        .then(pl.lit(", who is not the placement's parent but no longer has the child"))
        .otherwise(pl.lit(" (the placement names no parent: check who the child was removed from)")),
    )
    return (
        rows.with_columns(
            pl.when(same)
            .then(pl.lit("yes"))
            .when(named)
            .then(pl.lit("no"))
            .otherwise(pl.lit("unknown"))
            .alias("cp_removed_from"),
            reasons.alias("reasons"),
        )
        .select(
            pl.col("ive_case_id"),
            "child_record_id",
            pl.col(C.PERSON_ID).alias("child_person_id"),
            "child_name",
            "placement_start",
            "ivd_case_id",
            "cp_person_id",
            "cp_name",
            "cp_removed_from",
            "reasons",
        )
        .sort("ive_case_id", "child_record_id", "ivd_case_id")
    )
