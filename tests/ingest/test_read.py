from pathlib import Path

import polars as pl
import pytest

from linkage.errors import InvalidInputError
from linkage.ingest import read_records, validate

HEADER = "record_id,source_system,case_id,role,first_name,last_name,dob,ssn\n"


def write(tmp_path: Path, text: str | bytes, name: str = "in.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return p


def test_missing_required_column_names_file_and_column(tmp_path):
    p = write(tmp_path, "record_id,source_system,role,first_name,last_name\nR1,IV-D,CP,ANA,LOPEZ\n")
    with pytest.raises(InvalidInputError) as e:
        read_records(p)
    assert "case_id" in str(e.value) and str(p) in str(e.value)


def test_empty_file_is_a_clear_error(tmp_path):
    with pytest.raises(InvalidInputError, match="empty"):
        read_records(write(tmp_path, ""))


def test_missing_file_and_unknown_type(tmp_path):
    with pytest.raises(InvalidInputError, match="not found"):
        read_records(tmp_path / "nope.csv")
    with pytest.raises(InvalidInputError, match="unknown file type"):
        read_records(write(tmp_path, "x", "records.xlsx"))


def test_header_only_gives_no_rows(tmp_path):
    v = validate(read_records(write(tmp_path, HEADER)))
    assert v.records.height == 0 and v.quarantine.height == 0


def test_bom_and_header_case_are_accepted(tmp_path):
    text = "\ufeffRECORD_ID, Source_System ,CASE_ID,Role,First_Name,LAST_NAME\nR1,iv-d,D1,cp,Ana,López\n"
    v = validate(read_records(write(tmp_path, text)))
    assert v.records.height == 1
    row = v.records.row(0, named=True)
    assert row["record_id"] == "R1" and row["source_system"] == "IV-D" and row["role"] == "CP"
    assert row["last_name"] == "López"


def test_extra_columns_pass_through(tmp_path):
    v = validate(
        read_records(
            write(tmp_path, "record_id,source_system,case_id,role,first_name,last_name,worker\nR1,IV-A,A1,CH,ANA,LOPEZ,W42\n")
        )
    )
    assert v.records["worker"].to_list() == ["W42"]


def test_bad_bytes_blank_the_field_not_the_row_or_the_file(tmp_path):
    good = b"R1,IV-D,D1,CP,ANA,LOPEZ,,\n"
    bad = b"R2,IV-D,D1,CH,JOS\xe9,LOPEZ,,\n"
    worse = b"R3,IV-D,D\xe91,CH,ANA,LOPEZ,,\n"  # in the case id: the row cannot be placed
    v = validate(read_records(write(tmp_path, HEADER.encode() + good + bad + worse)))
    assert v.records["record_id"].to_list() == ["R1", "R2"]
    assert v.records["first_name"].to_list() == ["ANA", None] and v.records["last_name"][1] == "LOPEZ"
    assert v.blanked.select("record_id", "field").rows() == [("R2", "first_name")] and "UTF-8" in v.blanked["reason"][0]
    assert v.quarantine["record_id"].to_list() == ["R3"] and "UTF-8" in v.quarantine["reason"][0]


def test_malformed_rows_are_quarantined_with_their_line_and_the_rest_is_read(tmp_path):
    """One stray quote or a row with a field too many must not refuse a nightly extract (it did: exit 2)."""
    rows = (
        "R1,IV-D,D1,CP,ANA,LOPEZ,,\n"
        "R2,IV-D,D1,CH,BOB,SMITH,,,EXTRA\n"  # line 3: a field too many
        'R3,IV-D,D1,CH,"CARL,JONES,,\n'  # line 4: a quote never closed
        "R4,IV-D,D1,CH,DAN,BROWN,,\n"
        'R5,IV-A,A1,CH,EVE,"GREEN\nHALL",,\n'  # a quoted field over two lines is a field, not an error
        "R6,IV-A,A1,CP,FAY,KING,,\n"
    )
    v = validate(read_records(write(tmp_path, HEADER + rows)))
    assert v.records["record_id"].to_list() == ["R1", "R4", "R5", "R6"]
    assert v.records["last_name"][2] == "GREEN\nHALL"
    reasons = v.quarantine["reason"].to_list()
    assert "line 3" in reasons[0] and "fields" in reasons[0] and "line 4" in reasons[1] and "quote" in reasons[1]
    assert v.rows_read == 6 and v.quarantine["raw_line"][1].startswith("R3,")


def test_parquet_input_with_typed_columns(tmp_path):
    from datetime import date

    p = tmp_path / "in.parquet"
    pl.DataFrame(
        {
            "record_id": ["R1"],
            "source_system": ["IV-E"],
            "case_id": ["E1"],
            "role": ["CH"],
            "first_name": ["ANA"],
            "last_name": ["LOPEZ"],
            "ssn": [123456780],
            "dob": [date(2015, 3, 2)],
        }
    ).write_parquet(p)
    v = validate(read_records(p))
    assert v.records["ssn"].to_list() == ["123456780"]
    assert v.records["dob_date"].to_list() == [date(2015, 3, 2)]


def test_several_files_are_one_input(tmp_path):
    a = write(tmp_path, HEADER + "R1,IV-D,D1,CP,ANA,LOPEZ,,\n", "a.csv")
    b = write(tmp_path, HEADER + "R1,IV-A,A1,CP,ANA,LOPEZ,,\n", "b.csv")
    v = validate(read_records([a, b]))
    assert v.records.height == 1 and v.quarantine.height == 1
    assert v.quarantine["reason"][0].startswith("duplicate record_id")
    assert v.quarantine["source_file"][0] == str(b)
