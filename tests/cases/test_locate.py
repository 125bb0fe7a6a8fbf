"""Locating a father, and the Family Violence Indicator: no location of a protected person leaves."""

from __future__ import annotations

import dataclasses
import json

import polars as pl
import pytest

from linkage.cases.locate import WITHHELD, locate_father
from linkage.errors import LookupFailedError
from tests.cases.conftest import ELM

PROTECTED_PLACES = ("HIDDEN WAY", "SECRET CT", "AZUSA", "GLENDORA", "91702", "91740", ELM["street"])


def _text(answer) -> str:
    return json.dumps(dataclasses.asdict(answer), default=str)


def test_child_with_two_alleged_fathers_gets_both_with_paternity_and_addresses(county):
    answer = locate_father(county.records, "E2-1")
    assert [(f.person.name, f.paternity_status) for f in answer.fathers] == [("TOM BLACK", "ALLEGED"), ("BILL GREEN", "ALLEGED")]
    tom = answer.fathers[0].person
    assert tom.location_withheld is None
    assert [(a.street, a.city, a.zip) for a in tom.addresses] == [("3 RIVER RD", "ONTARIO", "91761")]
    assert tom.addresses[0].sources == ("IV-D case D5 (PF record D5-1)",)
    assert answer.fathers[1].person.addresses == []  # BILL GREEN: no address known


def test_strongest_paternity_first_and_relatives_from_his_ivd_cases(county):
    answer = locate_father(county.records, "D11-2")  # LEO, RON FORD's son by GINA PAZ
    (ron,) = answer.fathers
    assert ron.person.name == "RON FORD" and ron.paternity_status == "ACKNOWLEDGED"
    rel = {(r.person.name, r.relationship) for r in ron.relatives}
    assert ("ZOE FORD", "half-sibling (father's child)") in rel
    assert ("BETTY FORD", "custodial parent of the father's other children") in rel
    assert [m.name for m in answer.mothers] == ["GINA PAZ"]  # LEO's own mother, not a relative through RON
    assert not any(r.person.name == "GINA PAZ" for r in ron.relatives)


def test_fvi_set_in_one_program_withholds_every_address_of_the_father(county):
    answer = locate_father(county.records, "D8-2")  # MIA HILL; GARY HILL has FVI on his D9 record only
    (gary,) = answer.fathers
    assert gary.person.location_withheld == WITHHELD and gary.person.addresses == []
    text = _text(answer)
    for place in PROTECTED_PLACES[:6]:
        assert place not in text


def test_no_address_of_a_protected_person_leaks_through_a_relative(county):
    """BETTY FORD is protected; her daughter ZOE is not, but lives with her: ZOE's address is BETTY's."""
    answer = locate_father(county.records, "D11-2")
    text = _text(answer)
    assert ELM["street"] not in text and 'POMONA", "state": "CA", "zip": "91766' not in text
    zoe = next(r for r in answer.fathers[0].relatives if r.person.name == "ZOE FORD")
    assert zoe.person.location_withheld == WITHHELD


def test_no_fvi_location_anywhere_in_any_answer(county):
    """Every child of the county: not one protected place in any answer."""
    fvi_people = county.records.filter(pl.col("fvi_flag"))["person_id"].unique()
    protected = county.records.filter(pl.col("person_id").is_in(fvi_people.implode()))
    streets = set(protected["street"].drop_nulls().to_list())
    assert streets  # the test must have something to protect
    for rid in county.records.filter(pl.col("role") == "CH")["record_id"].to_list():
        text = _text(locate_father(county.records, rid))
        assert not [s for s in streets if s in text], rid


def test_unknown_record_and_non_child_are_clear_errors(county):
    with pytest.raises(LookupFailedError, match="not in the linked records"):
        locate_father(county.records, "NO-SUCH")
    with pytest.raises(LookupFailedError, match="not a child"):
        locate_father(county.records, "D1-0")


def test_child_without_a_named_father(county):
    answer = locate_father(county.records, "A2-1")  # SOFIA: TANF names no father
    assert answer.fathers == [] and "no NCP or putative father" in answer.note


def test_the_fathers_parents_and_siblings_are_found_through_his_own_childhood_case(tmp_path):
    """RAUL SOTO was himself a child in a closed IV-D case of ELENA and PEDRO SOTO, with his sister
    INES; his son LUIS is in foster care. PEDRO is protected, and with him his household (the CP and
    children of his cases): named, never placed."""
    from linkage.pipeline import LinkConfig, link
    from tests.conftest import person, records_frame

    raul = dict(dob="1985-03-04", ssn="412-55-1001", sex="M")
    rows = [
        person("D1-CP", "ROSA", "MENA", case="D1", dob="1988-07-08", sex="F"),
        person("D1-NCP", "RAUL", "SOTO", case="D1", role="NCP", paternity_status="ADJUDICATED", **raul),
        person("D1-CH", "LUIS", "SOTO", case="D1", role="CH", dob="2016-05-06", sex="M"),
        person(
            "D0-CP",
            "ELENA",
            "SOTO",
            case="D0",
            case_status="CLOSED",
            dob="1962-01-02",
            sex="F",
            street="4 OAK ST",
            city="DOWNEY",
            zip="90241",
        ),
        person(
            "D0-NCP",
            "PEDRO",
            "SOTO",
            case="D0",
            role="NCP",
            case_status="CLOSED",
            dob="1960-05-05",
            sex="M",
            fvi="Y",
            street="8 PINE RD",
            city="NORWALK",
            zip="90650",
        ),
        person("D0-CH1", "RAUL", "SOTO", case="D0", role="CH", case_status="CLOSED", **raul),
        person("D0-CH2", "INES", "SOTO", case="D0", role="CH", case_status="CLOSED", dob="1987-09-09", sex="F"),
    ]
    path = tmp_path / "records.csv"
    records_frame(rows).write_csv(path)
    answer = locate_father(link([path], LinkConfig()).records, "D1-CH")
    (raul_answer,) = answer.fathers
    rel = {(r.person.name, r.relationship, r.side) for r in raul_answer.relatives}
    assert rel == {
        ("ELENA SOTO", "paternal grandmother", "paternal"),
        ("PEDRO SOTO", "paternal grandfather", "paternal"),
        ("INES SOTO", "father's sibling", "paternal"),
    }
    assert all(r.person.location_withheld == WITHHELD for r in raul_answer.relatives)
    assert "8 PINE RD" not in _text(answer) and "4 OAK ST" not in _text(answer)
