"""The second error model makes the whole-value errors it says it makes, at modest rates, with truth."""

from __future__ import annotations

import polars as pl

from benchmarks.admin_errors import SHARED_SSNS
from benchmarks.generate import generate


def test_admin_errors_are_whole_values_with_truth():
    d = generate(records=20000, seed=21, errors="admin")
    r = d["records"].join(d["truth"].select("record_id", pl.col("person_key").cast(pl.String)), on="record_id")
    assert d["records"].equals(generate(records=20000, seed=21, errors="admin")["records"])  # seeded
    digits = r.with_columns(pl.col("ssn").str.replace_all("-", "").alias("ssn"))
    # a child carrying another member's SSN: one number, two persons of one case
    shared = (
        digits.filter(pl.col("ssn") != "")
        .group_by("case_id", "ssn")
        .agg(pl.col("person_key").n_unique())
        .filter(pl.col("person_key") > 1)
    )
    assert shared.height > 20
    assert digits.filter(pl.col("ssn").is_in(SHARED_SSNS))["person_key"].n_unique() > 5
    jan1 = r.filter(pl.col("dob").str.ends_with("-01-01") | pl.col("dob").str.starts_with("01/01/")).height
    assert 0.005 < jan1 / r.height < 0.08
    assert r.filter(pl.col("dob").str.starts_with("1900-01-01") | pl.col("dob").str.ends_with("/1900")).height > 0
    twice = r.group_by("case_id", "person_key").len().filter(pl.col("len") > 1)
    assert twice.height > 10  # one person typed twice into one case
    assert r.filter(pl.col("last_name").str.contains(",")).height > 0  # the whole name in the surname field
    per_person_sex = r.filter(pl.col("sex") != "").group_by("person_key").agg(pl.col("sex").n_unique())
    assert per_person_sex.filter(pl.col("sex") > 1).height > 0  # a wrong sex code somewhere
    assert r.filter(pl.col("source_system") == "IV-A")["last_name"].str.len_chars().max() <= 12
