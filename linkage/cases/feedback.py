"""Feedback to TANF workers: for each IV-A case, which of its children have an IV-D case, and that
case's status, paternity status and (where the input carries it) whether an order exists."""

from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.cases.members import CHILD, FATHER, case_members

ORDER_COLUMNS = ("order_status", "support_order", "has_order")  # passed-through input columns, first found
FEEDBACK_COLUMNS = (
    "iva_case_id",
    "child_record_id",
    "child_name",
    "child_person_id",
    "has_ivd_case",
    "ivd_case_id",
    "ivd_case_status",
    "paternity_status",
    "order_status",
)


def tanf_feedback(records: pl.DataFrame) -> pl.DataFrame:
    order_col = next((c for c in ORDER_COLUMNS if c in records.columns), None)
    m = case_members(records)
    if order_col:
        m = m.with_columns(records[order_col].alias("_order"))
    else:
        m = m.with_columns(pl.lit(None, pl.String).alias("_order"))
    children = m.filter((pl.col(C.SOURCE_SYSTEM) == "IV-A") & (pl.col("side") == CHILD)).select(
        pl.col(C.CASE_ID).alias("iva_case_id"),
        pl.col(C.RECORD_ID).alias("child_record_id"),
        pl.col("name").alias("child_name"),
        C.PERSON_ID,
    )
    ivd = m.filter(pl.col(C.SOURCE_SYSTEM) == "IV-D")
    status = ivd.group_by(pl.col(C.CASE_ID).alias("ivd_case_id")).agg(
        pl.col(C.CASE_STATUS).first().alias("ivd_case_status"),
        pl.col(C.PATERNITY_STATUS)
        .filter(pl.col("side") == FATHER)
        .drop_nulls()
        .unique()
        .sort()
        .str.join(" ")
        .alias("paternity_status"),
        pl.col("_order").drop_nulls().unique().sort().str.join(" ").alias("order_status"),
    )
    child_cases = ivd.filter(pl.col("side") == CHILD).select(pl.col(C.CASE_ID).alias("ivd_case_id"), C.PERSON_ID).unique()
    return (
        children.join(child_cases, on=C.PERSON_ID, how="left")
        .join(status, on="ivd_case_id", how="left")
        .with_columns(
            pl.col("ivd_case_id").is_not_null().alias("has_ivd_case"),
            pl.when(pl.col("paternity_status") == "").then(None).otherwise(pl.col("paternity_status")).alias("paternity_status"),
            pl.when(pl.col("order_status") == "").then(None).otherwise(pl.col("order_status")).alias("order_status"),
        )
        .select(
            pl.col("iva_case_id"),
            "child_record_id",
            "child_name",
            pl.col(C.PERSON_ID).alias("child_person_id"),
            "has_ivd_case",
            "ivd_case_id",
            "ivd_case_status",
            "paternity_status",
            "order_status",
        )
        .sort("iva_case_id", "child_record_id", "ivd_case_id", nulls_last=True)
    )
