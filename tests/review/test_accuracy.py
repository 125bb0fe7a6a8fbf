"""Precision and recall estimated from a reviewed stratified sample: intervals that hold.

The simulation tests review the sample with the generator's truth and check how often the 95%
interval covers the true value over 20 fixed seeds: a true 95% interval misses 3 of 20 about one
time in twelve, so at least 17 must cover. They also bound the width: an interval of [0, 1] always
covers and says nothing."""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl
import pytest

from benchmarks.generate import generate, write
from linkage.review.accuracy import estimate
from linkage.review.sample import allocate, draw, population
from tests.cli import run


@pytest.fixture(scope="module")
def truth_pop(tmp_path_factory) -> pl.DataFrame:
    """The population of a run on data with whole-value errors (second error model), marked by truth."""
    out = tmp_path_factory.mktemp("accuracy")
    write(generate(records=4000, seed=31, errors="admin"), out)
    run("dedupe", out / "records.csv", "--out", out / "persons.csv", "--db", out / "s.duckdb")
    con = duckdb.connect(str(out / "s.duckdb"), read_only=True)
    pop = population(con)
    con.close()
    t = pl.read_csv(out / "truth.csv", infer_schema=False)
    t = t.select(pl.col(t.columns[0]).alias("id"), pl.col(t.columns[1]).alias("key"))
    return (
        pop.join(t.rename({"id": "record_id_l", "key": "key_l"}), on="record_id_l")
        .join(t.rename({"id": "record_id_r", "key": "key_r"}), on="record_id_r")
        .with_columns((pl.col("key_l") == pl.col("key_r")).alias("true"))
    )


def _reviewed(sample_pairs: pl.DataFrame, pop: pl.DataFrame) -> pl.DataFrame:
    return sample_pairs.join(pop.select("record_id_l", "record_id_r", "true"), on=["record_id_l", "record_id_r"]).select(
        "stratum", pl.when("true").then(pl.lit("match")).otherwise(pl.lit("not a match")).alias("decision")
    )


def test_intervals_cover_the_truth_of_a_run_in_at_least_17_of_20_seeds(truth_pop):
    linked = truth_pop.filter("linked")
    precision = linked["true"].mean()
    # each kept pair under the review threshold stands for `weight` compared pairs
    recall = linked["true"].sum() / (truth_pop["true"].cast(pl.Int64) * truth_pop["weight"]).sum()
    assert precision < 1 and recall < 1  # the run made mistakes of both kinds for the sample to find
    assert truth_pop.filter("below")["true"].any()  # and some matches scored under the review threshold
    covered = np.zeros(2, dtype=int)
    widths = []
    for seed in range(20):
        s = draw(truth_pop, 200, seed)
        e = estimate(s.strata, _reviewed(s.pairs, truth_pop))
        covered += [e.precision.low <= precision <= e.precision.high, e.recall.low <= recall <= e.recall.high]
        widths.append((e.precision.high - e.precision.low, e.recall.high - e.recall.low))
    assert covered[0] >= 17 and covered[1] >= 17, covered
    assert np.mean(widths, axis=0).max() < 0.1


def test_weighting_by_stratum_size_is_what_makes_the_estimate_right(truth_pop):
    """The grey zone is over-sampled and the mass of sure links under-sampled: the sample's pairs
    counted as they come are far off; weighted by their strata's sizes they are not (20 seeds)."""
    linked = truth_pop.filter("linked")
    truth = linked["true"].sum() / (truth_pop["true"].cast(pl.Int64) * truth_pop["weight"]).sum()
    naive_error, weighted_error = [], []
    for seed in range(20):
        s = draw(truth_pop, 200, seed)
        reviewed = s.pairs.join(truth_pop.select("record_id_l", "record_id_r", "true"), on=["record_id_l", "record_id_r"])
        matches = reviewed.filter("true")
        naive_error.append(abs(matches["linked"].mean() - truth))
        weighted_error.append(abs(estimate(s.strata, _reviewed(s.pairs, truth_pop)).recall.estimate - truth))
    assert np.mean(weighted_error) < np.mean(naive_error) / 2, (np.mean(weighted_error), np.mean(naive_error))


