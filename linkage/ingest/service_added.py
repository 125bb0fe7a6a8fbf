"""Records added through the service between batch runs, as the next batch run's input.

The service writes each change to its added-records export (`SERVICE_DB.added.jsonl`: one JSON line
per add or delete, on disk before it answers). The batch reads the latest change per record: the
records still added become input rows like any extract's, and their service person ids (S...) are
kept so that the run can say which person id each one now has.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from linkage import columns as C
from linkage.errors import InvalidInputError


def read_added(path: Path) -> tuple[pl.DataFrame, dict[str, str]]:
    """(rows in the input schema, record_id -> service person id) of the records added and not deleted."""
    if not path.exists():
        raise InvalidInputError(f"--service-added {path}: no such file (the service writes it beside its db as NAME.added.jsonl)")
    latest: dict[str, dict] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            if entry["op"] == "add" and not (isinstance(entry["fields"], dict) and entry["person_id"]):
                raise ValueError("an add needs its fields and person_id")
            latest[str(entry["record_id"])] = entry
        except (ValueError, KeyError, TypeError) as e:
            raise InvalidInputError(f"--service-added {path}: line {n} is not an added-record entry ({e})") from e
    added = [e for e in latest.values() if e.get("op") == "add"]
    rows = [
        {c: _text(e["fields"].get(c)) for c in C.SCHEMA_COLUMNS} | {C.RECORD_ID: rid}
        for rid, e in ((e["record_id"], e) for e in added)
    ]
    frame = (
        pl.DataFrame(rows, schema={c: pl.String for c in C.SCHEMA_COLUMNS})
        if rows
        else pl.DataFrame(schema={c: pl.String for c in C.SCHEMA_COLUMNS})
    )
    return frame, {e["record_id"]: e["person_id"] for e in added}


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "Y" if value else None
    return str(value)


def replaced_events(records: pl.DataFrame, service_ids: dict[str, str]) -> pl.DataFrame:
    """kind "replaced": each service person id, and the person id its records carry now."""
    ids = pl.DataFrame(
        {C.RECORD_ID: list(service_ids), "service_id": list(service_ids.values())},
        schema={C.RECORD_ID: pl.String, "service_id": pl.String},
    )
    now = records.select(C.RECORD_ID, C.PERSON_ID).join(ids, on=C.RECORD_ID).select(C.PERSON_ID, "service_id").unique()
    return (
        now.group_by(C.PERSON_ID)
        .agg(pl.col("service_id").unique().sort().alias("other_ids"))
        .select(pl.lit("replaced").alias("kind"), C.PERSON_ID, "other_ids")
        .sort(C.PERSON_ID)
    )
