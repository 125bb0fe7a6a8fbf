import polars as pl
import pytest

from benchmarks import names as N
from benchmarks.generate import generate


def test_same_seed_same_data_and_hard_cases_present():
    a, b = generate(families=150, seed=3), generate(families=150, seed=3)
    assert a["records"].equals(b["records"])
    kinds = set(a["hard_pairs"]["kind"].to_list())
    assert {"twins", "jr_sr", "siblings", "mother_daughter"} <= kinds
    r = a["records"]
    assert set(r["source_system"].unique()) == {"IV-A", "IV-D", "IV-E"}
    assert r.filter(r["ssn"].is_in(["000000000", "999999999", "123456789", "111111111"])).height > 0
    assert r["last_name"].str.contains("-").any() and r["suffix"].is_in(["JR", "SR"]).any()


def test_records_target_and_bad_rows():
    d = generate(records=1000, seed=5, bad=6)
    assert d["records"].height >= 1006
    assert d["truth"]["record_id"].n_unique() == d["truth"].height


def test_a_statewide_file_spans_counties_and_each_family_stays_in_its_own():
    one = generate(families=300, seed=4)["records"]
    assert set(one.filter(pl.col("zip") != "")["zip"].str.slice(0, 3)) <= {z for _, z in N.CITIES}
    d = generate(families=300, seed=4, counties=4)
    zip3_county = {}
    for i, county in enumerate(N.COUNTIES[:4]):
        for _, z in county:
            zip3_county.setdefault(z, set()).add(i)
    homes = (
        d["records"]
        .join(d["truth"], on="record_id")
        .filter(pl.col("zip") != "")
        .with_columns(pl.col("zip").str.slice(0, 3).alias("zip3"))
    )
    counties = homes.group_by("family_id").agg(pl.col("zip3").unique())
    spanned = set()
    for zip3s in counties["zip3"].to_list():
        # one county holds every address of a family (917 is in two counties' lists)
        common = set.intersection(*(zip3_county[z] for z in zip3s))
        assert common, zip3s
        spanned |= common
    assert spanned == {0, 1, 2, 3}
    with pytest.raises(ValueError, match="counties"):
        generate(families=3, counties=len(N.COUNTIES) + 1)
