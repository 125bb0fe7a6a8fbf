"""Accuracy against labels: pairwise precision/recall/F1 and cluster-level (B-cubed) scores.

Both take one predicted and one true cluster label per record; records missing from either side are
left out, so pass the records that were actually linked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polars as pl


@dataclass(frozen=True)
class Scores:
    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    precision: float
    recall: float
    f1: float
    bcubed_precision: float
    bcubed_recall: float

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        return (
            f"pairwise precision {self.precision:.4f} recall {self.recall:.4f} F1 {self.f1:.4f} | "
            f"B-cubed precision {self.bcubed_precision:.4f} recall {self.bcubed_recall:.4f} "
            f"({self.records:,} records, {self.true_pairs:,} true pairs)"
        )


def _pairs(n: pl.Expr) -> pl.Expr:
    return (n * (n - 1) // 2).sum()


def score_clusters(
    predicted: pl.DataFrame, truth: pl.DataFrame, on: str = "record_id", pred_col: str = "person_id", true_col: str = "person_key"
) -> Scores:
    """Compare predicted clusters with true ones over the records both frames contain."""
    df = predicted.select(on, pl.col(pred_col).alias("p")).join(truth.select(on, pl.col(true_col).alias("t")), on=on, how="inner")
    cells = df.group_by("p", "t").agg(pl.len().alias("n"))
    p_sizes = df.group_by("p").agg(pl.len().alias("np"))
    t_sizes = df.group_by("t").agg(pl.len().alias("nt"))
    correct = cells.select(_pairs(pl.col("n").cast(pl.Int64))).item() or 0
    predicted_pairs = p_sizes.select(_pairs(pl.col("np").cast(pl.Int64))).item() or 0
    true_pairs = t_sizes.select(_pairs(pl.col("nt").cast(pl.Int64))).item() or 0
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    b = (
        cells.join(p_sizes, on="p")
        .join(t_sizes, on="t")
        .select(
            (pl.col("n") * pl.col("n") / pl.col("np")).sum().alias("bp"),
            (pl.col("n") * pl.col("n") / pl.col("nt")).sum().alias("br"),
        )
    )
    n = df.height
    return Scores(
        n,
        int(true_pairs),
        int(predicted_pairs),
        int(correct),
        precision,
        recall,
        f1,
        (b["bp"][0] / n) if n else 1.0,
        (b["br"][0] / n) if n else 1.0,
    )
