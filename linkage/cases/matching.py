"""Case-to-case evidence: how strongly two cases share their children, CP and father.

Each side is scored from the record links of `links.py`: a child side by noisy-or over the first
case's children (each child found again is more evidence the children are shared), a CP or father
side by the same rule over the few records it has.
"""

from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.cases.members import CHILD, CP, FATHER

CASE_KEYS = [C.SOURCE_SYSTEM, C.CASE_ID]


def case_composition(members: pl.DataFrame) -> pl.DataFrame:
    """Per case: how many records it has on each side."""
    return members.group_by(CASE_KEYS).agg(
        (pl.col("side") == CHILD).sum().alias("n_children"),
        (pl.col("side") == CP).sum().alias("n_cp"),
        (pl.col("side") == FATHER).sum().alias("n_father"),
    )


def case_matches(a: pl.DataFrame, b: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """Per (case of a, case of b) linked on any side: child_p, cp_p, father_p in 0..1 and how many of
    a's children were found in b's case."""
    linked = links.join(a.select(C.RECORD_ID, *CASE_KEYS, "side"), on=C.RECORD_ID).join(
        b.select(
            pl.col(C.RECORD_ID).alias("record_id_b"), pl.col(C.CASE_ID).alias("case_b"), pl.col(C.SOURCE_SYSTEM).alias("source_b")
        ),
        on="record_id_b",
    )
    best = linked.group_by(*CASE_KEYS, "source_b", "case_b", "side", C.RECORD_ID).agg(pl.col("strength").max())
    per_side = best.group_by(*CASE_KEYS, "source_b", "case_b", "side").agg(
        (1 - (1 - pl.col("strength")).product()).alias("p"), pl.len().alias("n")
    )
    keys = [*CASE_KEYS, "source_b", "case_b"]
    out = per_side.select(keys).unique()
    for name, tag in (("child", CHILD), ("cp", CP), ("father", FATHER)):
        part = per_side.filter(pl.col("side") == tag).select(
            *keys, pl.col("p").alias(f"{name}_p"), pl.col("n").alias(f"{name}_n")
        )
        out = out.join(part, on=keys, how="left")
    return out.with_columns(pl.col("^.*_p$").fill_null(0.0), pl.col("^.*_n$").fill_null(0))
