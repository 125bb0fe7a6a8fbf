"""The accuracy sample: every stratum drawn, the sample reproducible, the allocation honest."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.errors import InvalidInputError
from linkage.review.sample import BELOW, CHAIN, allocate, draw, population
from tests.cli import run


@pytest.fixture(scope="module")
def store(small_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    run("dedupe", small_data / "records.csv", "--out", out / "persons.csv", "--db", out / "s.duckdb")
    return out / "s.duckdb"


@pytest.fixture(scope="module")
def pop(store) -> pl.DataFrame:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return population(con)
    finally:
        con.close()


def test_population_is_every_linked_pair_and_every_scored_pair_kept_apart(store, pop):
    con = duckdb.connect(str(store), read_only=True)
    per_person = con.sql("SELECT sum(n * (n - 1) / 2) FROM (SELECT count(*) AS n FROM records GROUP BY person_id)").fetchall()[0][
        0
    ]
    scored_apart = con.sql(
        "SELECT count(*) FROM pairs p JOIN records a ON a.record_id = p.record_id_l "
        "JOIN records b ON b.record_id = p.record_id_r WHERE a.person_id <> b.person_id"
    ).fetchall()[0][0]
    con.close()
    assert pop.filter("linked").height == per_person
    assert pop.filter(~pl.col("linked") & ~pl.col("below")).height == scored_apart > 0
    assert (pop.filter(~pl.col("below"))["weight"] == 1).all()
    assert pop.filter(pl.col("record_id_l") >= pl.col("record_id_r")).is_empty()
    chain = pop.filter(pl.col("band") == CHAIN)
    assert chain["linked"].all() and chain["match_weight"].is_null().all()
    assert pop["programs"].str.contains("/").all()


def test_compared_pairs_scored_under_the_review_threshold_are_kept_apart_and_stand_for_their_share(store, pop):
    """The run keeps a fixed share of its compared pairs whatever their score; those under the review
    threshold and not in one person form strata of their own, each pair standing for that share."""
    con = duckdb.connect(str(store), read_only=True)
    every = int(con.execute("SELECT value FROM meta WHERE key = 'below_review_every'").fetchall()[0][0])
    review = float(con.execute("SELECT value FROM meta WHERE key = 'review_threshold'").fetchall()[0][0])
    kept = con.execute("SELECT count(*) FROM pairs_below_review").fetchall()[0][0]
    con.close()
    below = pop.filter("below")
    assert every >= 1 and 0 < below.height <= kept
    assert (below["weight"] == every).all() and not below["linked"].any() and (below["band"] == BELOW).all()
    assert (below["match_probability"] < review).all()
    strata = draw(pop, 150, 7).strata.filter(pl.col("band") == BELOW)
    assert strata["pairs"].sum() == below.height * every


def test_every_stratum_is_drawn_within_its_size_and_a_seed_draws_the_same_pairs(pop):
    a, b, c = draw(pop, 150, 7), draw(pop, 150, 7), draw(pop, 150, 8)
    assert a.pairs.height == 150 == a.strata["drawn"].sum()
    assert (a.strata["drawn"] >= 1).all() and (a.strata["drawn"] <= a.strata["pairs"]).all()
    assert a.pairs.group_by("stratum").len().sort("stratum")["len"].to_list() == a.strata.sort("stratum")["drawn"].to_list()
    assert a.pairs.equals(b.pairs)
    assert not a.pairs.equals(c.pairs)


def test_the_grey_zone_is_sampled_more_densely_than_the_mass_of_sure_links(pop):
    s = draw(pop, 150, 1).strata.with_columns((pl.col("drawn") / pl.col("pairs")).alias("rate"))
    sure = s.filter(pl.col("linked") & (pl.col("band") == "weight >= 20"))["rate"]
    apart = s.filter(~pl.col("linked"))["rate"]
    assert apart.mean() > 3 * sure.mean()


def test_a_size_below_the_number_of_strata_is_refused_with_what_to_do(pop):
    strata = pop["stratum"].n_unique()
    with pytest.raises(InvalidInputError, match=f"at least {strata}.*--no-by-programs"):
        draw(pop, strata - 1, 1)


def test_a_sample_larger_than_the_population_takes_all_of_it(pop):
    assert draw(pop, pop.height + 10, 3).pairs.height == pop.height


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 5000), st.booleans(), st.one_of(st.none(), st.floats(0.5, 1.0))), min_size=1, max_size=30),
    st.integers(1, 3000),
)
def test_allocation_adds_up_and_never_exceeds_a_stratum(strata, total):
    sizes, linked, p = (list(x) for x in zip(*strata))
    total = max(total, len(sizes))
    n = allocate(sizes, linked, p, total)
    assert sum(n) == min(total, sum(sizes))
    assert all(1 <= k <= s for k, s in zip(n, sizes))
