"""The service's in-memory index: the last complete batch run's records, the same key rules and the
same model, answering one record at a time without SQL.

Built whole from the store and swapped in by reference: a request holds the index it started with,
so a rebuild never changes an answer half-way.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from blocking import KeyIndex
from linkage import columns as C
from linkage.cases.locate import place_key, protected_places
from linkage.model import SavedModel, for_record_count
from linkage.model.comparisons import COMPARISON_COLUMNS
from linkage.model.inmemory import Evidence, PairScorer
from linkage.rules import DEFAULT_RULES
from linkage.standardize import complete_stored
from linkage.store import CurrentResult

RULE_COLUMNS = tuple(dict.fromkeys(c for r in DEFAULT_RULES for c in r.columns))
DISPLAY_COLUMNS = (C.RECORD_ID, C.PERSON_ID, C.SOURCE_SYSTEM, C.CASE_ID, C.ROLE, C.CASE_STATUS, C.PATERNITY_STATUS,
                   C.FVI_FLAG, C.FIRST_NAME, C.MIDDLE_NAME, C.LAST_NAME, C.SUFFIX, C.DOB_DATE, C.STREET, C.CITY,
                   C.STATE, C.ZIP)
INDEX_COLUMNS = tuple(dict.fromkeys((*DISPLAY_COLUMNS, *COMPARISON_COLUMNS, *RULE_COLUMNS, C.SSN_TAIL)))
MATCH_COLUMNS = (*COMPARISON_COLUMNS, C.PERSON_ID, C.SSN_TAIL, C.RECORD_ID, "_protected")
UNSCORED_WHEN_PROTECTED = frozenset({"address"})  # where a protected person lives must not move a score
SHOW_COLUMNS = (*DISPLAY_COLUMNS, C.SSN_TAIL, "_protected")


PROTECTED = "_protected"


def protected_persons(records: pl.DataFrame, places: set[str]) -> pl.Series:
    """Per record: its person has the Family Violence Indicator set anywhere, or is known at one of
    `places` (where a person who has it is known)."""
    fvi_people = records.filter(pl.col(C.FVI_FLAG))[C.PERSON_ID].unique()
    places = pl.Series(sorted(places), dtype=pl.String)
    here = (pl.col(C.PERSON_ID).is_in(fvi_people.implode()) | place_key().is_in(places.implode())).fill_null(False)
    flags = records.select(C.PERSON_ID, here.alias("f"))
    per_person = flags.group_by(C.PERSON_ID).agg(pl.col("f").any())
    return flags.select(C.PERSON_ID).join(per_person, on=C.PERSON_ID, how="left", maintain_order="left")["f"]


@dataclass(frozen=True)
class Hit:
    """A candidate person: the best-scoring record of theirs and why."""

    person_id: str
    probability: float
    uid: int
    evidence: list[Evidence]
    row: dict  # the best record's match columns


@dataclass
class PersonIndex:
    """Records of the last complete run (row position = uid) and, after them, records added through
    the API since (uids from `base_size` on, kept as dicts until the next batch run takes them in)."""

    run_id: int
    records: pl.DataFrame
    keys: KeyIndex
    scorer: PairScorer
    link_threshold: float
    person_rows: dict[str, list[int]]
    case_rows: dict[tuple[str, str], list[int]]
    protected_places: set[str]
    review_threshold: float = 0.5
    as_of: str | None = None  # when the batch run was published (UTC)
    built_at: float = field(default_factory=time.time)
    added: list[dict] = field(default_factory=list)
    added_ids: dict[str, int] = field(default_factory=dict)  # record_id -> uid of the live version
    superseded: set[int] = field(default_factory=set)
    protected_people: set[str] = field(default_factory=set)  # FVI set on an added record
    lock: threading.Lock = field(default_factory=threading.Lock)
    scoring: pl.DataFrame | None = None  # the columns a match reads, gathered per query

    display: pl.DataFrame | None = None  # the columns an answer shows

    def __post_init__(self) -> None:
        self.scoring = self.records.select(*MATCH_COLUMNS)
        self.display = self.records.select(*SHOW_COLUMNS)

    @classmethod
    def build(cls, current: CurrentResult, model: SavedModel) -> "PersonIndex":
        stored = complete_stored(current.records)  # a store written by an earlier version
        cols = [c for c in INDEX_COLUMNS if c in stored.columns]
        records = stored.select(cols).with_columns(pl.int_range(0, pl.len(), dtype=pl.Int64).alias(C.UID))
        places = protected_places(records)
        records = records.with_columns(protected_persons(records, places).alias(PROTECTED)).rechunk()  # fast gathers
        splink = for_record_count(model.splink, model.meta.trained_records, records.height)
        scorer = PairScorer.from_records(splink, records)
        groups = records.group_by(C.PERSON_ID).agg(pl.col(C.UID))
        person_rows = dict(zip(groups[C.PERSON_ID].to_list(), groups[C.UID].to_list()))
        cases = records.group_by(C.SOURCE_SYSTEM, C.CASE_ID).agg(pl.col(C.UID))
        case_rows = dict(zip(zip(cases[C.SOURCE_SYSTEM].to_list(), cases[C.CASE_ID].to_list()), cases[C.UID].to_list()))
        return cls(current.run_id, records, KeyIndex(records, DEFAULT_RULES), scorer, current.link_threshold,
                   person_rows, case_rows, places, model.meta.thresholds.review,
                   current.finished_at.isoformat(timespec="minutes") if current.finished_at else None)

    @property
    def base_size(self) -> int:
        return self.records.height

    @property
    def size(self) -> int:
        return self.base_size + len(self.added) - len(self.superseded)

    def match(self, query: dict, variants: list[dict], min_probability: float, limit: int,
              ssn_last4: str | None = None) -> list[Hit]:
        """Persons whose records score at least `min_probability` against `query`, best first."""
        uids = self.keys.candidates(query, variants)
        if self.superseded:
            uids = uids[~np.isin(uids, list(self.superseded))]
        rows = self._rows(uids)
        best: dict[str, tuple[float, int, dict]] = {}
        for uid, row in zip(uids.tolist(), rows):
            if ssn_last4 is not None and row[C.SSN_TAIL] not in (None, ssn_last4):
                continue
            skip = UNSCORED_WHEN_PROTECTED if self._protected(row) else frozenset()
            w = self.scorer.weight(query, row, skip)
            held = best.get(row[C.PERSON_ID])
            if held is None or w > held[0]:
                best[row[C.PERSON_ID]] = (w, uid, row)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
        hits = []
        for pid, (w, uid, row) in ranked[:limit]:
            p = self.scorer.probability(w)
            if p < min_probability:
                break
            skip = UNSCORED_WHEN_PROTECTED if self._protected(row) else frozenset()
            hits.append(Hit(pid, p, uid, self.scorer.explain(query, row, skip), row))
        return hits

    def _rows(self, uids: np.ndarray) -> list[dict]:
        """The match columns of uids in the given order, from the frame or the overlay."""
        n = self.base_size
        base = uids[uids < n]
        base_rows = iter(self.scoring[base].rows(named=True)) if base.size else iter(())
        return [next(base_rows) if u < n else {c: self.added[u - n].get(c) for c in MATCH_COLUMNS} for u in uids.tolist()]

    def frame(self, uids: list[int]) -> pl.DataFrame:
        n = self.base_size
        live = [u for u in uids if u not in self.superseded]
        base = self.records[np.asarray([u for u in live if u < n], dtype=np.int64)]
        extra = [self.added[u - n] for u in live if u >= n]
        if not extra:
            return base
        return pl.concat([base, pl.DataFrame(extra, schema=self.records.schema)])

    def rows_of(self, person_id: str) -> pl.DataFrame:
        return self.frame(self.person_rows.get(person_id, []))

    def records_of(self, person_ids: list[str]) -> dict[str, list[dict]]:
        """Each person's live records as dicts of the shown columns, by program and case, in one
        gather for all of them (the answer's fast path: no polars plan per person)."""
        n = self.base_size
        uids = [u for pid in person_ids for u in self.person_rows.get(pid, []) if u not in self.superseded]
        base = np.asarray([u for u in uids if u < n], dtype=np.int64)
        rows = self.display[base].rows(named=True) if base.size else []
        rows += [{c: self.added[u - n].get(c) for c in SHOW_COLUMNS} for u in uids if u >= n]
        out: dict[str, list[dict]] = {pid: [] for pid in person_ids}
        for r in sorted(rows, key=lambda r: (r[C.SOURCE_SYSTEM], r[C.CASE_ID], r[C.RECORD_ID])):
            out[r[C.PERSON_ID]].append(r)
        return out

    def row(self, uid: int) -> dict:
        return self.records.row(uid, named=True) if uid < self.base_size else self.added[uid - self.base_size]

    def _protected(self, row: dict) -> bool:
        return bool(row.get(PROTECTED)) or row[C.PERSON_ID] in self.protected_people

    def is_protected(self, person_id: str, rows: pl.DataFrame | list[dict]) -> bool:
        if person_id in self.protected_people:
            return True
        if isinstance(rows, list):
            return any(r[PROTECTED] for r in rows)
        return bool(rows.height and rows[PROTECTED].any())

    def family_rows(self, person_id: str, depth: int = 2) -> pl.DataFrame:
        """All records of the people reachable from `person_id` through shared cases, `depth` steps
        out: a child, its cases' people, and their cases' people (a father's other families)."""
        people, frontier = {person_id}, {person_id}
        for _ in range(depth):
            cases = {(r[C.SOURCE_SYSTEM], r[C.CASE_ID]) for pid in frontier for r in map(self.row, self.person_rows.get(pid, []))}
            reached = {self.row(u)[C.PERSON_ID] for key in cases for u in self.case_rows.get(key, [])}
            frontier = reached - people
            people |= reached
        return self.frame(sorted(u for pid in people for u in self.person_rows.get(pid, [])))

    def uid_of(self, record_id: str) -> int | None:
        if record_id in self.added_ids:
            return self.added_ids[record_id]
        hit = self.records.filter(pl.col(C.RECORD_ID) == record_id)[C.UID]
        return None if hit.is_empty() or int(hit[0]) in self.superseded else int(hit[0])

    def add(self, row: dict) -> int:
        """Take in a record (a full index row with person_id); an earlier version with the same
        record_id is superseded. Visible to the next query."""
        with self.lock:
            old = self.uid_of(row[C.RECORD_ID])
            if old is not None:
                self.superseded.add(old)
                prev = self.row(old)
                for owned in (self.person_rows.get(prev[C.PERSON_ID], []),
                              self.case_rows.get((prev[C.SOURCE_SYSTEM], prev[C.CASE_ID]), [])):
                    if old in owned:
                        owned.remove(old)
            uid = self.base_size + len(self.added)
            self.added.append({**row, C.UID: uid})
            self.added_ids[row[C.RECORD_ID]] = uid
            self.keys.add(row, uid)
            self.person_rows.setdefault(row[C.PERSON_ID], []).append(uid)
            self.case_rows.setdefault((row[C.SOURCE_SYSTEM], row[C.CASE_ID]), []).append(uid)
            if row.get(C.FVI_FLAG):
                self.protected_people.add(row[C.PERSON_ID])
            return uid
