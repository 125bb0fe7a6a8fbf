"""Duplicate cases, misdirected support and TANF feedback on the hand-made county."""

from __future__ import annotations

import polars as pl

from linkage.cases.duplicates import DUPLICATE_COLUMNS, duplicate_cases
from linkage.cases.feedback import FEEDBACK_COLUMNS, tanf_feedback
from linkage.cases.misdirected import MISDIRECTED_COLUMNS, misdirected_support


def test_duplicate_cases_are_the_same_family_opened_twice_not_two_alleged_fathers(county):
    dup = duplicate_cases(county.records, county.pairs)
    assert tuple(dup.columns) == DUPLICATE_COLUMNS
    assert dup.select("ivd_case_id", "duplicate_case_id").rows() == [("D8", "D9")]
    row = dup.row(0, named=True)
    assert row["same_cp"] and row["same_ncp"] and row["shared_children"] == 1
    assert "same children MIA HILL" in row["reasons"] and "same NCP GARY HILL" in row["reasons"]


def test_closed_cases_are_not_reported_as_duplicates(county):
    reopened = county.records.with_columns(
        pl.when(pl.col("case_id") == "D9").then(pl.lit("CLOSED")).otherwise(pl.col("case_status")).alias("case_status")
    )
    assert duplicate_cases(reopened, county.pairs).is_empty()


def test_misdirected_support_for_children_in_open_placements_only(county):
    mis = misdirected_support(county.records, county.pairs)
    assert tuple(mis.columns) == MISDIRECTED_COLUMNS
    rows = mis.select("ive_case_id", "child_record_id", "ivd_case_id", "cp_name", "cp_removed_from").rows()
    assert sorted(rows) == [
        ("E1", "E1-2", "D3", "ROSA DIAZ", "yes"),
        ("E2", "E2-1", "D5", "KAREN WHITE", "yes"),
        ("E2", "E2-1", "D6", "KAREN WHITE", "yes"),
    ]  # E3 is closed: NOE went home
    assert "removed from" in mis["reasons"][0]


def test_misdirected_support_when_the_placement_names_no_parent(county):
    no_cp = county.records.filter(pl.col("record_id") != "E2-0")
    mis = misdirected_support(no_cp, county.pairs).filter(pl.col("ive_case_id") == "E2")
    assert mis.height == 2 and set(mis["cp_removed_from"]) == {"unknown"}


def test_tanf_feedback_gives_case_status_paternity_and_order(county):
    fb = tanf_feedback(county.records)
    assert tuple(fb.columns) == FEEDBACK_COLUMNS
    by_child = {r["child_record_id"]: r for r in fb.iter_rows(named=True)}
    ana = by_child["A1-2"]
    assert (ana["has_ivd_case"], ana["ivd_case_id"], ana["ivd_case_status"]) == (True, "D1", "OPEN")
    assert ana["paternity_status"] == "ADJUDICATED" and ana["order_status"] == "ORDER IN PLACE"
    kevin = by_child["A3-1"]
    assert (kevin["ivd_case_id"], kevin["ivd_case_status"]) == ("D4", "CLOSED")
    sofia = by_child["A2-1"]
    assert not sofia["has_ivd_case"] and sofia["ivd_case_id"] is None
    assert set(fb["iva_case_id"]) == {"A1", "A2", "A3"}  # A4 and A5 list no children


def test_tanf_feedback_without_an_order_column(county):
    fb = tanf_feedback(county.records.drop("order_status"))
    assert fb["order_status"].null_count() == fb.height
