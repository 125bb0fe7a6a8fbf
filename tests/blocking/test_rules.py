import dataclasses
import random

import duckdb
import polars as pl
import pytest

from blocking import KeyRule, block_on, candidate_pairs, record_keys, refined


def frame(**cols):
    n = len(next(iter(cols.values())))
    return pl.DataFrame({"uid": list(range(n)), **cols})


def pairs(df, rules, **kw):
    con = duckdb.connect()
    report = candidate_pairs(con, df, rules, **kw)
    got = set(con.execute("SELECT join_key_l, join_key_r FROM blocked_pairs").fetchall())
    return got, report


def test_list_columns_give_one_key_per_element_and_nulls_give_none():
    df = frame(sn=[["GARCIA", "LOPEZ"], ["LOPEZ"], None], dob=["1", "1", "1"])
    keys = record_keys(df, block_on("dob", "sn"))
    assert sorted(keys.group_by("uid").len().sort("uid")["len"].to_list()) == [1, 2]


def test_compound_surnames_pair_on_any_token():
    df = frame(sn=[["GARCIA", "LOPEZ"], ["LOPEZ"], ["GARCIA"], ["PEREZ"]], dob=["1"] * 4)
    got, _ = pairs(df, [block_on("dob", "sn")])
    assert got == {(0, 1), (0, 2)}


def test_big_blocks_are_skipped_and_reported():
    df = frame(fn=["MARIA"] * 6 + ["ANA"] * 2)
    got, report = pairs(df, [block_on("fn", max_block_size=5)])
    assert got == {(6, 7)}
    assert report.rules[0].skipped_blocks == 1 and report.rules[0].largest_skipped == 6


def test_only_if_missing_pairs_thin_records_with_everyone_but_not_full_with_full():
    df = frame(fn=["JOE"] * 3, dob=[None, "1990", "1991"])
    got, _ = pairs(df, [block_on("fn", only_if_missing="dob")])
    assert got == {(0, 1), (0, 2)}


def test_exclude_same_never_pairs_two_people_of_one_case():
    df = frame(fn=["JOE"] * 3, case=["C1", "C1", "C2"])
    got, _ = pairs(df, [block_on("fn")], exclude_same=("case",))
    assert got == {(0, 2), (1, 2)}


def test_pairs_are_counted_once_under_the_first_rule_that_finds_them():
    df = frame(a=["x", "x", "y"], b=["p", "p", "p"])
    got, report = pairs(df, [block_on("a"), block_on("b")])
    assert got == {(0, 1), (0, 2), (1, 2)}
    assert [(r.pairs, r.new_pairs) for r in report.rules] == [(1, 1), (3, 2)]
    assert report.total_pairs == 3


def test_recall_against_labels():
    df = frame(a=["x", "x", "y", "z"])
    labels = pl.DataFrame({"uid": [0, 1, 2, 3], "label": [1, 1, 2, 2]})
    _, report = pairs(df, [block_on("a")], labels=labels)
    assert report.true_pairs == 2 and report.recall == pytest.approx(0.5)
    assert "comparisons per record" in report.lines()[-1]


def test_refined_rule_compares_small_blocks_whole_and_splits_big_ones_by_each_level():
    # MARIA on one date: 5 records, over the split size of 3, so only the same region pairs; within
    # region 900 still 4 records, so only the same zip. ANA's block of 2 is compared whole.
    df = frame(
        fn=["MARIA"] * 5 + ["ANA"] * 2,
        zip3=["900", "900", "900", "900", "901", "900", "901"],
        zip5=["90001", "90001", "90002", "90002", "90101", "90001", "90101"],
    )
    rules = refined(block_on("fn", name="first"), ("zip3",), ("zip5",), above=3)
    assert [(r.name, r.max_block_size) for r in rules] == [("first", 3), ("first / zip3", 3), ("first / zip5", 400)]
    got, report = pairs(df, list(rules))
    assert got == {(0, 1), (2, 3), (5, 6)}
    assert [r.skipped_blocks for r in report.rules] == [1, 1, 0]


def test_keying_a_split_from_its_parents_big_blocks_gives_the_pairs_of_the_plain_rule():
    rng = random.Random(7)
    n = 400
    df = frame(
        fn=[rng.choice("ABCDEFG") for _ in range(n)],
        sn=[[rng.choice("XYZW"), rng.choice("XYZW")] for _ in range(n)],
        zip3=[rng.choice(["900", "901", None]) for _ in range(n)],
        zip5=[rng.choice(["1", "2", "3"]) for _ in range(n)],
        case=[str(i // 3) for i in range(n)],
    )
    rules = refined(block_on("fn", "sn", name="name"), ("zip3",), ("zip5",), above=8)
    split, _ = pairs(df, list(rules), exclude_same=("case",))
    plain, _ = pairs(df, [dataclasses.replace(r, splits=None) for r in rules], exclude_same=("case",))
    assert split == plain and len(split) > 100


def test_a_refined_rule_keeps_its_thin_record_condition():
    rules = refined(block_on("fn", only_if_missing="dob", max_block_size=60), ("zip5",), above=2)
    assert all(r.only_if_missing == "dob" for r in rules) and rules[-1].max_block_size == 60
    with pytest.raises(ValueError):
        refined(block_on("fn"), ("zip5",), above=1)


def test_rule_validation():
    with pytest.raises(ValueError):
        KeyRule("empty", ())
    with pytest.raises(ValueError):
        block_on("a", max_block_size=1)
