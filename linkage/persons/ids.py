"""Stable person ids: a re-run keeps the id of every person whose records did not change.

Each new cluster inherits the previous id that most of its records carried, if no bigger share of
that id went elsewhere; other clusters get fresh ids. Merges (one cluster, several old ids), splits
(one old id, several clusters), new ids and retired ones (an earlier id no person carries now) are
reported so downstream systems can follow them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

ID_PREFIX = "P"


def format_person_id(seq: int) -> str:
    return f"{ID_PREFIX}{seq:09d}"


@dataclass(frozen=True)
class PersonEvent:
    kind: str  # "merge" | "split"
    person_id: str  # the id that remains (merge) or the id that was split
    other_ids: tuple[str, ...]  # ids merged into it, or the ids the split parts now carry


@dataclass(frozen=True)
class IdAssignment:
    person_ids: pl.Series  # one per record, in input order
    events: list[PersonEvent]
    next_seq: int
    kept: int  # clusters that kept an earlier id
    new: int
    new_ids: pl.Series = field(default_factory=lambda: pl.Series("person_id", [], dtype=pl.String))  # given in this run
    retired_ids: pl.Series = field(default_factory=lambda: pl.Series("person_id", [], dtype=pl.String))  # carried by no one now


def assign_person_ids(
    record_ids: Sequence[str] | pl.Series, labels: np.ndarray, previous: Mapping[str, str] | pl.DataFrame, next_seq: int
) -> IdAssignment:
    """previous: record_id -> person_id of the last run (a mapping, or a frame of the two columns).

    In polars, not Python objects: a statewide re-run matches millions of previous ids."""
    rows = pl.DataFrame(
        {"record_id": pl.Series(record_ids, dtype=pl.String), "label": np.asarray(labels, dtype=np.int64)}
    ).with_row_index("row")
    rows = rows.join(_previous_frame(previous), on="record_id", how="left", maintain_order="left")
    overlap = rows.drop_nulls("old").group_by("label", "old").len()
    chosen = _choose(overlap)
    kept = chosen.height
    fresh = (
        rows.group_by("label")
        .agg(pl.col("row").min())
        .join(chosen, on="label", how="anti")
        .sort("row")
        .with_row_index("i")
        .select("label", pl.format("{}{}", pl.lit(ID_PREFIX), (pl.col("i") + next_seq).cast(pl.String).str.zfill(9)).alias("pid"))
    )
    ids = rows.join(pl.concat([chosen, fresh]), on="label", how="left", maintain_order="left")
    events = _events(ids.select("pid", "old"))
    old_ids = _previous_frame(previous)["old"].unique()
    retired = old_ids.filter(~old_ids.is_in(chosen["pid"].implode())).sort()
    return IdAssignment(
        ids["pid"].rename("person_id"),
        events,
        next_seq + fresh.height,
        kept,
        fresh.height,
        fresh["pid"].sort().rename("person_id"),
        retired.rename("person_id"),
    )


def _previous_frame(previous: Mapping[str, str] | pl.DataFrame) -> pl.DataFrame:
    if isinstance(previous, pl.DataFrame):
        return previous.select(pl.col(previous.columns[0]).alias("record_id"), pl.col(previous.columns[1]).alias("old"))
    return pl.DataFrame(
        {"record_id": list(previous), "old": list(previous.values())}, schema={"record_id": pl.String, "old": pl.String}
    )


def _choose(overlap: pl.DataFrame) -> pl.DataFrame:
    """(label, pid): each cluster takes the previous id most of its records carried, unless a bigger
    share of that id went elsewhere. A cluster and an old id that meet no one else pair at once; the
    rest (merges and splits, few) are decided greedily by size, then id."""
    one_to_one = (pl.col("label").count().over("label") == 1) & (pl.col("old").count().over("old") == 1)
    overlap = overlap.with_columns(one_to_one.alias("alone"))
    chosen = overlap.filter("alone").select("label", pl.col("old").alias("pid"))
    rest = overlap.filter(~pl.col("alone")).sort(["len", "old", "label"], descending=[True, False, False])
    picked: dict[int, str] = {}
    used: set[str] = set()
    for label, old in rest.select("label", "old").iter_rows():
        if label not in picked and old not in used:
            picked[label] = old
            used.add(old)
    more = pl.DataFrame({"label": list(picked), "pid": list(picked.values())}, schema={"label": pl.Int64, "pid": pl.String})
    return pl.concat([chosen, more])


def _events(ids: pl.DataFrame) -> list[PersonEvent]:
    """Merges (a new id over several old ones) and splits (an old id over several new ones)."""
    both = ids.drop_nulls("old").unique()
    merges = both.group_by("pid").agg(pl.col("old")).filter(pl.col("old").list.len() > 1)
    splits = both.group_by("old").agg(pl.col("pid")).filter(pl.col("pid").list.len() > 1)
    events = [PersonEvent("merge", pid, tuple(sorted(set(olds) - {pid}))) for pid, olds in merges.iter_rows()]
    events += [PersonEvent("split", old, tuple(sorted(set(news) - {old}))) for old, news in splits.iter_rows()]
    return sorted(events, key=lambda e: (e.kind, e.person_id))


def event_rows(ids: IdAssignment) -> pl.DataFrame:
    """The run's person events as rows (kind, person_id, other_ids): merges and splits, then new and
    retired ids (a first statewide run gives every person a new id: millions of rows, so from the
    frames, not one by one)."""
    schema = pl.Schema({"kind": pl.String(), "person_id": pl.String(), "other_ids": pl.List(pl.String)})
    changes = pl.DataFrame([(e.kind, e.person_id, list(e.other_ids)) for e in ids.events], schema=schema, orient="row")
    plain = [
        pl.DataFrame({"person_id": s}).select(
            pl.lit(kind).alias("kind"), "person_id", pl.lit([], dtype=pl.List(pl.String)).alias("other_ids")
        )
        for kind, s in (("new", ids.new_ids), ("retired", ids.retired_ids))
        if len(s)
    ]
    return pl.concat([changes, *plain])
