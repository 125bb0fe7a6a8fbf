"""A clerical sample for estimating precision and recall without truth labels.

The population is every pair the run decided on: pairs of records it put in one person (all of them,
also those joined only through a chain of other records, which were never scored against each other)
and pairs it scored at or above its review threshold but kept apart. Each pair falls in a stratum:
linked or apart, a band of its match weight ("chain" for a linked pair never scored) and, by default,
the two programs. Every stratum gets at least one pair (two where half the size allows), the rest goes
where the model itself is least sure (Neyman allocation on the model's own probability, floored so
that no stratum is assumed certain), and within a stratum pairs are drawn at random from a seed.

Under the review threshold the run keeps a fixed one-in-N share of the compared pairs with their
scores (`pairs_below_review`, N in the store's meta): those kept apart form strata of their own
("below review"), each pair standing for N, so that a match the model scored low is counted against
recall too. What no sample of the store can see: true pairs the blocking never compared. Recall is
"of the true pairs among those the run compared", and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from linkage.errors import InvalidInputError

# match-weight band edges (log2 odds); the link threshold of 0.9 is a weight of 3.2
BAND_EDGES = (2.0, 5.0, 10.0, 15.0, 20.0)
CHAIN = "chain"
BELOW = "below review"
LEAST_SURE = 0.05  # no stratum is planned as if the model's probability were more certain than this

POPULATION_SQL = """
WITH r AS (SELECT record_id, person_id, source_system FROM records),
linked AS (SELECT a.record_id AS record_id_l, b.record_id AS record_id_r, true AS linked
           FROM r a JOIN r b ON a.person_id = b.person_id AND a.record_id < b.record_id),
scored AS (SELECT least(record_id_l, record_id_r) AS record_id_l, greatest(record_id_l, record_id_r) AS record_id_r,
                  max(match_weight) AS match_weight, max(match_probability) AS match_probability
           FROM pairs GROUP BY ALL),
pop AS (SELECT record_id_l, record_id_r, coalesce(l.linked, false) AS linked, s.match_weight, s.match_probability,
               1 AS weight, false AS below
        FROM linked l FULL JOIN scored s USING (record_id_l, record_id_r)
        {below})
SELECT pop.*, least(a.source_system, b.source_system) || '/' || greatest(a.source_system, b.source_system) AS programs
FROM pop JOIN r a ON a.record_id = pop.record_id_l JOIN r b ON b.record_id = pop.record_id_r
"""


@dataclass(frozen=True)
class Sample:
    strata: pl.DataFrame  # stratum, linked, band, programs, pairs (N), drawn (n)
    pairs: pl.DataFrame  # record_id_l < record_id_r, stratum, match_weight, match_probability, linked


# the share of compared pairs under the review threshold the run kept, apart, each standing for N
BELOW_SQL = """
UNION ALL
SELECT b.record_id_l, b.record_id_r, false, b.match_weight, b.match_probability, {every}, true
FROM (SELECT least(record_id_l, record_id_r) AS record_id_l, greatest(record_id_l, record_id_r) AS record_id_r,
             match_weight, match_probability FROM pairs_below_review) b
