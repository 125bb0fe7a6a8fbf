"""The service's added-records export read as batch input: the latest change per record counts."""

import json

import pytest

from linkage.errors import InvalidInputError
from linkage.ingest.service_added import read_added


def test_the_latest_change_per_record_counts_and_deleted_records_are_not_input(tmp_path):
    path = tmp_path / "service.added.jsonl"
    lines = [
        {
            "op": "add",
            "record_id": "R1",
            "person_id": "S1",
            "fields": {"record_id": "R1", "first_name": "ANA", "source_system": "IV-E", "fvi": True},
        },
        {"op": "add", "record_id": "R2", "person_id": "S2", "fields": {"record_id": "R2", "first_name": "LUZ"}},
        {"op": "add", "record_id": "R1", "person_id": "S1", "fields": {"record_id": "R1", "first_name": "ANNA"}},
        {"op": "delete", "record_id": "R2"},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    rows, ids = read_added(path)
    assert rows["record_id"].to_list() == ["R1"] and rows["first_name"].to_list() == ["ANNA"]
    assert ids == {"R1": "S1"}


def test_a_missing_file_or_a_broken_line_is_a_clear_error(tmp_path):
    with pytest.raises(InvalidInputError, match="no such file"):
        read_added(tmp_path / "none.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"op": "delete", "record_id": "R0"}\n{not json\n')
    with pytest.raises(InvalidInputError, match="line 2"):
        read_added(bad)
    bad.write_text('{"op": "add", "record_id": "R1"}\n')
    with pytest.raises(InvalidInputError, match="line 1"):
        read_added(bad)
