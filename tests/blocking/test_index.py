"""The in-memory index gives each record the same candidates as the batch blocking."""

from __future__ import annotations

from collections import defaultdict

import duckdb
import polars as pl

from blocking import KeyIndex, block_on, candidate_pairs, keys_of
from linkage import columns as C
from linkage.ingest import read_records, validate
from linkage.rules import DEFAULT_RULES, SAME_CASE
from linkage.standardize import standardize


def test_candidates_equal_batch_pairs(small_data):
    records = standardize(validate(read_records([small_data / "records.csv"])).records)
    con = duckdb.connect()
    candidate_pairs(con, records, list(DEFAULT_RULES), "bp", SAME_CASE)
    partners: dict[int, set[int]] = defaultdict(set)
    for l, r in con.execute("SELECT join_key_l, join_key_r FROM bp").fetchall():
        partners[l].add(r)
        partners[r].add(l)
    index = KeyIndex(records, DEFAULT_RULES)
    case = dict(zip(records[C.UID].to_list(), (records[C.SOURCE_SYSTEM] + records[C.CASE_ID]).to_list()))
    differ = []
    for row in records.iter_rows(named=True):
        uid = row[C.UID]
        got = {int(u) for u in index.candidates(row, indexed=True) if u != uid and case[int(u)] != case[uid]}
        if got != partners[uid]:
            differ.append((uid, got ^ partners[uid]))
    assert sum(len(p) for p in partners.values()) > 1000 and not differ, differ[:5]


def test_overlay_records_are_found_and_block_caps_hold():
    rule = block_on("a", "b", max_block_size=3)
    df = pl.DataFrame({"uid": [0, 1], "a": ["X", "X"], "b": [["P", "Q"], ["Q"]]})
    index = KeyIndex(df, [rule])
    assert keys_of({"a": "X", "b": ["Q", "P"]}, rule) == ["X\x1fP", "X\x1fQ"]
    assert sorted(index.candidates({"a": "X", "b": ["Q"]}).tolist()) == [0, 1]
    index.add({"a": "X", "b": ["P"]}, 2)
    assert sorted(index.candidates({"a": "X", "b": ["P"]}).tolist()) == [0, 2]
    assert index.candidates({"a": "X", "b": ["Q"]}).tolist() == [0, 1]
    index.add({"a": "X", "b": ["Q"]}, 3)  # block X/Q now holds 3; with the query 4 > cap
    assert index.candidates({"a": "X", "b": ["Q"]}).size == 0
    assert index.candidates({"a": None, "b": ["Q"]}).size == 0


def test_only_if_missing_pairs_a_thin_query_with_anyone_and_a_full_one_with_thin_records():
    rule = block_on("n", only_if_missing="d")
    df = pl.DataFrame({"uid": [0, 1], "n": ["JO", "JO"], "d": ["2000", None]})
    index = KeyIndex(df, [rule])
    assert sorted(index.candidates({"n": "JO", "d": None}).tolist()) == [0, 1]
    assert index.candidates({"n": "JO", "d": "2001"}).tolist() == [1]