@pytest.mark.parametrize("sure_rate", [0.97, 0.995, 1.0])
def test_intervals_cover_on_synthetic_populations_of_every_shape(sure_rate):
    """Strata of many sizes and true rates, from a mass of sure links to a grey zone of half matches."""
    rng = np.random.default_rng(5)
    specs = [
        (True, 20000, sure_rate, 0.9999),
        (True, 3000, 0.99, 0.999),
        (True, 800, 0.95, 0.97),
        (True, 300, 0.85, 0.93),
        (True, 400, 0.9, None),
        (False, 200, 0.6, 0.8),
        (False, 600, 0.3, 0.7),
        (False, 1500, 0.05, 0.6),
        (False, 100, 0.8, 0.99),
    ]
    truth = [rng.random(n) < q for _, n, q, _ in specs]
    precision = sum(t.sum() for (lk, *_), t in zip(specs, truth) if lk) / sum(n for lk, n, *_ in specs if lk)
    recall = sum(t.sum() for (lk, *_), t in zip(specs, truth) if lk) / sum(t.sum() for t in truth)
    drawn = allocate([n for _, n, _, _ in specs], [lk for lk, *_ in specs], [p for *_, p in specs], 120)
    strata = pl.DataFrame(
        {
            "stratum": [f"s{i}" for i in range(len(specs))],
            "linked": [lk for lk, *_ in specs],
            "pairs": [n for _, n, _, _ in specs],
            "drawn": drawn,
        }
    )
    covered = np.zeros(2)
    for _ in range(200):
        rows = [
            (f"s{i}", "match" if v else "not a match")
            for i, (t, k) in enumerate(zip(truth, drawn))
            for v in t[rng.choice(t.size, k, replace=False)]
        ]
        e = estimate(strata, pl.DataFrame(rows, schema=["stratum", "decision"], orient="row"))
        covered += [e.precision.low <= precision <= e.precision.high, e.recall.low <= recall <= e.recall.high]
    assert (covered / 200 >= 0.93).all(), covered


def _strata(*rows: tuple[str, bool, int, int]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["stratum", "linked", "pairs", "drawn"], orient="row")


def _decisions(**per: tuple[int, int]) -> pl.DataFrame:
    """stratum=(matches, not matches)"""
    rows = [(s, d) for s, (m, n) in per.items() for d in ["match"] * m + ["not a match"] * n]
    return pl.DataFrame(rows, schema=["stratum", "decision"], orient="row")


def test_every_reviewed_link_right_still_gives_an_interval_below_one():
    e = estimate(_strata(("a", True, 1000, 30), ("b", False, 500, 20)), _decisions(a=(30, 0), b=(2, 18)))
    assert e.precision.estimate == 1.0 and e.precision.high == 1.0 and 0.85 < e.precision.low < 0.99


def test_no_missed_pair_seen_bounds_recall_by_what_could_hide_apart():
    e = estimate(_strata(("a", True, 1000, 30), ("b", False, 5000, 20)), _decisions(a=(29, 1), b=(0, 20)))
    assert e.recall.estimate == 1.0 and e.recall.high == 1.0 and e.recall.low < 0.9


def test_a_fully_reviewed_population_is_known_exactly():
    e = estimate(_strata(("a", True, 10, 10), ("b", False, 5, 5)), _decisions(a=(9, 1), b=(1, 4)))
    assert (e.precision.low, e.precision.estimate, e.precision.high) == (0.9, 0.9, 0.9)
    assert e.recall.low == e.recall.high == pytest.approx(0.9)


def test_unsure_and_undecided_pairs_are_left_out_and_said():
    decisions = pl.concat(
        [_decisions(a=(5, 0), b=(1, 3)), pl.DataFrame({"stratum": ["a", "b", "c"], "decision": ["unsure", None, None]})]
    )
    e = estimate(_strata(("a", True, 100, 6), ("b", False, 50, 5), ("c", False, 50, 1)), decisions)
    assert (e.drawn, e.decided, e.unsure, e.undecided_strata) == (12, 9, 1, 1)


def test_nothing_reviewed_on_a_side_gives_no_estimate_rather_than_a_guess():
    strata = _strata(("a", True, 1000, 30), ("b", False, 5000, 20))
    nothing = estimate(
        strata,
        pl.DataFrame({"stratum": ["a", "b"], "decision": [None, None]}, schema={"stratum": pl.String, "decision": pl.String}),
    )
    assert nothing.precision.estimate is None and nothing.recall.estimate is None
    links_only = estimate(strata, _decisions(a=(30, 0)))
    assert links_only.precision.estimate == 1.0 and links_only.recall.estimate is None
