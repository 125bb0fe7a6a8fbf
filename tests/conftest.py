"""Shared fixtures: small generated data sets (the generator recreates them; nothing is checked in)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from benchmarks.generate import generate, write
from linkage import columns as C

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> Path:
    """About 2,500 records of 400 families with every hard case, plus a few bad rows."""
    out = tmp_path_factory.mktemp("small")
    write(generate(families=400, seed=11, bad=6), out)
    return out


def records_frame(rows: list[dict]) -> pl.DataFrame:
    """A raw input frame: all schema columns as text, missing ones empty."""
    full = [{c: r.get(c) for c in C.SCHEMA_COLUMNS} for r in rows]
    return pl.DataFrame(full, schema={c: pl.String for c in C.SCHEMA_COLUMNS})


def person(record_id: str, first: str, last: str, *, case: str = "D1", system: str = "IV-D", role: str = "CP", **kw) -> dict:
    return {
        C.RECORD_ID: record_id,
        C.SOURCE_SYSTEM: system,
        C.CASE_ID: case,
        C.ROLE: role,
        C.FIRST_NAME: first,
        C.LAST_NAME: last,
        **kw,
    }
