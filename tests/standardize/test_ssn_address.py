import pytest

from linkage.ingest import validate
from linkage.standardize import standardize
from tests.conftest import person, records_frame


def std_one(**kw):
    return standardize(validate(records_frame([person("R1", "ANA", "LOPEZ", **kw)])).records).row(0, named=True)


@pytest.mark.parametrize(
    "ssn,status,usable",
    [
        ("123-45-6780", "valid", "123456780"),
        ("123456780", "valid", "123456780"),
        (" 123 45 6780 ", "valid", "123456780"),
        ("", "missing", None),
        ("000000000", "placeholder", None),
        ("999999999", "placeholder", None),
        ("123456789", "placeholder", None),
        ("000-12-3456", "invalid", None),
        ("666-12-3456", "invalid", None),
        ("900-12-3456", "invalid", None),
        ("123-00-4567", "invalid", None),
        ("123-45-0000", "invalid", None),
        ("12345", "invalid", None),
        ("912-70-1234", "itin", "912701234"),
    ],
)
def test_ssn_rules(ssn, status, usable):
    out = std_one(ssn=ssn)
    assert (out["ssn_status"], out["ssn_std"]) == (status, usable)


def test_two_placeholders_never_compare_equal():
    rows = [person("R1", "A", "B", ssn="999-99-9999"), person("R2", "C", "D", ssn="999999999")]
    out = standardize(validate(records_frame(rows)).records)
    assert out["ssn_std"].to_list() == [None, None]


@pytest.mark.parametrize(
    "street,expected",
    [
        ("123 North Main Street", "123 N MAIN ST"),
        ("123 n. main st.", "123 N MAIN ST"),
        ("55 Cesar Chavez Avenue #4", "55 CESAR CHAVEZ AVE APT 4"),
        ("", None),
    ],
)
def test_street(street, expected):
    assert std_one(street=street)["street_std"] == expected


@pytest.mark.parametrize("zip_,expected", [("90012", "90012"), ("90012-1234", "90012"), ("9001", None), ("", None)])
def test_zip5(zip_, expected):
    assert std_one(zip=zip_)["zip5"] == expected


@pytest.mark.parametrize("sex,expected", [("M", "M"), ("female", "F"), ("x", None), ("", None)])
def test_sex(sex, expected):
    assert std_one(sex=sex)["sex_std"] == expected
