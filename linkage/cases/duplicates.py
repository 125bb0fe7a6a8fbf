"""Duplicate IV-D cases already on file: two open cases of the same children with the same CP or the
same NCP. Two cases of one mother and child against two different alleged fathers are not
duplicates: California opens a case per absent parent until paternity is settled."""

from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.cases.case_links import CaseConfig, link_cases
from linkage.cases.matching import case_composition
from linkage.cases.members import CHILD, CP, FATHER, case_members, ivd_members

DUPLICATE_COLUMNS = ("ivd_case_id", "duplicate_case_id", "score", "shared_children", "same_cp", "same_ncp", "reasons")


def duplicate_cases(records: pl.DataFrame, pairs: pl.DataFrame, config: CaseConfig = CaseConfig()) -> pl.DataFrame:
    """Pairs of open IV-D cases describing one family, strongest first."""
    ivd = ivd_members(case_members(records)).filter(pl.col(C.CASE_STATUS) == "OPEN")
    linked = link_cases(ivd, ivd, records, pairs, config)
    fathers = case_composition(ivd).select(pl.col(C.CASE_ID).alias("case_b"), pl.col("n_father").alias("n_father_b"))
    m = linked.candidates.filter(pl.col(C.CASE_ID) < pl.col("case_b")).join(fathers, on="case_b")
    different_men = (pl.col("n_father") > 0) & (pl.col("n_father_b") > 0) & (pl.col("father_p") == 0)
    score = pl.col("child_p") * pl.max_horizontal("cp_p", "father_p")
    dup = m.with_columns(score.alias("score")).filter((pl.col("score") >= config.existing) & ~different_men)
    names = _shared_names(dup, linked.links, ivd)
    return (
        dup.join(names, on=[C.CASE_ID, "case_b"], how="left")
        .select(
            pl.col(C.CASE_ID).alias("ivd_case_id"),
            pl.col("case_b").alias("duplicate_case_id"),
            pl.col("score").round(4),
            pl.col("child_n").alias("shared_children"),
            (pl.col("cp_p") >= config.existing).alias("same_cp"),
            (pl.col("father_p") >= config.existing).alias("same_ncp"),
            "reasons",
        )
        .sort(["score", "ivd_case_id"], descending=[True, False])
    )


def _shared_names(dup: pl.DataFrame, links: pl.DataFrame, ivd: pl.DataFrame) -> pl.DataFrame:
    """'same CP ANA DIAZ; same NCP JOSE DIAZ; children RAFAEL DIAZ, LUZ DIAZ' per case pair."""
    who = ivd.select(C.RECORD_ID, C.CASE_ID, "side", "name")
    shared = (
        links.join(who, on=C.RECORD_ID)
        .join(who.select(pl.col(C.RECORD_ID).alias("record_id_b"), pl.col(C.CASE_ID).alias("case_b")), on="record_id_b")
        .join(dup.select(C.CASE_ID, "case_b"), on=[C.CASE_ID, "case_b"])
        .group_by(C.CASE_ID, "case_b", "side")
        .agg(pl.col("name").unique().sort().str.join(", "))
    )
    label = {CP: "same CP", FATHER: "same NCP", CHILD: "same children"}
    order = {CHILD: 0, CP: 1, FATHER: 2}
    return (
        shared.with_columns(
            pl.col("side").replace_strict(order).alias("_o"),
            pl.concat_str(pl.col("side").replace_strict(label), pl.lit(" "), pl.col("name")).alias("part"),
        )
        .sort("_o")
        .group_by(C.CASE_ID, "case_b")
        .agg(pl.col("part").str.join("; ").alias("reasons"))
    )
