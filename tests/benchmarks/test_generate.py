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