WHERE NOT EXISTS (SELECT 1 FROM linked l WHERE l.record_id_l = b.record_id_l AND l.record_id_r = b.record_id_r)
"""


def population(con: duckdb.DuckDBPyConnection, by_programs: bool = True) -> pl.DataFrame:
    """Every pair the last run decided on, with its stratum and `weight` (the pairs it stands for)."""
    every = _below_every(con)
    pop = con.sql(POPULATION_SQL.format(below=BELOW_SQL.format(every=every) if every else "")).pl()
    band = pl.when(pl.col("below")).then(pl.lit(BELOW)).otherwise(_band(pl.col("match_weight")))
    programs = pl.col("programs") if by_programs else pl.lit("all")
    return pop.with_columns(band.alias("band"), programs.alias("programs")).with_columns(
        pl.concat_str(
            pl.when(pl.col("linked")).then(pl.lit("linked")).otherwise(pl.lit("apart")),
            pl.col("band"),
            pl.col("programs"),
            separator=" | ",
        ).alias("stratum")
    )


def draw(pop: pl.DataFrame, size: int, seed: int) -> Sample:
    """A stratified random sample of `size` pairs (the whole population when it is smaller)."""
    strata = (
        pop.group_by("stratum", "linked", "band", "programs")
        .agg(pl.col("weight").sum().alias("pairs"), pl.len().alias("rows"), pl.col("match_probability").mean().alias("p"))
        .sort("linked", "programs", "band", descending=[True, False, False])
    )
    if strata.height and size < strata.height:
        raise InvalidInputError(
            f"--size {size} is below the number of strata ({strata.height}: linked or apart, match-weight band"
            f", programs): draw at least {strata.height} pairs, or --no-by-programs for fewer strata"
        )
    drawn = allocate(strata["rows"].to_list(), strata["linked"].to_list(), strata["p"].to_list(), size, strata["pairs"].to_list())
    strata = strata.drop("p", "rows").with_columns(pl.Series("drawn", drawn, dtype=pl.Int64))
    rng = np.random.default_rng(seed)
    ordered = pop.sort("record_id_l", "record_id_r").with_columns(pl.Series("_key", rng.random(pop.height)))
    picked = (
        ordered.join(strata.select("stratum", "drawn"), on="stratum")
        .filter(pl.col("_key").rank("ordinal").over("stratum") <= pl.col("drawn"))
        .select("record_id_l", "record_id_r", "stratum", "match_weight", "match_probability", "linked")
        .sort("stratum", "record_id_l", "record_id_r")
    )
    return Sample(strata, picked)


def allocate(
    sizes: list[int], linked: list[bool], probabilities: list[float | None], total: int, stand_for: list[int] | None = None
) -> list[int]:
    """Pairs to draw per stratum: one each (two where half the total allows), the rest in proportion to
    N·sqrt(p(1-p)) with the model's mean probability p held away from certainty, never above the
    stratum's rows (`sizes`); N is `stand_for` where a row stands for several pairs, else `sizes`."""
    if sum(sizes) <= total:
        return list(sizes)
    floor = 2 if 4 * len(sizes) <= total else 1  # at least half of the sample goes where it tells most
    n = [min(s, floor) for s in sizes]
    weights = stand_for or sizes
    spread = [w * _spread(p, is_linked) for w, p, is_linked in zip(weights, probabilities, linked)]
    while sum(n) < total:
        open_ = [i for i, s in enumerate(sizes) if n[i] < s]
        left = total - sum(n)
        weight = sum(spread[i] for i in open_)
        want = {i: spread[i] / weight * left for i in open_}
        gave = 0
        for i in open_:
            add = min(sizes[i] - n[i], int(want[i]))
            n[i] += add
            gave += add
        if not gave:  # fractions only: the largest wants first
            for i in sorted(open_, key=lambda i: -want[i])[:left]:
                n[i] += 1
    return n


def _below_every(con: duckdb.DuckDBPyConnection) -> int:
    """How many compared pairs each kept pair under the review threshold stands for (0: none kept)."""
    if not con.execute("SELECT 1 FROM information_schema.tables WHERE table_name = 'pairs_below_review'").fetchall():
        return 0
    rows = con.execute("SELECT value FROM meta WHERE key = 'below_review_every'").fetchall()
    return int(rows[0][0]) if rows and rows[0][0] else 0


def _spread(p: float | None, linked: bool) -> float:
    """The model's own sureness of a stratum: a linked pair never scored (a chain) is planned as 0.9."""
    q = p if p is not None else (0.9 if linked else 0.5)
    q = min(max(q, LEAST_SURE), 1 - LEAST_SURE)
    return float(np.sqrt(q * (1 - q)))


def _band(weight: pl.Expr) -> pl.Expr:
    edges = (float("-inf"), *BAND_EDGES, float("inf"))
    expr: Then | ChainedThen = pl.when(weight.is_null()).then(pl.lit(CHAIN))
    for lo, hi in zip(edges, edges[1:]):
        label = (
            f"weight < {hi:g}" if lo == float("-inf") else f"weight >= {lo:g}" if hi == float("inf") else f"weight {lo:g}-{hi:g}"
        )
        expr = expr.when((weight >= lo) & (weight < hi)).then(pl.lit(label))
    return expr.otherwise(pl.lit(CHAIN))
