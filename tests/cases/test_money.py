"""Money and participation checks around children in care."""

from __future__ import annotations

from datetime import date

import polars as pl

from linkage.cases.misdirected import misdirected_support
from linkage.cases.money import parents_to_refer, support_return, tanf_in_care
from linkage.pipeline import LinkConfig, link
from tests.conftest import person, records_frame

DAY = date(2026, 11, 1)
ROSA = dict(dob="1988-07-08", ssn="412-55-2002", sex="F")
RAUL = dict(dob="1985-03-04", ssn="412-55-1001", sex="M")
LUIS = dict(dob="2016-05-06", sex="M", ssn="412-55-3003")
EVA = dict(dob="2014-02-03", sex="F", ssn="412-55-4004")
NOE = dict(dob="2019-01-01", sex="M", ssn="412-55-5005")


def linked(tmp_path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """ROSA and RAUL's IV-D case pays ROSA for LUIS, EVA and NOE. LUIS is in care since February,
    removed from RAUL, and still in ROSA's open TANF grant; EVA went home on 2026-06-30; NOE left
    care in March but is in care again since September. ROSA also owes support for NOE in a case
    of her own (a mother on the NCP side)."""
    rows = [
        person("D1-CP", "ROSA", "MENA", case="D1", **ROSA),
        person("D1-NCP", "RAUL", "SOTO", case="D1", role="NCP", paternity_status="ADJUDICATED", **RAUL),
        person("D1-CH1", "LUIS", "SOTO", case="D1", role="CH", **LUIS),
        person("D1-CH2", "EVA", "SOTO", case="D1", role="CH", **EVA),
        person("D1-CH3", "NOE", "SOTO", case="D1", role="CH", **NOE),
        person("D2-CP", "RAUL", "SOTO", case="D2", **RAUL),
        person("D2-NCP", "ROSA", "MENA", case="D2", role="NCP", **ROSA),
        person("D2-CH", "NOE", "SOTO", case="D2", role="CH", **NOE),
        person("E1-CP", "ROSA", "MENA", case="E1", system="IV-E", **ROSA),
        person("E1-NCP", "RAUL", "SOTO", case="E1", system="IV-E", role="NCP", **RAUL),
        person(
            "E1-CH", "LUIS", "SOTO", case="E1", system="IV-E", role="CH", placement_start="2026-02-10", removed_from="NCP", **LUIS
        ),
        person(
            "E2-CH",
            "EVA",
            "SOTO",
            case="E2",
            system="IV-E",
            role="CH",
            placement_start="2025-10-01",
            placement_end="2026-06-30",
            removed_from="CP",
            **EVA,
        ),
        person(
            "E3-CH",
            "NOE",
            "SOTO",
            case="E3",
            system="IV-E",
            role="CH",
            placement_start="2025-10-01",
            placement_end="2026-03-01",
            **NOE,
        ),
        person("E4-CH", "NOE", "SOTO", case="E4", system="IV-E", role="CH", placement_start="2026-09-01", **NOE),
        person("A1-CP", "ROSA", "MENA", case="A1", system="IV-A", grant_start="2025-01-01", **ROSA),
        person("A1-CH1", "LUIS", "SOTO", case="A1", system="IV-A", role="CH", grant_start="2025-01-01", **LUIS),
        person(
            "A1-CH2", "EVA", "SOTO", case="A1", system="IV-A", role="CH", grant_start="2025-01-01", grant_end="2025-09-30", **EVA
        ),
    ]
    path = tmp_path / "records.csv"
    records_frame(rows).write_csv(path)
    result = link([path], LinkConfig())
    return result.records, result.pairs


def test_support_goes_back_to_the_custodial_party_when_the_child_goes_home_not_while_in_care_again(tmp_path):
    records, _ = linked(tmp_path)
    rows = support_return(records, DAY)
    assert rows["child_person_id"].n_unique() == 1 and rows["placement_end"].to_list() == [date(2026, 6, 30)]
    assert rows["reasons"][0].startswith(
        "child EVA SOTO left foster care (IV-E case E2) on 2026-06-30: IV-D case D1 pays CP ROSA"
    )
    # on 2026-06-01 EVA is still in care and NOE is home (his second placement begins in September)
    june = support_return(records, date(2026, 6, 1))
    assert june["child_name"].unique().to_list() == ["NOE SOTO"] and sorted(june["ivd_case_id"]) == ["D1", "D2"]


def test_a_child_in_care_counted_in_an_open_tanf_grant_is_benefits_in_error_from_the_later_start(tmp_path):
    records, _ = linked(tmp_path)
    rows = tanf_in_care(records, DAY)
    assert rows.select("iva_case_id", "in_error_from").rows() == [("A1", date(2026, 2, 10))]
    assert "LUIS SOTO" in rows["reasons"][0]  # EVA's grant ended before she went into care


def test_both_parents_of_a_child_in_care_are_listed_with_where_they_already_owe(tmp_path):
    records, _ = linked(tmp_path)
    rows = parents_to_refer(records, DAY)
    noe = rows.filter(pl.col("reasons").str.contains("NOE"))
    assert sorted(noe["parent"].to_list()) == ["father", "mother"]
    mother = noe.filter(pl.col("parent") == "mother").row(0, named=True)
    assert mother["parent_name"] == "ROSA MENA" and mother["ivd_case_ids_as_ncp"] == "D2"  # owes, as a mother
    luis = rows.filter(pl.col("reasons").str.contains("LUIS"))
    father = luis.filter(pl.col("parent") == "father").row(0, named=True)
    assert father["ivd_case_ids_as_ncp"] == "D1" and "already owes" in father["reasons"]
    assert luis.filter(pl.col("parent") == "mother")["reasons"][0].startswith(
        "child LUIS SOTO is in foster care (IV-E case E1): refer the mother"
    )


def test_misdirected_support_names_the_parent_removed_from_as_the_placement_says_with_its_date(tmp_path):
    records, pairs = linked(tmp_path)
    rows = misdirected_support(records, pairs)
    luis = rows.filter(pl.col("child_name") == "LUIS SOTO").row(0, named=True)
    assert luis["placement_start"] == "2026-02-10" and luis["cp_removed_from"] == "no"  # removed from RAUL
    assert "since 2026-02-10" in luis["reasons"]
    assert rows.filter(pl.col("child_name") == "EVA SOTO").is_empty()  # home: support_return's


def test_a_foster_care_referral_waits_until_its_placement_is_thirty_days_old(tmp_path):
    from linkage.cases import CaseConfig, check_referrals

    records, pairs = linked(tmp_path)
    early = check_referrals(records, pairs, CaseConfig(as_of=date(2026, 2, 20)))
    e1 = early.filter(pl.col("referral_id") == "E1").row(0, named=True)
    assert e1["hold_until"] == "2026-03-12" and "held until 2026-03-12: the placement began 2026-02-10" in e1["reasons"]
    assert e1["decision"] == "existing_case" and e1["ivd_case_id"] == "D1"  # the decision stands, for when it is sent
    later = check_referrals(records, pairs, CaseConfig(as_of=DAY))
    assert later.filter(pl.col("source_system") == "IV-E")["hold_until"].to_list() == ["", "", "", ""]
    assert early.filter(pl.col("source_system") == "IV-A")["hold_until"].to_list() == [""]
