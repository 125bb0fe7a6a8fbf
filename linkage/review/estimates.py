"""Precision and recall against the link threshold, from whatever labels exist.

Two kinds of labels: a reviewer's decisions on pairs (what a county has), and a truth key per record
(generated data, or a fully reviewed sample). Both end as scored pairs marked match or not, plus the
number of true pairs the recall is out of; the same curve is computed from either.
"""

from __future__ import annotations

import polars as pl

from linkage.store.review import MATCH, NOT_A_MATCH

DEFAULT_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)


def from_review(labels: pl.DataFrame, pairs: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Decided pairs (match / not a match; unsure left out) with their score in the current run
    (0 when the run no longer scores them above its review threshold), and how many are matches."""
    decided = labels.filter(pl.col("decision").is_in([MATCH, NOT_A_MATCH]))
    scores = ordered(pairs).select("record_id_l", "record_id_r", "match_probability")
    out = decided.join(scores, on=["record_id_l", "record_id_r"], how="left").select(
        pl.col("match_probability").fill_null(0.0), (pl.col("decision") == MATCH).alias("is_match")
    )
    return out, int(out["is_match"].sum())


def from_truth(pairs: pl.DataFrame, truth: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Scored pairs marked by a truth key (record_id, key), and the number of true pairs among the
    records the truth covers (pairs never scored count as missed)."""
    t = truth.select(
        pl.col(truth.columns[0]).cast(pl.String).alias("record_id"), pl.col(truth.columns[1]).cast(pl.String).alias("key")
    )
    out = (
        pairs.select("record_id_l", "record_id_r", "match_probability")
        .join(t.rename({"record_id": "record_id_l", "key": "key_l"}), on="record_id_l")
        .join(t.rename({"record_id": "record_id_r", "key": "key_r"}), on="record_id_r")
        .select("match_probability", (pl.col("key_l") == pl.col("key_r")).alias("is_match"))
    )
    n = t.group_by("key").len()["len"]
    return out, int((n * (n - 1) // 2).sum())


def threshold_curve(scored: pl.DataFrame, true_pairs: int, thresholds: tuple[float, ...] = DEFAULT_THRESHOLDS) -> pl.DataFrame:
    """threshold, pairs linked, precision, recall: a pair counts as linked at threshold t when its
    match probability is >= t (pairwise, before clustering)."""
    rows = []
    for t in thresholds:
        above = scored.filter(pl.col("match_probability") >= t)
        tp = int(above["is_match"].sum()) if above.height else 0
        rows.append((t, above.height, tp / above.height if above.height else None, tp / true_pairs if true_pairs else None))
    return pl.DataFrame(
        rows, schema={"threshold": pl.Float64, "pairs": pl.Int64, "precision": pl.Float64, "recall": pl.Float64}, orient="row"
    )


def ordered(pairs: pl.DataFrame) -> pl.DataFrame:
    """Pairs keyed the way decisions are: the smaller record id on the left."""
    return (
        pairs.with_columns(
            pl.min_horizontal("record_id_l", "record_id_r").alias("a"), pl.max_horizontal("record_id_l", "record_id_r").alias("b")
        )
        .drop("record_id_l", "record_id_r")
        .rename({"a": "record_id_l", "b": "record_id_r"})
    )
