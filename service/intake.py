"""Records added between batch runs: standardized, matched to a person on arrival (never against a
never-merge rule, never to someone in the same case), taken into the index and kept in the service
db so that a reload of the index takes them in again with the same person ids."""
from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.cases.locate import place_key
from linkage.persons.constraints import RecordFacts, conflict
from linkage.standardize.one import standardize_one
from service.index import PROTECTED, PersonIndex
from service.servicedb import ServiceDb


def index_row(index: PersonIndex, fields: dict, person_id: str) -> dict:
    """A full index row (the frame's columns) for a record given as the schema's fields."""
    std = standardize_one(fields)
    row = {c: None for c in index.records.columns}
    row.update({k: v for k, v in fields.items() if k in row})
    row.update({k: v for k, v in std.items() if k in row})
    row[C.PERSON_ID] = person_id
    row[C.FVI_FLAG] = bool(fields.get("fvi"))
    row[C.CASE_STATUS] = fields.get(C.CASE_STATUS) or "OPEN"
    place = pl.DataFrame([{c: fields.get(c) for c in (C.STREET, C.CITY, C.ZIP)}],
                         schema={C.STREET: pl.String, C.CITY: pl.String, C.ZIP: pl.String}).select(place_key())[0, 0]
    row[PROTECTED] = row[C.FVI_FLAG] or (place is not None and place in index.protected_places)
    if row[C.FVI_FLAG] and place is not None:
        index.protected_places.add(place)
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
    facts = RecordFacts.from_frame(frame)
    last = frame.height - 1
    for i in range(last):
        if frame[C.RECORD_ID][i] == row[C.RECORD_ID]:
            continue  # the earlier version of this record
        reason = conflict(facts, i, last)
        if reason:
            return reason
    return None


def person_for(index: PersonIndex, row: dict, keep: str | None = None,
               same_submission: bool = False) -> tuple[str, float | None] | None:
    """The person `row` belongs to: `keep` (its earlier version's) if still compatible, else the best
    match at the link threshold that no never-merge rule refuses; None for someone new."""
    candidates: list[tuple[str, float | None]] = [(keep, None)] if keep else []
    candidates += [(hit.person_id, hit.probability) for hit in index.match(row, [], index.link_threshold, 5)]
    for pid, p in candidates:
        if conflict_with(index, pid, {**row, C.PERSON_ID: pid}, same_submission) is None:
            return pid, p
    return None


def take_in(index: PersonIndex, db: ServiceDb, fields: dict, actor) -> tuple[str, float | None, bool]:
    """(person_id, match probability or None for a new person, replaced an earlier version)."""
    old_uid = index.uid_of(fields[C.RECORD_ID])
    probe = index_row(index, fields, "")
    keep = index.row(old_uid)[C.PERSON_ID] if old_uid is not None else None
    person_id, probability = person_for(index, probe, keep) or (db.next_person_id(), None)
    index.add({**probe, C.PERSON_ID: person_id})
    db.save_added(actor, fields[C.RECORD_ID], person_id, fields)
    return person_id, probability, old_uid is not None


def replay(index: PersonIndex, db: ServiceDb) -> int:
    """After a reload: records added since that the batch has not taken in yet, with their ids."""
    n = 0
    for record_id, person_id, fields in db.added():
        if index.uid_of(record_id) is None:
            index.add(index_row(index, fields, person_id))
            n += 1
    return n
