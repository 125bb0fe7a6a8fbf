"""Records added between batch runs: standardized, matched to a person on arrival (never against a
never-merge rule, never to someone in the same case), taken into the index and kept in the service
db so that a reload of the index takes them in again with the same person ids.

A key writes only its own program's records: a record_id another program holds is refused, so a
TANF key cannot replace (and so hide) a child support record. Each key may have a bounded number of
added records waiting for the batch; each record keeps only its latest version."""

from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.persons.constraints import RecordFacts, conflict
from service.auth import Caller
from service.index import PersonIndex
from service.servicedb import ServiceDb


class WriteRefused(Exception):
    """A record the caller may not write; `status` is the HTTP answer."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status


def index_row(index: PersonIndex, fields: dict, person_id: str) -> dict:
    """A full index row (the frame's columns) for a record given as the schema's fields."""
    std = index.standardize(fields)
    row: dict[str, object] = dict.fromkeys(index.records.columns)
    row.update({k: v for k, v in fields.items() if k in row})
    row.update({k: v for k, v in std.items() if k in row})
    row[C.PERSON_ID] = person_id
    row[C.FVI_FLAG] = bool(fields.get("fvi"))
    row[C.CASE_STATUS] = fields.get(C.CASE_STATUS) or "OPEN"
    return row


def conflict_with(index: PersonIndex, person_id: str, row: dict, same_submission: bool = False) -> str | None:
    """Why `row` cannot belong to `person_id` (a never-merge rule, or the same case), or None.
    same_submission: the index's records of `row`'s own case are an earlier copy of what is being
    sent again (a referral checked twice), not other people of the case."""
    known = index.rows_of(person_id)
    if same_submission:
        known = known.filter((pl.col(C.SOURCE_SYSTEM) != row[C.SOURCE_SYSTEM]) | (pl.col(C.CASE_ID) != row[C.CASE_ID]))
        if known.is_empty():
            return None
    frame = pl.concat([known, pl.DataFrame([row], schema=index.records.schema)])
    frame = frame.with_columns(pl.int_range(0, pl.len(), dtype=pl.Int64).alias(C.UID))
    facts = RecordFacts.from_frame(frame, index.never_merge)
    last = frame.height - 1
    for i in range(last):
        if frame[C.RECORD_ID][i] == row[C.RECORD_ID]:
            continue  # the earlier version of this record
        reason = conflict(facts, i, last)
        if reason:
            return reason
    return None


def person_for(
    index: PersonIndex, row: dict, keep: str | None = None, same_submission: bool = False
) -> tuple[str, float | None] | None:
    """The person `row` belongs to: `keep` (its earlier version's) if still compatible, else the best
    match at the link threshold that no never-merge rule refuses; None for someone new."""
    candidates: list[tuple[str, float | None]] = [(keep, None)] if keep else []
    candidates += [(hit.person_id, hit.probability) for hit in index.match(row, [], index.link_threshold, 5)]
    for pid, p in candidates:
        if conflict_with(index, pid, {**row, C.PERSON_ID: pid}, same_submission) is None:
            return pid, p
    return None


def check_writes(index: PersonIndex, db: ServiceDb, records: list[dict], caller: Caller, quota: int) -> None:
    """WriteRefused when a record_id belongs to another program, or the new records would take the
    key past its quota of added records waiting for a batch run."""
    new = 0
    for fields in records:
        old_uid = index.uid_of(fields[C.RECORD_ID])
        if old_uid is None:
            new += 1
            continue
        held_by = index.row(old_uid)[C.SOURCE_SYSTEM]
        if held_by != fields[C.SOURCE_SYSTEM]:
            raise WriteRefused(
                409,
                f"record_id {fields[C.RECORD_ID]} is held by {held_by}, not "
                f"{fields[C.SOURCE_SYSTEM]}: a program may only add or update its own records",
            )
    waiting = db.added_by(caller.name)
    if new and waiting + new > quota:
        raise WriteRefused(
            429,
            f"this key has {waiting} added records waiting for the next batch run and its quota "
            f"is {quota}; run the batch, or ask an administrator to raise --max-added-per-key",
        )


def take_in(index: PersonIndex, db: ServiceDb, fields: dict, caller: Caller) -> tuple[str, float | None, bool]:
    """(person_id, match probability or None for a new person, replaced an earlier version)."""
    old_uid = index.uid_of(fields[C.RECORD_ID])
    probe = index_row(index, fields, "")
    keep = index.row(old_uid)[C.PERSON_ID] if old_uid is not None else None
    person_id, probability = person_for(index, probe, keep) or (db.next_person_id(), None)
    db.save_added(caller, fields[C.RECORD_ID], person_id, fields)  # kept before it is visible
    index.add({**probe, C.PERSON_ID: person_id})
    return person_id, probability, old_uid is not None


def replay(index: PersonIndex, db: ServiceDb) -> int:
    """After a reload: records added since that the batch has not taken in yet, with their ids."""
    n = 0
    for record_id, person_id, fields in db.added():
        if index.uid_of(record_id) is None:
            index.add(index_row(index, fields, person_id))
            n += 1
    return n
