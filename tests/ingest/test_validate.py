from datetime import date

import pytest

from linkage.ingest import validate
from tests.conftest import person, records_frame

TODAY = date(2026, 11, 24)


def reasons(rows):
    v = validate(records_frame(rows), today=TODAY)
    return v, dict(zip(v.quarantine["record_id"].to_list(), v.quarantine["reason"].to_list()))


@pytest.mark.parametrize(
    "dob,expected",
    [
        ("2014-03-02", date(2014, 3, 2)),
        ("03/02/2014", date(2014, 3, 2)),
        ("20140302", date(2014, 3, 2)),
        (" 2014-03-02 ", date(2014, 3, 2)),
        ("", None),
    ],
)
def test_accepted_date_formats(dob, expected):
    v, _ = reasons([person("R1", "ANA", "LOPEZ", dob=dob)])
    assert v.records["dob_date"].to_list() == [expected]


@pytest.mark.parametrize(
    "field,value,fragment",
    [
        ("source_system", "IV-B", "unknown source_system"),
        ("source_system", "", "missing source_system"),
        ("role", "AP", "unknown role"),
        ("case_id", "", "missing case_id"),
        ("first_name", "", "no name and no SSN"),
    ],
)
def test_rows_that_cannot_be_a_person_get_a_reason(field, value, fragment):
    row = person("R1", "ANA", "", ssn="")
    row[field] = value
    v, why = reasons([row, person("R2", "ANA", "LOPEZ")])
    assert fragment in why["R1"]
    assert v.records["record_id"].to_list() == ["R2"]


@pytest.mark.parametrize(
    "ssn,quarantined",
    [("999-99-9999", True), ("123456789", True), ("000-12-3456", True), ("12345", True), ("", True), ("219-09-9998", False)],
)
def test_a_nameless_row_needs_an_ssn_it_can_be_linked_by(ssn, quarantined):
    """A placeholder or a number SSA never issues is blanked later: with no name, nothing would be left."""
    v, why = reasons([person("R1", "", "", ssn=ssn), person("R2", "ANA", "LOPEZ")])
    assert ("no name and no SSN" in why.get("R1", "")) is quarantined
    assert ("R1" in v.records["record_id"].to_list()) is not quarantined


@pytest.mark.parametrize(
    "field,value,fragment,kept",
    [
        ("dob", "2019-02-30", "impossible or unreadable date", None),
        ("dob", "2027-01-01", "in the future", None),
        ("dob", "1850-01-01", "before 1900", None),
        ("dob", "yesterday", "impossible or unreadable date", None),
        ("case_status", "PENDING", "case_status: unknown code", "OPEN"),
        ("paternity_status", "MAYBE", "paternity_status: unknown code", None),
    ],
)
def test_an_unusable_field_is_blanked_and_the_record_linked(field, value, fragment, kept):
    """A future birth date (and any one bad field) no longer quarantines its record."""
    row = person("R1", "ANA", "LOPEZ", dob="2014-03-02", ssn="412-55-1001")
    row[field] = value
    v, why = reasons([row, person("R2", "ANA", "LOPEZ")])
    assert why == {} and v.records["record_id"].to_list() == ["R1", "R2"]
    linked = v.records.row(0, named=True)
    assert linked[field] == kept and linked["ssn"] == "412-55-1001" and linked["last_name"] == "LOPEZ"
    if field == "dob":
        assert linked["dob_date"] is None
    assert v.blanked.select("record_id", "field").rows() == [("R1", field)]
    assert fragment in v.blanked["reason"][0] and value not in v.blanked["reason"][0]


def test_a_parent_too_young_to_be_a_parent_loses_the_birth_date_not_the_record():
    """A case's opening date or a child's birth date typed on the absent parent: he is not five years
    old; his record is linked on name and SSN, and a child born that day keeps its date."""
    rows = [
        person("R1", "JESUS", "TREJO", role="NCP", dob="2021-07-15", ssn="365-92-4597"),
        person("R2", "ANA", "TREJO", role="CH", dob="2021-07-15"),
        person("R3", "LUZ", "TREJO", role="CP", dob="2015-01-02"),  # eleven: young, not impossible
    ]
    v, why = reasons(rows)
    assert why == {} and v.records.height == 3
    dobs = dict(zip(v.records["record_id"].to_list(), v.records["dob_date"].to_list()))
    assert dobs["R1"] is None and dobs["R2"] is not None and dobs["R3"] is not None
    assert v.blanked.select("record_id", "field").rows() == [("R1", "dob")]
    assert "parent" in v.blanked["reason"][0] and "2021" not in v.blanked["reason"][0]


