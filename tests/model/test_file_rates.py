"""How often a person's values are wholly different, read from the file, raises the model's own rate."""

from __future__ import annotations

import duckdb

from linkage import columns as C
from linkage.ingest import validate
from linkage.model import resolve_model
from linkage.model.comparisons import COMPARISON_COLUMNS
from linkage.model.file_rates import MIN_ANCHORS, adapted, read_rates
from linkage.standardize import standardize
from tests.conftest import person, records_frame


def levels(model: dict, name: str) -> dict[str, float]:
    comp = next(c for c in model["comparisons"] if c["output_column_name"] == name)
    return {
        lvl.get("label_for_charts", "?"): lvl["m_probability"]
        for lvl in comp["comparison_levels"]
        if not lvl.get("is_null_level")
    }


def test_a_file_where_ssns_are_often_wholly_wrong_raises_the_penalty_rate_never_lowers_it():
    model = resolve_model(None).splink
    before = levels(model, "ssn")
    raised = levels(adapted(model, {"ssn": {"anchors": 1000, "different": 120}}), "ssn")
    assert abs(raised["All other comparisons"] - 0.12) < 1e-12
    assert abs(sum(raised.values()) - sum(before.values())) < 1e-9  # still a distribution
    assert raised["exact"] < before["exact"]
    assert levels(adapted(model, {"ssn": {"anchors": 1000, "different": 1}}), "ssn") == before  # cleaner: kept
    assert levels(adapted(model, {"ssn": {"anchors": MIN_ANCHORS - 1, "different": 90}}), "ssn") == before  # too few
    assert levels(model, "ssn") == before  # the shipped model is not changed in place


def test_rates_are_read_from_pairs_that_agree_on_the_other_identity_fields_in_other_cases():
    """300 people typed twice, in two programs: every tenth second record under another SSN, and two
    people of one case with one name and birth date (not an anchor: one case is two people)."""
    rows = []
    for i in range(300):
        first, dob = f"NAME{chr(65 + i % 26)}{chr(65 + i // 26)}", f"19{50 + i % 40}-0{1 + i % 9}-1{i % 9}"
        ssn = f"{100 + i:03d}-45-{1000 + i:04d}"
        other = f"{600 - i:03d}-77-{5000 + i:04d}" if i % 10 == 0 else ssn
        rows += [
            person(f"D{i}", first, "RUIZ", case=f"D{i}", dob=dob, ssn=ssn),
            person(f"A{i}", first, "RUIZ", case=f"A{i}", system="IV-A", dob=dob, ssn=other),
        ]
    rows += [
        person("X1", "LUZ", "SOTO", case="X", dob="1990-01-02", ssn="234-56-7890"),
        person("X2", "LUZ", "SOTO", case="X", role="CH", dob="1990-01-02", ssn="345-67-8901"),
    ]
    records = standardize(validate(records_frame(rows)).records)
    con = duckdb.connect()
    con.register("std", records.select(C.UID, C.SOURCE_SYSTEM, C.CASE_ID, *COMPARISON_COLUMNS))
    model = resolve_model(None).splink
    rates = read_rates(con, "std", model, COMPARISON_COLUMNS)
    assert rates["ssn"] == {"anchors": 300, "different": 30, "levels": [270, 0, 0, 30]}
    assert rates["dob"]["different"] == 0 and rates["first_name"]["different"] == 0
    assert abs(levels(adapted(model, rates), "ssn")["All other comparisons"] - 0.1) < 1e-12


def test_a_file_where_birth_dates_are_often_partly_different_raises_that_level():
    """Days left at the 1st of the month: 3% of one person's second records fall to "within a year"
    (the shipped model has 0.1%): that level now costs about three bits, not six."""
    model = resolve_model(None).splink
    before = levels(model, "dob")
    year_only = "same year, the day unknown on one side"
    rates = {"dob": {"anchors": 1000, "different": 5, "levels": [855, 0, 10, 100, 30, 5]}}
    after = levels(adapted(model, rates), "dob")
    assert abs(after["within a year"] - 0.03) < 1e-12
    shrink = after["exact"] / before["exact"]
    assert abs(after["one digit"] - before["one digit"] * shrink) < 1e-12  # not raised: shrinks in proportion
    assert abs(after["All other comparisons"] - before["All other comparisons"] * shrink) < 1e-12
    assert abs(sum(after.values()) - sum(before.values())) < 1e-9
    # a designed ratio (m and u fixed): 10% year-only dates in a file move neither
    assert after[year_only] == before[year_only]
    # a summary written before each level was read holds the last level only
    old = levels(adapted(model, {"dob": {"anchors": 1000, "different": 50}}), "dob")
    assert abs(old["All other comparisons"] - 0.05) < 1e-12 and old["within a year"] < before["within a year"]
