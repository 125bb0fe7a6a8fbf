"""Is tonight's run as good as last night's? A run's figures, and alarms where they moved too far.

Agencies run this every night; a broken extract (a program missing, a column emptied, a date format
changed) does not fail a run, it quietly makes a worse one. Each run keeps figures that such a break
moves (records and persons per program, links per program pair, the cluster-size and score
distributions, the share of pairs per blocking rule, rows quarantined and fields blanked by reason),
compares them with the previous complete run's, and raises an alarm for each change beyond its bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from linkage import columns as C

SIZES = ("1", "2", "3", "4", "5+")
SCORE_BANDS = (0.5, 0.9, 0.99, 0.999)


@dataclass(frozen=True)
class Bounds:
    """How far a figure may move from the previous run's before it is an alarm: a relative change for
    counts (records, persons, links per program or program pair), an absolute one for shares."""

    counts: float = 0.25
    shares: float = 0.10
    min_count: int = 50  # smaller counts move by chance


def figures(
    records: pl.DataFrame,
    pairs: pl.DataFrame,
    link_threshold: float,
    rule_pairs: dict[str, int],
    quarantined: dict[str, int],
    blanked: dict[str, int],
) -> dict:
    """A run's figures (records with person_id and source_system; pairs by record_id with probability)."""
    per_program = records.group_by(C.SOURCE_SYSTEM).agg(
        pl.len().alias("records"), pl.col(C.PERSON_ID).n_unique().alias("persons")
    )
    program = records.select(C.RECORD_ID, C.SOURCE_SYSTEM)
    linked = (
        pairs.filter(pl.col("match_probability") >= link_threshold)
        .select("record_id_l", "record_id_r")
        .join(program.rename({C.RECORD_ID: "record_id_l", C.SOURCE_SYSTEM: "a"}), on="record_id_l")
        .join(program.rename({C.RECORD_ID: "record_id_r", C.SOURCE_SYSTEM: "b"}), on="record_id_r")
        .select(pl.concat_str([pl.min_horizontal("a", "b"), pl.max_horizontal("a", "b")], separator=" / ").alias("k"))
        .group_by("k")
        .len()
    )
    links = {k: int(n) for k, n in linked.iter_rows()}
    sizes = records.group_by(C.PERSON_ID).len()["len"]
    persons = max(sizes.len(), 1)
    size_share = {s: round(((sizes == int(s)) if s != "5+" else (sizes >= 5)).sum() / persons, 4) for s in SIZES}
    p = pairs["match_probability"]
    edges = (0.0, *SCORE_BANDS, 1.01)
    score_share = {
        f">= {lo}": round(((p >= lo) & (p < hi)).sum() / max(p.len(), 1), 4)
        for lo, hi in zip(edges[:-1], edges[1:])
        if lo >= SCORE_BANDS[0]
    }
    total_rule_pairs = max(sum(rule_pairs.values()), 1)
    return {
        "records": {k: int(v) for k, v in per_program.select(C.SOURCE_SYSTEM, "records").iter_rows()},
        "persons": {k: int(v) for k, v in per_program.select(C.SOURCE_SYSTEM, "persons").iter_rows()},
        "links": links,
        "cluster_sizes": size_share,
        "scores": score_share,
        "rule_share": {k: round(v / total_rule_pairs, 4) for k, v in rule_pairs.items()},
        "quarantined": quarantined,
        "blanked": blanked,
    }


def alarms(previous: dict | None, now: dict, bounds: Bounds = Bounds()) -> list[str]:
    """What moved beyond its bound since the previous run, in words (none without a previous run)."""
    if not previous:
        return []
    out: list[str] = []
    for group, label in (
        ("records", "records of"),
        ("persons", "persons in"),
        ("links", "links"),
        ("quarantined", "rows quarantined:"),
        ("blanked", "fields blanked:"),
    ):
        before, after = previous.get(group, {}), now.get(group, {})
        for key in sorted(set(before) | set(after)):
            a, b = before.get(key, 0), after.get(key, 0)
            if max(a, b) < bounds.min_count:
                continue
            if a == 0 or b == 0 or abs(b - a) / a > bounds.counts:
                out.append(
                    f"{label} {key}: {a:,} -> {b:,}" + (" (gone)" if b == 0 else " (new)" if a == 0 else f" ({(b - a) / a:+.0%})")
                )
    for group, label in (("cluster_sizes", "persons of size"), ("scores", "pairs scored"), ("rule_share", "pairs from rule")):
        before, after = previous.get(group, {}), now.get(group, {})
        for key in sorted(set(before) | set(after)):
            a, b = before.get(key, 0.0), after.get(key, 0.0)
            if abs(b - a) > bounds.shares:
                out.append(f"{label} {key}: {a:.1%} -> {b:.1%} of all")
    return out