def test_a_name_or_an_ssn_is_enough_to_link():
    v, why = reasons([person("R1", "", "", ssn="412-55-1001"), person("R2", "", "LOPEZ")])
    assert why == {} and v.records.height == 2


def test_missing_and_duplicate_record_ids():
    v, _ = reasons([person("", "A", "B"), person("R1", "A", "B"), person("R1", "C", "D")])
    assert v.records["first_name"].to_list() == ["A"]
    assert sorted(v.quarantine["reason"].to_list()) == [
        "duplicate record_id (an earlier row has the same id)",
        "missing record_id",
    ]


def test_counts_reconcile_and_uids_are_dense():
    rows = [
        person(f"R{i}", "ANA", "LOPEZ", dob="2019-02-30" if i % 3 == 0 else "2019-02-03", role="AP" if i % 4 == 0 else "CH")
        for i in range(10)
    ]
    v, _ = reasons(rows)
    assert v.rows_read == 10 == v.records.height + v.quarantine.height and v.quarantine.height == 3
    assert v.blanked["record_id"].to_list() == ["R3", "R6", "R9"]  # R0 went to quarantine for its role
    assert v.records["uid"].to_list() == list(range(v.records.height))


def test_codes_are_normalized_and_fvi_fails_safe():
    rows = [
        person("R1", "A", "B", source_system="iv d", role="ncp", case_status="closed", fvi="y"),
        person("R2", "A", "B", source_system="IVE", fvi="N"),
        person("R3", "A", "B", fvi="?"),
    ]
    v, _ = reasons(rows)
    r = {row["record_id"]: row for row in v.records.iter_rows(named=True)}
    assert (r["R1"]["source_system"], r["R1"]["role"], r["R1"]["case_status"]) == ("IV-D", "NCP", "CLOSED")
    assert r["R2"]["source_system"] == "IV-E" and r["R2"]["case_status"] == "OPEN"
    assert [r[k]["fvi_flag"] for k in ("R1", "R2", "R3")] == [True, False, True]


def test_placement_and_grant_dates_are_read_in_any_accepted_format_and_bad_ones_blanked_with_their_reason():
    rows = [
        person(
            "E1",
            "ANA",
            "RUIZ",
            system="IV-E",
            case="E1",
            role="CH",
            placement_start="03/15/2025",
            placement_end="",
            removed_from="cp",
            case_goal="reunification",
        ),
        person("E2", "LUIS", "RUIZ", system="IV-E", case="E2", role="CH", placement_start="2099-01-01", case_goal="PERMANENCY"),
        person(
            "E3", "EVA", "RUIZ", system="IV-E", case="E3", role="CH", placement_start="2025-05-01", placement_end="2025-04-01"
        ),
        person("A1", "ROSA", "RUIZ", system="IV-A", case="A1", grant_start="20240201", grant_end="2024-13-01"),
    ]
    v = validate(records_frame(rows), today=date(2026, 11, 29))
    got = {r["record_id"]: r for r in v.records.iter_rows(named=True)}
    assert got["E1"]["placement_start"] == "2025-03-15" and got["E1"]["placement_end"] is None
    assert got["E1"]["case_goal"] == "REUNIFICATION" and got["E1"]["removed_from"] == "cp"
    assert got["E2"]["placement_start"] is None and got["E2"]["case_goal"] is None
    assert got["E3"]["placement_start"] == "2025-05-01" and got["E3"]["placement_end"] is None
    assert got["A1"]["grant_start"] == "2024-02-01" and got["A1"]["grant_end"] is None
    why = {(r["record_id"], r["field"]): r["reason"] for r in v.blanked.iter_rows(named=True)}
    assert why[("E2", "placement_start")] == "placement_start: in the future"
    assert why[("E2", "case_goal")].startswith("case_goal: unknown code")
    assert why[("E3", "placement_end")] == "placement_end: before placement_start"
    assert why[("A1", "grant_end")].startswith("grant_end: impossible or unreadable date")
    assert v.records.height == 4 and v.quarantine.height == 0
