"""The diagnosis of missed relatives names the tie that broke."""

from __future__ import annotations

import polars as pl

from benchmarks.generate import TODAY
from benchmarks.missed_relatives import missed, wrongly_listed
from linkage.pipeline import LinkConfig, link
from tests.conftest import person, records_frame


def test_grandparents_behind_a_father_the_child_does_not_carry_the_surname_of_are_missed_for_that(tmp_path):
    """LUIS MENA is in care; his foster-care case names PEDRO DIAZ as the only absent parent, but
    LUIS carries only his mother's surname, so PEDRO is not taken as his father and PEDRO's parents
    (from PEDRO's own childhood case) are not listed."""
    rows = [
        (person("E-CP", "ANA", "MENA", case="E1", system="IV-E", dob="1992-04-05", sex="F"), 1),
        (person("E-NCP", "PEDRO", "DIAZ", case="E1", system="IV-E", role="NCP", sex="M"), 2),
        (person("E-CH", "LUIS", "MENA", case="E1", system="IV-E", role="CH", dob="2019-02-03", placement_start="2026-03-01"), 3),
        (person("D-CP", "ROSA", "DIAZ", case="D9", dob="1965-01-02", sex="F"), 4),
        (person("D-NCP", "JUAN", "DIAZ", case="D9", role="NCP", dob="1963-05-06", sex="M", paternity_status="ADJUDICATED"), 5),
        (person("D-CH", "PEDRO", "DIAZ", case="D9", role="CH", dob="1990-07-08", ssn="412-55-1001", sex="M"), 2),
    ]
    path = tmp_path / "records.csv"
    records_frame([r for r, _ in rows]).write_csv(path)
    records = link([path], LinkConfig()).records
    truth = pl.DataFrame({"record_id": [r["record_id"] for r, _ in rows], "person_key": [str(k) for _, k in rows]})
    parents = pl.DataFrame({"child_key": [3, 2], "father_key": [2, 5], "mother_key": [1, 4]})
    why = "the father is not taken as the child's parent (several absent parents, or no surname of his)"
    assert missed(records, truth, parents, TODAY) == {("paternal grandparent", why): 2}
    assert not wrongly_listed(records, truth, parents, TODAY)
