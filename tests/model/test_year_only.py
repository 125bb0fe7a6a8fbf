"""A birth date a file uses for an unknown day keeps its year: weak agreement on the same year,
nothing said against another year (the year may be an estimate from an age)."""

from __future__ import annotations

import math

import pytest

from linkage import columns as C
from linkage.model import load_model, resolve_model
from linkage.model.comparisons import COMPARISON_COLUMNS, DOB_SAME_YEAR_DAY_UNKNOWN, DOB_UNKNOWN
from linkage.model.inmemory import PairScorer
from linkage.model.restate import restated

BLANK = {c: None for c in COMPARISON_COLUMNS}
WHOLE = {**BLANK, C.DOB_STR: "19850612", C.DOB_YEAR: 1985}
YEAR_ONLY = {**BLANK, C.DOB_YEAR: 1985}  # 1985-01-01 in a file that uses January 1st for "unknown"
OTHER_YEAR = {**BLANK, C.DOB_YEAR: 1987}


def dob(scorer: PairScorer, a: dict, b: dict) -> tuple[str, float]:
    e = next(e for e in scorer.explain(a, b) if e.comparison == "dob")
    return e.level, e.weight


def test_the_conditions_read_a_year_only_date_for_its_year():
    same, unknown = DOB_SAME_YEAR_DAY_UNKNOWN.twin(), DOB_UNKNOWN.twin()
    assert same(WHOLE, YEAR_ONLY) and same(YEAR_ONLY, YEAR_ONLY) and not same(WHOLE, OTHER_YEAR)
    assert unknown(WHOLE, OTHER_YEAR) and unknown(WHOLE, BLANK) and not unknown(WHOLE, YEAR_ONLY)
    assert not unknown(WHOLE, {**WHOLE, C.DOB_STR: "19870101", C.DOB_YEAR: 1987})  # two whole dates disagree


def test_the_shipped_model_weighs_the_same_year_and_ignores_another():
    scorer = PairScorer(resolve_model(None).splink, {})
    level, weight = dob(scorer, WHOLE, YEAR_ONLY)
    assert level == "same year, the day unknown on one side" and weight == pytest.approx(math.log2(0.95 / 0.023))
    assert dob(scorer, WHOLE, OTHER_YEAR) == ("missing", 0.0)
    assert dob(scorer, WHOLE, BLANK) == ("missing", 0.0)
    assert dob(scorer, WHOLE, {**WHOLE, C.DOB_STR: "19570612", C.DOB_YEAR: 1957})[1] < -5  # two whole dates apart


def test_restating_keeps_the_trained_levels_and_adds_the_new_one_with_its_prior():
    """The version of 2026-11-25 states the null level on the whole date alone; restated, its other
    comparisons are untouched and its trained birth-date levels keep their u (m rescaled to make room)."""
    old = load_model("default").splink
    new, changed = restated(old)
    assert changed == ["dob"]
    assert [c for c in new["comparisons"] if c["output_column_name"] != "dob"] == [
        c for c in old["comparisons"] if c["output_column_name"] != "dob"
    ]
    before = {
        lvl["label_for_charts"]: lvl
        for lvl in next(c for c in old["comparisons"] if c["output_column_name"] == "dob")["comparison_levels"]
    }
    after = {
        lvl["label_for_charts"]: lvl
        for lvl in next(c for c in new["comparisons"] if c["output_column_name"] == "dob")["comparison_levels"]
    }
    assert after["exact"]["u_probability"] == before["exact"]["u_probability"]
    assert after["exact"]["m_probability"] < before["exact"]["m_probability"]
    assert sum(lvl.get("m_probability") or 0 for lvl in after.values()) == pytest.approx(1.0)
    assert after["same year, the day unknown on one side"]["u_probability"] == pytest.approx(0.023 * 0.01)
    assert restated(new)[1] == []  # stated as the code states it: nothing left to restate
