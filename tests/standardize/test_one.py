"""The one-record standardization equals the batch one on every generated record."""

from __future__ import annotations

import polars as pl
import pytest

from linkage import columns as C
from linkage.ingest import read_records, validate
from linkage.standardize import STANDARD_COLUMNS, standardize
from linkage.standardize.one import standardize_one
from tests.conftest import records_frame

LISTS = (C.FN_TOKENS, C.FN_CANON, C.SN_TOKENS, C.SN_META, C.NAME_KEYS)


def _same(batch: dict, one: dict) -> list[str]:
    bad = []
    for col in STANDARD_COLUMNS:
        a, b = batch[col], one[col]
        if col in LISTS and a is not None and b is not None:
            a, b = sorted(a), sorted(b)
        if col == C.NAME_KEYS and a is not None:
            a = sorted(set(a))
        if a != b:
            bad.append(f"{col}: batch {a!r} one {b!r}")
    return bad


def test_every_generated_record_standardizes_the_same(small_data):
    raw = read_records([small_data / "records.csv"])
    batch = standardize(validate(raw).records)
    mismatches = []
    for row in batch.iter_rows(named=True):
        src = {c: row[c] for c in C.SCHEMA_COLUMNS if c in row}
        bad = _same(row, standardize_one(src))
        if bad:
            mismatches.append((row[C.RECORD_ID], bad))
    assert batch.height > 2000 and not mismatches, mismatches[:5]


@pytest.mark.parametrize(
    "first,last,extra",
    [
        ("José María", "García-López", {}),
        ("  ", "UNKNOWN", {}),
        ("Robert Jr", "de la Cruz", {C.SUFFIX: "iii"}),
        ("ß-straße", "O'Brien", {C.SSN: "900-70-1234"}),
        ("A.", "Nguyễn", {C.SSN: "000-00-0000", C.DOB: "02/30/2019"}),
        ("Lupe", "Y", {C.STREET: "12 N. Main Street #4", C.ZIP: "90210-1234", C.SEX: "female"}),
        ("", "Lee, Betty", {}),
        ("  ", "García López , María", {}),
        ("", "SMITH, JR", {}),
        ("", ", ANA", {}),
    ],
)
def test_awkward_inputs_standardize_the_same(first, last, extra):
    rows = [
        {
            C.RECORD_ID: "r1",
            C.SOURCE_SYSTEM: "IV-A",
            C.CASE_ID: "c",
            C.ROLE: "CH",
            C.FIRST_NAME: first,
            C.LAST_NAME: last,
            **extra,
        }
    ]
    frame = records_frame(rows)
    v = validate(frame.with_columns(pl.when(pl.col(C.DOB) == "02/30/2019").then(None).otherwise(pl.col(C.DOB)).alias(C.DOB)))
    batch = standardize(v.records).row(0, named=True)
    one = standardize_one({**rows[0], C.DOB: None if extra.get(C.DOB) == "02/30/2019" else extra.get(C.DOB)})
    assert not _same(batch, one)
