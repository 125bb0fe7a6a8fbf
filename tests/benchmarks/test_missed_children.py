"""The diagnosis of split children counts what it says: tied cases, one child or two."""

from __future__ import annotations

import polars as pl

from benchmarks.missed_children import refused_child_pairs, split_children
from linkage.ingest import validate
from linkage.persons.constraints import RecordFacts
from linkage.standardize import standardize
from tests.conftest import person, records_frame


def test_a_split_child_of_tied_cases_and_a_sister_of_one_name_are_counted_apart():
    rows = [
        (person("D-CP", "ROSA", "DIAZ", case="D1", role="CP", ssn="123456780"), "P1", "k1"),
        (person("D-CH", "LUIS", "DIAZ", case="D1", role="CH", dob="2016-09-03"), "P2", "k2"),
        (person("D-CH2", "ANA", "DIAZ", case="D1", role="CH", dob="2012-01-05"), "P3", "k3"),
        (person("E-CP", "ROSA", "DIAZ", case="E1", system="IV-E", role="CP", ssn="123456780"), "P1", "k1"),
        (person("E-CH", "LUIS", "MEDINA", case="E1", system="IV-E", role="CH"), "P4", "k2"),  # LUIS, split off
        (person("E-CH2", "ANA", "DIAZ", case="E1", system="IV-E", role="CH", dob="2018-06-07"), "P5", "k5"),  # a sister
    ]
    records = standardize(validate(records_frame([r for r, _, _ in rows])).records)
    records = records.with_columns(
        pl.Series("person_id", [p for _, p, _ in rows]), pl.Series("person_key", [k for _, _, k in rows])
    )
    f = RecordFacts.from_frame(records)
    assert split_children(records, f) == {"cases tied": 1}
    labels = records["person_id"].rank("dense").cast(pl.Int64).to_numpy()
    refused, twins = refused_child_pairs(records, f, labels)
    assert refused == {
        ("thin; first name equal; surname differs", "one child"): 1,
        ("dates differ; first name equal; surname agrees", "two"): 1,
    }
    assert not twins
