"""Referral decisions on Spark: the case stage's own `check_referrals`, one bucket of connected
components per task. Components are built over review-zone pairs too, so every IV-D case a referral
could be decided against (through a person, a review pair or a family-context link) is in its task."""

from __future__ import annotations

import polars as pl
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from linkage import columns as C
from linkage.cases import CaseConfig, check_referrals
from linkage.spark.arrow import arrow_schema, frame_of, spark_schema, to_table
from linkage.spark.stages import COMPONENT

PAIR_COLUMNS = ("record_id_l", "record_id_r", "match_weight", "match_probability", "match_key")


def referral_decisions(records: DataFrame, scored: DataFrame, cc: DataFrame, config: CaseConfig, buckets: int) -> DataFrame:
    """`records`: linked records with person_id; `scored`: pairs by uid at or above review."""
    bucket = F.pmod(F.xxhash64(COMPONENT), F.lit(buckets))
    nodes = records.join(cc, C.UID).withColumn("bucket", bucket).drop(COMPONENT)
    ids = records.select(C.UID, C.RECORD_ID)
    edges = (
        scored.join(cc.select(F.col(C.UID).alias("uid_l"), COMPONENT), "uid_l")
        .withColumn("edge_bucket", bucket)
        .join(ids.select(F.col(C.UID).alias("uid_l"), F.col(C.RECORD_ID).alias("record_id_l")), "uid_l")
        .join(ids.select(F.col(C.UID).alias("uid_r"), F.col(C.RECORD_ID).alias("record_id_r")), "uid_r")
        .select("edge_bucket", *PAIR_COLUMNS)
    )
    out = spark_schema(DECISIONS)
    target = arrow_schema(DECISIONS)

    def decide(nodes_t, edges_t):
        recs = frame_of(nodes_t).drop("bucket")
        pairs = frame_of(edges_t).select(*PAIR_COLUMNS)
        return to_table(check_referrals(recs, pairs, config).select(DECISIONS.columns), target)

    return nodes.groupBy("bucket").cogroup(edges.groupBy("edge_bucket")).applyInArrow(decide, out)


DECISIONS = pl.DataFrame(
    schema={
        "referral_id": pl.String,
        "source_system": pl.String,
        "decision": pl.String,
        "ivd_case_id": pl.String,
        "score": pl.Float64,
        "reasons": pl.String,
        "other_ivd_case_ids": pl.String,
        "closed_ivd_case_id": pl.String,
        "hold_until": pl.String,
    }
)
