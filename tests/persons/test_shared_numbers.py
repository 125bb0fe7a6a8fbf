"""An SSN that belongs to more than one person neither links nor separates."""

from __future__ import annotations

import polars as pl
import pytest

from linkage.ingest import validate
from linkage.persons.shared_numbers import held_shared, shared_ssns
from linkage.pipeline import cluster_persons
from linkage.standardize import standardize
from tests.conftest import person, records_frame

MOM = "412-55-1001"


def _records(*rows):
    return standardize(validate(records_frame(list(rows))).records)


def _strong(records, *pairs):
    uid = dict(zip(records["record_id"].to_list(), records["uid"].to_list()))
    return pl.DataFrame(
        {
            "uid_l": [uid[a] for a, _ in pairs],
            "uid_r": [uid[b] for _, b in pairs],
            "match_weight": [25.0] * len(pairs),
            "match_probability": [0.9999] * len(pairs),
        }
    ), uid


def test_twins_carrying_their_mothers_number_stay_twins():
    records = _records(
        person("A1-1", "ROSA", "DIAZ", case="A1", system="IV-A", ssn=MOM, dob="1990-01-02"),
        person("A1-2", "ANA", "DIAZ", case="A1", system="IV-A", role="CH", ssn=MOM, dob="2016-05-06"),
        person("D1-1", "ROSA", "DIAZ", case="D1", ssn=MOM, dob="1990-01-02"),
        person("D1-2", "ANAHI", "DIAZ", case="D1", role="CH", ssn=MOM, dob="2016-05-06"),
    )
    assert shared_ssns(records) == {MOM.replace("-", "")}
    pairs, uid = _strong(records, ("A1-2", "D1-2"), ("A1-1", "D1-1"))
    clusters, _ = cluster_persons(records, pairs, 0.9)
    labels = clusters.labels()
    assert labels[uid["A1-2"]] != labels[uid["D1-2"]]  # the number agreed; the twins rule still holds
    assert labels[uid["A1-1"]] == labels[uid["D1-1"]]


def test_a_childs_own_number_is_not_a_different_ssn_from_its_mothers():
    records = _records(
        person("A2-1", "ROSA", "DIAZ", case="A2", system="IV-A", ssn=MOM, dob="1990-01-02"),
        person("A2-2", "LUIS", "DIAZ", case="A2", system="IV-A", role="CH", ssn=MOM, dob="2015-02-03"),
        person("E2-1", "LUIS", "DIAZ", case="E2", system="IV-E", role="CH", ssn="518-22-9090", dob="2015-02-03"),
    )
    pairs, uid = _strong(records, ("A2-2", "E2-1"))
    clusters, _ = cluster_persons(records, pairs, 0.9)
    assert clusters.labels()[uid["A2-2"]] == clusters.labels()[uid["E2-1"]]


def test_one_persons_number_with_a_typo_or_two_is_not_shared():
    records = _records(
        person("D3-1", "LUIS", "REYES", case="D3", role="NCP", ssn="518-22-9090", dob="1980-01-02"),
        person("A3-1", "LUIS", "REYES", case="A3", system="IV-A", role="NCP", ssn="518-22-9090", dob="1980-02-01"),
        person("E3-1", "LUIZ", "REYES", case="E3", system="IV-E", role="NCP", ssn="518-22-9090"),
    )
    assert shared_ssns(records) == set()


def _mother_and_daughter_of_one_name():
    """SARAH HARRIS and the daughter named for her, the mother's number typed on the daughter's
    record in both programs."""
    return _records(
        person("D4-1", "SARAH", "HARRIS", case="D4", ssn=MOM, dob="1979-09-22"),
        person("D4-2", "SARAH", "HARRIS", case="D4", role="CH", ssn=MOM),
        person("A4-1", "SARAH", "HARRIS", case="A4", system="IV-A", ssn=MOM, dob="1979-09-22"),
        person("A4-2", "SARAH", "HARRIS", case="A4", system="IV-A", role="CH", ssn=MOM),
    )


def test_a_parent_and_a_child_of_one_case_holding_one_number_share_it_even_under_one_name():
    assert shared_ssns(_mother_and_daughter_of_one_name()) == {MOM.replace("-", "")}


