"""Names typed turned round are found from the file's own words and read the right way round."""

from __future__ import annotations

import polars as pl

from linkage.ingest import validate
from linkage.pipeline import cluster_persons
from linkage.standardize import standardize
from linkage.standardize.name_order import NameOrder
from tests.conftest import person, records_frame

FIRST = ["CAROLYN", "STEVEN", "MARIA", "JOSE", "LAURA", "DAVID"]
LAST = ["SMITH", "BROWN", "GARCIA", "LOPEZ", "JOHNSON"]
NO_PAIRS = pl.DataFrame(
    schema={"uid_l": pl.Int64, "uid_r": pl.Int64, "match_weight": pl.Float64, "match_probability": pl.Float64}
)


def county(*rows: dict) -> pl.DataFrame:
    """`rows` among thirty people whose names show which words this file uses for which name."""
    crowd = [
        person(f"X{i}", FIRST[i % len(FIRST)], LAST[i % len(LAST)], case=f"X{i}", dob=f"19{60 + i}-03-0{1 + i % 9}")
        for i in range(30)
    ]
    return standardize(validate(records_frame([*crowd, *rows])).records)


def by_id(records: pl.DataFrame, record_id: str) -> dict:
    return records.filter(pl.col("record_id") == record_id).row(0, named=True)


def test_a_surname_in_the_first_name_field_is_read_as_the_surname():
    records, n = NameOrder.find(std := county(person("T1", "Smith", "Carolyn", dob="2002-02-22"))).apply(std)
    t1 = by_id(records, "T1")
    assert n == 1
    assert (t1["fn"], t1["sn"], t1["sn_tokens"]) == ("CAROLYN", "SMITH", ["SMITH"])
    assert "CAROLYN" in t1["fn_canon"] and "SMITH" in t1["name_keys"]
    assert (t1["first_name"], t1["last_name"]) == ("Smith", "Carolyn")  # the fields stay as typed
    assert by_id(records, "X0")["fn"] == "CAROLYN"  # the others untouched


def test_a_name_used_both_ways_or_unknown_to_the_file_is_read_as_typed():
    """MARTIN is a first name and a surname here; ZYLSTRA is in no other record."""
    std = county(
        person("M1", "MARTIN", "THOMAS", case="M1", dob="1990-01-02"),
        person("M2", "MARTIN", "LOPEZ", case="M2"),
        person("M3", "MARTIN", "GARCIA", case="M3"),
        person("M4", "DAVID", "MARTIN", case="M4"),
        person("M5", "LAURA", "MARTIN", case="M5"),
        person("M6", "ZYLSTRA", "CAROLYN", case="M6"),
    )
    records, n = NameOrder.find(std).apply(std)
    assert n == 0
    assert records.equals(std)


def test_a_one_record_file_is_read_as_typed():
    std = standardize(validate(records_frame([person("A", "SMITH", "CAROLYN")])).records)
    records, n = NameOrder.find(std).apply(std)
    assert n == 0 and records["fn"].to_list() == ["SMITH"]


def test_a_turned_round_record_no_longer_looks_like_a_twin():
    """CAROLYN BROWN (a married name) and SMITH CAROLYN on one birth date: read as typed, the twins
    rule sees two first names, CAROLYN and SMITH, and keeps the two apart; read the right way round
    they are one woman with CAROLYN SMITH's number."""
    std = county(
        person("C1", "CAROLYN", "SMITH", case="C1", dob="2002-02-22", ssn="286-88-9316"),
        person("C2", "CAROLYN", "BROWN", case="C2", system="IV-A", dob="2002-02-22"),
        person("C3", "SMITH", "CAROLYN", case="C3", dob="2002-02-22", ssn="286889316"),
    )
    read, _ = NameOrder.find(std).apply(std)

    def persons(records: pl.DataFrame) -> set[int]:
        uid = dict(zip(records["record_id"].to_list(), records["uid"].to_list()))
        links = [("C1", "C2"), ("C1", "C3"), ("C2", "C3")]
        pairs = pl.DataFrame(
            {
                "uid_l": [uid[a] for a, _ in links],
                "uid_r": [uid[b] for _, b in links],
                "match_weight": [12.0, 14.0, 10.0],
                "match_probability": [0.999, 0.999, 0.999],
            }
        )
        labels = cluster_persons(records, pairs, 0.9)[0].labels()
        return {int(labels[uid[r]]) for r in ("C1", "C2", "C3")}

    assert len(persons(std)) == 2  # as typed: a "twin"
    assert len(persons(read)) == 1


def test_a_run_counts_the_names_it_read_turned_round_and_keeps_them_as_typed(tmp_path):
    from linkage.pipeline import LinkConfig, link

    crowd = [person(f"X{i}", FIRST[i % len(FIRST)], LAST[i % len(LAST)], case=f"X{i}") for i in range(30)]
    path = tmp_path / "records.csv"
    records_frame([*crowd, person("T1", "BROWN", "Laura", case="T1", dob="1988-04-05")]).write_csv(path)
    result = link([path], LinkConfig())
    assert result.summary()["names_turned_round"] == 1 and result.summary()["rows_linked"] == 31
    t1 = by_id(result.records, "T1")
    assert (t1["fn"], t1["sn"], t1["first_name"], t1["last_name"]) == ("LAURA", "BROWN", "BROWN", "Laura")
