"""Surnames cut by a fixed-width field are found from the file and completed from its own words."""

from __future__ import annotations

import polars as pl

from linkage.ingest import validate
from linkage.standardize import standardize
from linkage.standardize.cut_surnames import CutSurnames
from tests.conftest import person, records_frame

WHOLE = ["RODRIGUEZ ORTIZ", "GARCIA CERVANTES", "HERNANDEZ SOTO", "HERNANDEZ SOSA", "HERNANDEZ SOLIS", "PEREZ DIAZ"]


def county(*rows: dict) -> pl.DataFrame:
    """A IV-D system that keeps whole surnames, a IV-A system that cuts them at twelve characters."""
    whole = [person(f"D{i}", "ANA", WHOLE[i % len(WHOLE)], case=f"D{i}") for i in range(60)]
    cut = [person(f"A{i}", "ANA", WHOLE[i % len(WHOLE)][:12], case=f"A{i}", system="IV-A") for i in range(60)]
    cut += [person(f"S{i}", "LUIS", "RUIZ", case=f"S{i}", system="IV-A") for i in range(5)]
    return standardize(validate(records_frame([*whole, *cut, *rows])).records)


def by_id(records: pl.DataFrame, record_id: str) -> dict:
    return records.filter(pl.col("record_id") == record_id).row(0, named=True)


def test_a_system_that_cuts_its_surnames_is_found_and_the_cut_word_completed():
    records = county(person("T1", "JUAN", "GARCIA CERVA", case="T1", system="IV-A"))
    found = CutSurnames.find(records)
    assert found.widths == {"IV-A": 12}
    read, n = found.apply(records)
    t1 = by_id(read, "T1")
    assert (t1["sn"], t1["sn_tokens"], t1["last_name"]) == ("GARCIA CERVANTES", ["GARCIA", "CERVANTES"], "GARCIA CERVA")
    assert "CERVANTES" in t1["name_keys"]
    assert by_id(read, "A0")["sn"] == "RODRIGUEZ ORTIZ"  # RODRIGUEZ OR: ORTIZ is the only whole word in OR
    assert n >= 11


def test_a_word_several_whole_words_begin_with_or_a_surname_shorter_than_the_width_is_left_as_it_is():
    records = county(person("T2", "JUAN", "MARTINEZ SO", case="T2", system="IV-A"))
    read, _ = CutSurnames.find(records).apply(records)
    assert by_id(read, "A2")["sn"] == "HERNANDEZ SO"  # SOTO, SOSA, SOLIS
    assert by_id(read, "T2")["sn"] == "MARTINEZ SO"  # eleven characters: not cut
    assert by_id(read, "S0")["sn"] == "RUIZ"


def test_a_file_without_a_cut_width_is_read_as_typed():
    records = standardize(
        validate(records_frame([person(f"D{i}", "ANA", WHOLE[i % len(WHOLE)], case=f"D{i}") for i in range(60)])).records
    )
    found = CutSurnames.find(records)
    assert not found and found.apply(records) == (records, 0)


def test_the_finding_round_trips_through_the_run_summary():
    found = CutSurnames.find(county())
    assert CutSurnames.from_dict(found.as_dict()) == found


def test_one_record_is_completed_as_the_file_was():
    """The service's reading of a query: a IV-A surname at the cut width completed, another
    system's or a shorter one as given."""
    from linkage.standardize.one import standardize_one

    found = CutSurnames.find(county())
    query = {"source_system": "IV-A", "first_name": "JUAN", "last_name": "Garcia Cerva"}
    read = found.read_one(query, standardize_one(query), standardize_one)
    assert (read["sn"], read["sn_tokens"]) == ("GARCIA CERVANTES", ["GARCIA", "CERVANTES"])
    for other in ({**query, "source_system": "IV-D"}, {**query, "last_name": "Garcia Cerv"}):
        assert found.read_one(other, standardize_one(other), standardize_one)["sn"] == standardize_one(other)["sn"]
