"""Record-to-record links between two sets of case members, side by side.

Two records are linked when the persons stage put them in one person (strength `same_person`, or
the direct pair's probability if higher), or when the model scored them in the review zone without
linking them (strength = that probability: doubt a person should see). A pair above the link
threshold that the persons stage still kept apart was refused by a never-merge rule (twins, JR/SR):
it is no link at all.
"""

from __future__ import annotations

import polars as pl

from linkage import columns as C

SAME_PERSON = 0.99

_KEYS = [C.RECORD_ID, C.PERSON_ID, "side"]


def side_links(
    a: pl.DataFrame, b: pl.DataFrame, pairs: pl.DataFrame, link_threshold: float, same_person: float = SAME_PERSON
) -> pl.DataFrame:
    """(record_id, record_id_b, strength) for records of `a` and `b` on the same side of their cases."""
    left, right = a.select(_KEYS), b.select(_KEYS).rename({k: f"{k}_b" for k in _KEYS})
    same = (
        left.join(right, left_on=[C.PERSON_ID, "side"], right_on=[f"{C.PERSON_ID}_b", "side_b"])
        .filter(pl.col(C.RECORD_ID) != pl.col(f"{C.RECORD_ID}_b"))
        .select(C.RECORD_ID, f"{C.RECORD_ID}_b", pl.lit(same_person).alias("strength"))
    )
    direct = _both_ways(pairs).join(left, on=C.RECORD_ID).join(right, on=f"{C.RECORD_ID}_b")
    same_side = pl.col("side") == pl.col("side_b")
    kept_apart = (pl.col(C.PERSON_ID) != pl.col(f"{C.PERSON_ID}_b")) & (pl.col("strength") >= link_threshold)
    direct = direct.filter(same_side & ~kept_apart).select(C.RECORD_ID, f"{C.RECORD_ID}_b", "strength")
    return pl.concat([same, direct]).group_by(C.RECORD_ID, f"{C.RECORD_ID}_b").agg(pl.col("strength").max())


def _both_ways(pairs: pl.DataFrame) -> pl.DataFrame:
    p = pairs.select(
        pl.col("record_id_l").alias(C.RECORD_ID),
        pl.col("record_id_r").alias(f"{C.RECORD_ID}_b"),
        pl.col("match_probability").alias("strength"),
    )
    swapped = p.select(pl.col(f"{C.RECORD_ID}_b").alias(C.RECORD_ID), pl.col(C.RECORD_ID).alias(f"{C.RECORD_ID}_b"), "strength")
    return pl.concat([p, swapped])
