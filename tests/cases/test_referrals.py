from __future__ import annotations

import polars as pl
import pytest

from linkage.cases import EXISTING, NEW, REVIEW, CaseConfig, check_referrals
from linkage.cases.referrals import DECISION_COLUMNS
from linkage.pipeline import LinkConfig, link


@pytest.fixture(scope="module")
def decisions(county) -> dict[str, dict]:
    df = check_referrals(county.records, county.pairs, CaseConfig(link_threshold=county.thresholds.link))
    assert tuple(df.columns) == DECISION_COLUMNS
    return {r["referral_id"]: r for r in df.iter_rows(named=True)}


def test_every_iva_and_ive_case_gets_one_decision_and_no_ivd_case_does(county, decisions):
    referrals = county.records.filter(pl.col("source_system") != "IV-D")["case_id"].unique().to_list()
    assert sorted(decisions) == sorted(referrals)


def test_thin_absent_parent_and_ssnless_child_resolved_through_the_family(decisions):
    d = decisions["A1"]
    assert (d["decision"], d["ivd_case_id"]) == (EXISTING, "D1")
    assert "child ANA LOPEZ 2015-04-05 is CH in IV-D case D1" in d["reasons"]
    assert "NCP JOSE LOPEZ is NCP in IV-D case D1" in d["reasons"] and "through the family" in d["reasons"]
    assert 0.9 <= d["score"] <= 1


def test_mothers_case_with_another_father_is_not_the_same_case(decisions):
    assert (decisions["E1"]["decision"], decisions["E1"]["ivd_case_id"]) == (EXISTING, "D3")
    baby = decisions["A2"]
    assert baby["decision"] == NEW and baby["ivd_case_id"] is None
    assert "D2" in baby["reasons"] and "different family" in baby["reasons"]


def test_closed_case_is_not_an_existing_case_but_is_named(decisions):
    d = decisions["A3"]
    assert d["decision"] == NEW and d["closed_ivd_case_id"] == "D4" and "reopen" in d["reasons"]


def test_child_in_two_cases_of_two_alleged_fathers(decisions):
    d = decisions["E2"]
    assert d["decision"] == EXISTING
    assert {d["ivd_case_id"], d["other_ivd_case_ids"]} == {"D5", "D6"}


def test_referral_without_children_goes_to_review_or_new(decisions):
    assert decisions["A4"]["decision"] == REVIEW and decisions["A4"]["ivd_case_id"] == "D7"
    assert "no children" in decisions["A4"]["reasons"]
    assert decisions["A5"]["decision"] == NEW


def test_thresholds_move_decisions(county):
    strict = check_referrals(county.records, county.pairs, CaseConfig(existing=0.9, review=0.7))
    assert strict.filter(pl.col("referral_id") == "A4")["decision"][0] == NEW
    loose = check_referrals(county.records, county.pairs, CaseConfig(existing=0.55, review=0.5))
    assert loose.filter(pl.col("referral_id") == "A4")["decision"][0] == EXISTING


def test_a_new_caretaker_with_the_same_children_is_sent_to_review(county, tmp_path):
    """A grandmother takes the children on TANF: they have a case, but it is the mother's, not hers."""
    from tests.cases.conftest import _rows
    from tests.conftest import person, records_frame

    rows = [r for r in _rows() if r["case_id"] == "D1"] + [
        person("G1-0", "DOLORES", "GARCIA", case="G1", system="IV-A", role="CP", ssn="412-55-9009", dob="1951-05-05", sex="F"),
        person("G1-1", "ANA", "LOPEZ", case="G1", system="IV-A", role="CH", dob="2015-04-05", sex="F"),
    ]
    path = tmp_path / "r.csv"
    records_frame(rows).write_csv(path)
    result = link([path], LinkConfig())
    d = check_referrals(result.records, result.pairs).row(0, named=True)
    assert (d["referral_id"], d["decision"], d["ivd_case_id"]) == ("G1", REVIEW, "D1")
    assert "neither the CP nor the NCP" in d["reasons"]


def test_family_context_finds_a_child_the_person_linkage_missed(county):
    """Cut the person link of ANA (A1-2) to her IV-D record: inside the family she is found again."""
    recs = county.records.with_columns(
        pl.when(pl.col("record_id") == "A1-2").then(pl.lit("P-ALONE")).otherwise(pl.col("person_id")).alias("person_id")
    )
    pairs = county.pairs.filter(~pl.col("record_id_l").is_in(["A1-2"]) & ~pl.col("record_id_r").is_in(["A1-2"]))
    with_context = check_referrals(recs, pairs).filter(pl.col("referral_id") == "A1").row(0, named=True)
    assert with_context["decision"] == EXISTING and "in this family's context" in with_context["reasons"]
    without = check_referrals(recs, pairs, CaseConfig(family_context=False)).filter(pl.col("referral_id") == "A1")
    assert without["decision"][0] == NEW


def test_no_referrals_gives_an_empty_frame(county):
    ivd_only = county.records.filter(pl.col("source_system") == "IV-D")
    assert check_referrals(ivd_only, county.pairs).is_empty()