def test_a_link_that_rests_on_a_shared_number_does_not_outweigh_a_conflict():
    """The mother's record and the daughter's score high on name and number; the daughter's case
    puts her a generation after the mother. A strong link may outweigh such a birth-year bound, but
    not when its strength is a number the two share with each other's family."""
    records = _mother_and_daughter_of_one_name()
    pairs, uid = _strong(records, ("D4-1", "A4-2"))
    clusters, _ = cluster_persons(records, pairs, 0.9)
    assert clusters.labels()[uid["D4-1"]] != clusters.labels()[uid["A4-2"]]


@pytest.mark.parametrize(
    "second, shared",
    [
        (dict(first="E", last="GUZMAN", role="CP"), False),  # her initial: she, typed twice
        (dict(first="ESPERANSA", last="GUZMAN", role="CP"), False),  # a typo of her name
        (dict(first="JAMES", last="ROBERTS", role="NCP"), True),  # the father: another person of the case
        (dict(first="EMILIANO", last="GUZMAN", role="CH"), True),  # her son
    ],
)
def test_a_parent_typed_twice_into_a_case_under_an_initial_keeps_her_own_number(second, shared):
    """ESPERANZA GUZMAN and E GUZMAN, both the custodial parent of one foster-care case with one SSN:
    one woman typed twice, whose number is hers. The same number on the father's or a child's record
    of the case is the household's."""
    records = _records(
        person("E1-CP", "ESPERANZA", "GUZMAN", case="E1", system="IV-E", ssn=MOM, dob="1972-12-31"),
        person("E1-X", case="E1", system="IV-E", ssn=MOM, **second),
    )
    assert (shared_ssns(records) == {MOM.replace("-", "")}) == shared


def test_a_fathers_number_on_his_daughters_record_is_not_hers_but_stays_his():
    """ANTONIO SMITH born 1985 and his daughter LUCIA born 2014 under one number, in cases of their
    own: the number is his typed on her record. It says nothing about her other record with her
    own number, and still tells him from a namesake born his day under another number."""
    number = "457-55-5462"
    records = _records(
        person("D1-2", "ANTONIO", "SMITH", case="D1", role="NCP", sex="M", ssn=number, dob="1985-09-23"),
        person("D2-3", "LUCIA", "SMITH", case="D2", role="CH", sex="F", ssn=number, dob="2014-04-03"),
        person("A3-3", "LUCIA", "SMITH", case="A3", system="IV-A", role="CH", sex="F", ssn="518-22-9090", dob="2014-04-03"),
        person("A4-2", "ANTONIO", "SMITH", case="A4", system="IV-A", role="NCP", sex="M", ssn="612-40-7781", dob="1985-09-23"),
    )
    assert held_shared(records).to_list() == [False, True, False, False]
    pairs, uid = _strong(records, ("D2-3", "A3-3"), ("D1-2", "A4-2"))
    clusters, _ = cluster_persons(records, pairs.with_columns(pl.lit(5.0).alias("match_weight")), 0.9)
    labels = clusters.labels()
    assert labels[uid["D2-3"]] == labels[uid["A3-3"]]
    assert labels[uid["D1-2"]] != labels[uid["A4-2"]]  # two men of one name and birthday, two numbers


@pytest.mark.parametrize(
    "first, sex, dob",
    [("ANTONIO", "M", "2001-09-23"), ("LUCIA", "M", "1985-09-23"), ("ANA", "F", "1985-09-23"), ("TONY", "M", "2014-09-23")],
    ids=["one name", "one sex", "one generation", "a nickname"],
)
def test_a_number_on_two_records_one_person_could_hold_is_not_taken_off_either(first, sex, dob):
    """A name, a sex or a birth date typed wrong on one record is one person's number still: the
    two records must differ in first name, sex and generation to be a parent and a child."""
    records = _records(
        person("D1-2", "ANTONIO", "SMITH", case="D1", role="NCP", sex="M", ssn="457-55-5462", dob="1985-09-23"),
        person("D2-3", first, "SMITH", case="D2", role="CH", sex=sex, ssn="457555462", dob=dob),
    )
    assert held_shared(records).to_list() == [False, False]
