"""The shipped model, scored through Splink on pairs a caseworker would judge by eye."""

import json

import duckdb
import polars as pl
import pytest
from splink import DuckDBAPI

from blocking import candidate_pairs
from linkage import columns as C
from linkage.ingest import validate
from linkage.model import load_model, score
from linkage.model.comparisons import COMPARISON_COLUMNS, EARLIER_CONDITIONS, SWAPPED, SWAPPED_TOKENS_ONLY
from linkage.model.inmemory import PairScorer
from linkage.rules import DEFAULT_RULES, SAME_CASE
from linkage.standardize import standardize
from tests.conftest import person, records_frame

BASE = person(
    "R0", "GUADALUPE", "GARCIA LOPEZ", case="D1", dob="1990-04-03", ssn="123-45-6780", street="12 Main St", zip="90012", sex="F"
)


def scored(*others):
    rows = [BASE, *[{**o, "record_id": f"R{i + 1}", "case_id": f"C{i + 1}"} for i, o in enumerate(others)]]
    recs = standardize(validate(records_frame(rows)).records)
    con = duckdb.connect()
    con.register("src", recs.select("uid", *COMPARISON_COLUMNS))
    con.execute("CREATE TABLE std_records AS SELECT * FROM src")
    con.execute(
        "CREATE TABLE pairs AS SELECT '0' AS match_key, 0::BIGINT AS join_key_l, uid AS join_key_r FROM std_records WHERE uid > 0"
    )
    out = score(DuckDBAPI(con), "std_records", "pairs", load_model("default").splink, min_probability=0.0)
    return dict(zip(out["uid_r"].to_list(), out["match_probability"].to_list()))


def test_one_person_with_the_errors_of_domain_md_scores_high():
    p = scored(
        {**BASE, "first_name": "LUPE", "last_name": "LOPEZ"},  # nickname, part of surname
        {**BASE, "dob": "1990-03-04", "ssn": "123-45-6708"},  # swapped dob, transposed ssn
        {**BASE, "first_name": "GARCIA LOPEZ", "last_name": "GUADALUPE"},  # first and last swapped
    )
    assert min(p.values()) >= 0.9, p


def test_first_and_last_swapped_with_a_nickname_is_a_swap():
    """LUPE GARCIA LOPEZ typed into the wrong fields, no SSN: as strong as the plain swap."""
    p = scored(
        {**BASE, "first_name": "GARCIA LOPEZ", "last_name": "LUPE", "ssn": ""},
        {**BASE, "first_name": "GARCIA LOPEZ", "last_name": "GUADALUPE", "ssn": ""},
    )
    assert p[1] >= 0.9 and p[1] == pytest.approx(p[2]), p


def test_different_people_score_low():
    p = scored(
        {**BASE, "first_name": "MARIA", "dob": "1992-07-01", "ssn": "987-65-4320"},  # a sister
        {**BASE, "first_name": "GUADALUPE", "dob": "1960-01-01", "ssn": "", "suffix": "SR"},
        person("X", "JOHN", "SMITH", dob="1975-05-05", ssn="999-99-9999"),
    )
    assert max(p.values()) < 0.5, p


def test_a_placeholder_ssn_is_no_evidence():
    same_placeholder = scored(
        {**person("X", "JOHN", "SMITH", dob="1975-05-05"), "ssn": "999999999"},
    )
    no_ssn = scored(person("X", "JOHN", "SMITH", dob="1975-05-05"))
    assert same_placeholder[1] == pytest.approx(no_ssn[1])


def test_the_hamming_pre_tests_change_no_score(small_data):
    """Two levels test Hamming distance before the edit distance (a speed-up); the model as saved
    before, without that test, scores every pair of a generated county the same."""
    recs = standardize(validate(pl.read_csv(small_data / "records.csv", infer_schema=False)).records)
    current = load_model("default").splink
    earlier = json.dumps(current)
    for old, new in EARLIER_CONDITIONS.items():
        assert json.dumps(new) in earlier
        earlier = earlier.replace(json.dumps(new), json.dumps(old))
    out = []
    for model in (current, json.loads(earlier)):
        con = duckdb.connect()
        con.register("src", recs.select("uid", *COMPARISON_COLUMNS))
        con.execute("CREATE TABLE std_records AS SELECT * FROM src")
        candidate_pairs(con, recs, list(DEFAULT_RULES), "pairs", SAME_CASE)
        out.append(score(DuckDBAPI(con), "std_records", "pairs", model, min_probability=0.0).sort("uid_l", "uid_r"))
    reached = con.sql(  # the pre-tested levels are reached: some pairs are a digit or a transposition apart
        "SELECT count(*) FILTER (l.dob_str <> r.dob_str AND damerau_levenshtein(l.dob_str, r.dob_str) = 1), "
        "count(*) FILTER (hamming(l.ssn_std, r.ssn_std) = 2 AND damerau_levenshtein(l.ssn_std, r.ssn_std) = 1) "
        "FROM pairs p JOIN std_records l ON l.uid = p.join_key_l JOIN std_records r ON r.uid = p.join_key_r"
    ).fetchall()[0]
    assert min(reached) > 0, reached
    assert out[0].height > 1000 and out[0].equals(out[1])


def test_a_model_saved_before_the_nickname_swap_scores_in_memory_as_in_splink(small_data):
    """A model saved before 2026-11-27 states the swap level on tokens only; the service (in-memory
    twin) and the batch (Splink) must still agree on it, and it must not read the new column."""
    recs = standardize(validate(pl.read_csv(small_data / "records.csv", infer_schema=False)).records)
    current = json.dumps(load_model("default").splink)
    assert current.count(json.dumps(SWAPPED)) == 2
    earlier = json.loads(current.replace(json.dumps(SWAPPED), json.dumps(SWAPPED_TOKENS_ONLY)))
    con = duckdb.connect()
    con.register("src", recs.select("uid", *COMPARISON_COLUMNS).drop(C.SN_CANON))
    con.execute("CREATE TABLE std_records AS SELECT * FROM src")
    candidate_pairs(con, recs, list(DEFAULT_RULES), "pairs", SAME_CASE)
    out = score(DuckDBAPI(con), "std_records", "pairs", earlier, min_probability=0.0)
    scorer = PairScorer.from_records(earlier, recs)
    rows = recs.select("uid", *COMPARISON_COLUMNS).drop(C.SN_CANON).rows_by_key("uid", named=True, unique=True)
    ours = [scorer.weight(rows[a], rows[b]) for a, b in zip(out["uid_l"].to_list(), out["uid_r"].to_list())]
    assert out.height > 1000
    assert (pl.Series(ours) - out["match_weight"]).abs().max() < 1e-6
