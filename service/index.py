"""The service's in-memory index: the last complete batch run's records, the same key rules and the
same model, answering one record at a time without SQL.

Built whole from the store and swapped in by reference: a request holds the index it started with,
so a rebuild never changes an answer half-way.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from blocking import KeyIndex, KeyRule
from linkage import columns as C
from linkage.cases.worklist import WORKLIST_COLUMNS
from linkage.cases.worklist import worklist as placement_worklist
from linkage.model import SavedModel
from linkage.model.comparisons import COMPARISON_COLUMNS
from linkage.model.file_rates import as_run_scored
from linkage.model.inmemory import Evidence, PairScorer
from linkage.persons.constraints import NeverMerge
from linkage.protection import Shield, location_comparisons, reads_location
from linkage.protection import shield as draw_shield
from linkage.rules import DEFAULT_RULES
from linkage.standardize import complete_stored
from linkage.standardize.cut_surnames import CutSurnames
from linkage.standardize.default_dates import DefaultDates
from linkage.standardize.name_order import NameOrder
from linkage.standardize.one import standardize_one
from linkage.standardize.profile import FileProfile
from linkage.store import CurrentResult

RULE_COLUMNS = tuple(dict.fromkeys(c for r in DEFAULT_RULES for c in r.columns))
DISPLAY_COLUMNS = (
    C.RECORD_ID,
    C.PERSON_ID,
    C.SOURCE_SYSTEM,
    C.CASE_ID,
    C.ROLE,
    C.CASE_STATUS,
    C.PATERNITY_STATUS,
    C.FVI_FLAG,
    C.FIRST_NAME,
    C.MIDDLE_NAME,
    C.LAST_NAME,
    C.SUFFIX,
    C.DOB_DATE,
    C.STREET,
    C.CITY,
    C.STATE,
    C.ZIP,
)
INDEX_COLUMNS = tuple(dict.fromkeys((*DISPLAY_COLUMNS, *COMPARISON_COLUMNS, *RULE_COLUMNS, C.SSN_TAIL, *WORKLIST_COLUMNS)))
MATCH_COLUMNS = (*COMPARISON_COLUMNS, C.PERSON_ID, C.SSN_TAIL, C.RECORD_ID)
SHOW_COLUMNS = (*DISPLAY_COLUMNS, C.SSN_TAIL)

# A query's work is bounded whatever it holds: keys looked up per rule, candidates scored.
MAX_KEYS_PER_RULE = 48
MAX_CANDIDATES = 4000
PROTECTED_BLOCK_CAP = 400  # protected persons are few: their location-free blocks are compared whole


def location_free_rules(rules: tuple[KeyRule, ...]) -> tuple[KeyRule, ...]:
    """The rules that find a protected person: none that reads a location, and none capped for
    being split by one (the split levels are location; among the few protected records a block
    stays small)."""
    return tuple(
        dataclasses.replace(r, splits=None, max_block_size=max(r.max_block_size, PROTECTED_BLOCK_CAP))
        for r in rules
        if not reads_location(r.columns)
    )


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
    the API since (uids from `base_size` on, kept as dicts until the next batch run takes them in).

    Persons the Family Violence Indicator protects are found only through keys that do not read a
    location (their own small index), and scored without the comparisons that do: whatever a caller
    guesses about where they live changes neither whether nor how they are returned."""

    run_id: int
    records: pl.DataFrame
    keys: KeyIndex
    scorer: PairScorer
    link_threshold: float
    person_rows: dict[str, list[int]]
    case_rows: dict[tuple[str, str], list[int]]
    shield: Shield
    review_threshold: float = 0.5
    as_of: str | None = None  # when the batch run was published (UTC)
    built_at: float = field(default_factory=time.time)
    added: list[dict | None] = field(default_factory=list)  # None: deleted or replaced
    added_ids: dict[str, int] = field(default_factory=dict)  # record_id -> uid of the live version
    superseded: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    scoring: pl.DataFrame = field(init=False, repr=False)  # the columns a match reads, gathered per query
    display: pl.DataFrame = field(init=False, repr=False)  # the columns an answer shows
    unscored_when_protected: frozenset[str] = frozenset()
    protected_keys: KeyIndex = field(init=False, repr=False)
    protected_mask: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # base uid -> protected
    default_dates: DefaultDates = DefaultDates()  # read a query's birth date as the batch read the records'
    never_merge: NeverMerge = NeverMerge()  # the run's rules (a person list's: `standardize.profile`)
    name_order: NameOrder = NameOrder()  # read a query's names turned round as the batch read the records'
    cut_surnames: CutSurnames = CutSurnames()  # and a surname its system cut
    worklists: dict[date, pl.DataFrame] = field(default_factory=dict)  # by day counted from, for this index

    def __post_init__(self) -> None:
        self.scoring = self.records.select(*MATCH_COLUMNS)
        self.display = self.records.select(*SHOW_COLUMNS)
        self._index_protected()

    @classmethod
    def build(cls, current: CurrentResult, model: SavedModel) -> PersonIndex:
        stored = complete_stored(current.records)  # a store written by an earlier version
        cols = [c for c in INDEX_COLUMNS if c in stored.columns]
        records = stored.select(cols).with_columns(pl.int_range(0, pl.len(), dtype=pl.Int64).alias(C.UID)).rechunk()
        splink = as_run_scored(model, records.height, current.file_rates)
        scorer = PairScorer.from_records(splink, records)
        groups = records.group_by(C.PERSON_ID).agg(pl.col(C.UID))
        person_rows = dict(zip(groups[C.PERSON_ID].to_list(), groups[C.UID].to_list()))
        cases = records.group_by(C.SOURCE_SYSTEM, C.CASE_ID).agg(pl.col(C.UID))
        case_rows = dict(zip(zip(cases[C.SOURCE_SYSTEM].to_list(), cases[C.CASE_ID].to_list()), cases[C.UID].to_list()))
        return cls(
            current.run_id,
            records,
            KeyIndex(records, DEFAULT_RULES),
            scorer,
            current.link_threshold,
            person_rows,
            case_rows,
            draw_shield(records),
            model.meta.thresholds.review,
            current.finished_at.isoformat(timespec="minutes") if current.finished_at else None,
            unscored_when_protected=location_comparisons(splink),
            default_dates=DefaultDates.from_dict(current.default_dates),
            never_merge=NeverMerge().for_file(FileProfile.from_dict(current.profile).person_list),
            name_order=NameOrder.find(records),
            cut_surnames=CutSurnames.from_dict(current.cut_surnames),
        )

    def worklist(self, day: date) -> pl.DataFrame:
        """The placement worklist of the batch run's records (records added here since wait for the
        next run), computed once per day counted from."""
        with self.lock:
            cached = self.worklists.get(day)
        if cached is None:
            cached = placement_worklist(self.records, day, protected=set(self.protected_people))
            with self.lock:
                self.worklists = {**dict(list(self.worklists.items())[-3:]), day: cached}  # a few days at most
        return cached

    def standardize(self, fields: dict) -> dict:
        """A query's or added record's standardized columns, read as the batch read its input."""
        std = self.cut_surnames.read_one(fields, standardize_one(fields), standardize_one)
        return self.default_dates.apply_one(self.name_order.read_one(fields, std, standardize_one))

    @property
    def base_size(self) -> int:
        return self.records.height

    @property
    def size(self) -> int:
        return self.base_size - len(self.superseded) + sum(r is not None for r in self.added)  # superseded: base uids only

    # --- protection ---------------------------------------------------------------------------------
    def _index_protected(self) -> None:
        """The location-free key index of every protected person's live records."""
        uids = sorted(u for pid in self.protected_people for u in self.person_rows.get(pid, []))
        n = self.base_size
        base = [u for u in uids if u < n]
        frame = self.records[np.asarray(base, dtype=np.int64)] if base else self.records.clear()
        keys = KeyIndex(frame, location_free_rules(DEFAULT_RULES))
        for u in uids:
            if u >= n and (rec := self.added[u - n]) is not None:
                keys.add(rec, u)
        self.protected_keys = keys
        mask = np.zeros(n, dtype=bool)
        mask[np.asarray(base, dtype=np.int64)] = True
        self.protected_mask = mask

    def protect(self, rows: list[dict]) -> None:
        """Records just taken in: one that falls under the shield (the indicator set, a protected
        household's case, a protected address) redraws it from everything known now, as a batch
        run would; a protected person's new record joins their location-free index."""
        if any(self.shield.covers(r, self._case_people(r)) for r in rows):
            self.shield = draw_shield(self.frame(self._live_uids()))
            self._index_protected()
        elif any(r[C.PERSON_ID] in self.shield.people for r in rows):
            self._index_protected()

    def _case_people(self, row: dict) -> list[str]:
        return [self.row(u)[C.PERSON_ID] for u in self.case_rows.get((row[C.SOURCE_SYSTEM], row[C.CASE_ID]), [])]

    @property
    def protected_people(self) -> frozenset[str]:
        return self.shield.people

    def _live_uids(self) -> list[int]:
        n = self.base_size
        return [*range(n), *(n + i for i, r in enumerate(self.added) if r is not None)]

    def is_protected(self, person_id: str) -> bool:
        return person_id in self.protected_people

    # --- matching -----------------------------------------------------------------------------------
    def candidates(self, query: dict, variants: list[dict]) -> np.ndarray:
        """Record uids to score: everyone's through all the rules, except protected persons', who
        come only through the location-free ones."""
        uids = self.keys.candidates(query, variants, max_keys=MAX_KEYS_PER_RULE, limit=MAX_CANDIDATES)
        if self.protected_people:
            uids = uids[~self._protected_uids(uids)]
            found = self.protected_keys.candidates(query, variants, max_keys=MAX_KEYS_PER_RULE, limit=MAX_CANDIDATES)
            uids = np.union1d(uids, found)
        if self.superseded:
            uids = uids[~np.isin(uids, list(self.superseded))]
        return uids

    def _protected_uids(self, uids: np.ndarray) -> np.ndarray:
        """Per uid: whether its person is protected (a look-up per uid, not a set operation over
        every protected record: those are tens of thousands in a county)."""
        n = self.base_size
        out = np.zeros(uids.size, dtype=bool)
        base = uids < n
        out[base] = self.protected_mask[uids[base]]
        for i in np.flatnonzero(~base):
            row = self.added[uids[i] - n]
            out[i] = row is not None and row[C.PERSON_ID] in self.protected_people
        return out

    def match(
        self,
        query: dict,
        variants: list[dict],
        min_probability: float,
        limit: int,
        ssn_last4: str | None = None,
        uids: np.ndarray | None = None,
    ) -> list[Hit]:
        """Persons whose records score at least `min_probability` against `query`, best first.
        uids: the candidates, when the caller has them already."""
        uids = self.candidates(query, variants) if uids is None else uids
        rows = self._rows(uids)
        best: dict[str, tuple[float, int, dict]] = {}
        for uid, row in zip(uids.tolist(), rows):
            if ssn_last4 is not None and row[C.SSN_TAIL] not in (None, ssn_last4):
                continue
            w = self.scorer.weight(query, row, self._unscored(row))
            held = best.get(row[C.PERSON_ID])
            if held is None or w > held[0]:
                best[row[C.PERSON_ID]] = (w, uid, row)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
        hits = []
        for pid, (w, uid, row) in ranked[:limit]:
            p = self.scorer.probability(w)
            if p < min_probability:
                break
            hits.append(Hit(pid, p, uid, self.scorer.explain(query, row, self._unscored(row)), row))
        return hits

    def _unscored(self, row: dict) -> frozenset[str]:
        return self.unscored_when_protected if row[C.PERSON_ID] in self.protected_people else frozenset()

    def _rows(self, uids: np.ndarray) -> list[dict]:
        """The match columns of uids in the given order, from the frame or the overlay."""
        n = self.base_size
        base = uids[uids < n]
        base_rows = iter(self.scoring[base].rows(named=True)) if base.size else iter(())
        return [next(base_rows) if u < n else {c: self._added(u).get(c) for c in MATCH_COLUMNS} for u in uids.tolist()]

    # --- reading ------------------------------------------------------------------------------------
    def frame(self, uids: list[int]) -> pl.DataFrame:
        n = self.base_size
        live = [u for u in uids if u not in self.superseded]
        base = self.records[np.asarray([u for u in live if u < n], dtype=np.int64)]
        extra = [self.added[u - n] for u in live if u >= n and self.added[u - n] is not None]
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
        rows += [{c: rec.get(c) for c in SHOW_COLUMNS} for u in uids if u >= n and (rec := self.added[u - n])]
        out: dict[str, list[dict]] = {pid: [] for pid in person_ids}
        for r in sorted(rows, key=lambda r: (r[C.SOURCE_SYSTEM], r[C.CASE_ID], r[C.RECORD_ID])):
            out[r[C.PERSON_ID]].append(r)
        return out

    def row(self, uid: int) -> dict:
        return self.records.row(uid, named=True) if uid < self.base_size else self._added(uid)

    def _added(self, uid: int) -> dict:
        """A record added through the service; a uid whose record was deleted is a caller's bug."""
        rec = self.added[uid - self.base_size]
        if rec is None:
            raise KeyError(f"record uid {uid} was deleted or replaced")
        return rec

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

    # --- writing ------------------------------------------------------------------------------------
    def add(self, row: dict) -> int:
        """Take in a record (a full index row with person_id); an earlier version with the same
        record_id is superseded and leaves the key overlay. Visible to the next query."""
        with self.lock:
            self._retire(row[C.RECORD_ID])
            uid = self.base_size + len(self.added)
            self.added.append({**row, C.UID: uid})
            self.added_ids[row[C.RECORD_ID]] = uid
            self.keys.add(row, uid)
            self.person_rows.setdefault(row[C.PERSON_ID], []).append(uid)
            self.case_rows.setdefault((row[C.SOURCE_SYSTEM], row[C.CASE_ID]), []).append(uid)
            self.protect([row])
            return uid

    def remove(self, record_id: str) -> bool:
        """Forget an added record (an administrator's delete); False if it was not added here."""
        with self.lock:
            if record_id not in self.added_ids:
                return False
            self._retire(record_id)
            self.added_ids.pop(record_id, None)
            self._index_protected()
            return True

    def _retire(self, record_id: str) -> None:
        old = self.uid_of(record_id)
        if old is None:
            return
        self.superseded.add(old)
        prev = self.row(old)
        for owned in (
            self.person_rows.get(prev[C.PERSON_ID], []),
            self.case_rows.get((prev[C.SOURCE_SYSTEM], prev[C.CASE_ID]), []),
        ):
            if old in owned:
                owned.remove(old)
        if old >= self.base_size:
            self.keys.remove(prev, old)
            self.added[old - self.base_size] = None
            self.superseded.discard(old)  # gone from every list: nothing to filter any more
