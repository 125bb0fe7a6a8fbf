"""Each condition's SQL and its Python twin come from one object and give the same answer."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from linkage import columns as C
from linkage.model.comparisons import COMPARISON_COLUMNS, PY_CONDITIONS
from linkage.model.conditions import Equal, Initial, Missing, SharesAny, edits, hamming, jaro_winkler
from linkage.pipeline import LinkConfig, link


@pytest.fixture(scope="module")
def pairs(small_data) -> pl.DataFrame:
    """Each record against the next 15 in name order (agreements of every kind), plus itself."""
    records = link([small_data / "records.csv"], LinkConfig()).records.select(COMPARISON_COLUMNS).sort(C.SN, C.FN)
    n = records.height
    left = records.rename({c: f"{c}_l" for c in COMPARISON_COLUMNS})
    frames = [
        pl.concat([left.slice(0, n - k), records.slice(k).rename({c: f"{c}_r" for c in COMPARISON_COLUMNS})], how="horizontal")
        for k in range(16)
    ]
    return pl.concat(frames)


def test_every_condition_the_models_use_answers_alike_in_sql_and_python(pairs):
    con = duckdb.connect()
    con.register("pairs", pairs)
    rows = pairs.to_dicts()
    idle = []
    split = [({c: r[f"{c}_l"] for c in COMPARISON_COLUMNS}, {c: r[f"{c}_r"] for c in COMPARISON_COLUMNS}) for r in rows]
    for sql, twin in PY_CONDITIONS.items():
        in_sql = [bool(v) for (v,) in con.execute(f"SELECT coalesce(({sql}), false) FROM pairs").fetchall()]
        in_python = [bool(twin(a, b)) for a, b in split]
        differ = [i for i, (x, y) in enumerate(zip(in_sql, in_python)) if x != y]
        assert not differ, (sql, split[differ[0]])
        idle += [sql] if not any(in_sql) else []
    assert len(idle) <= len(PY_CONDITIONS) // 4, idle  # the sample exercises the conditions


def test_a_cut_off_is_typed_once():
    assert jaro_winkler(C.FN, 0.9).sql() == "jaro_winkler_similarity(fn_l, fn_r) >= 0.9"
    assert jaro_winkler(C.FN, 0.9, C.SN).sql() == "jaro_winkler_similarity(fn_l, sn_r) >= 0.9"
    assert (
        hamming(C.SSN_STD, "=", 2) & edits(C.SSN_STD, "=", 1)
    ).sql() == "hamming(ssn_std_l, ssn_std_r) = 2 AND damerau_levenshtein(ssn_std_l, ssn_std_r) = 1"
    assert (
        (SharesAny("a", "b") & SharesAny("b", "a")) | Equal("c")
    ).sql() == "(list_has_any(a_l, b_r) AND list_has_any(b_l, a_r)) OR c_l = c_r"
    assert (Missing("a") & Missing("b")).sql() == "(a_l IS NULL OR a_r IS NULL) AND (b_l IS NULL OR b_r IS NULL)"
    twin = Initial(C.MN).twin()
    assert twin({C.MN: "J"}, {C.MN: "JOSE"}) and not twin({C.MN: None}, {C.MN: "J"})
