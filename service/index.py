"""The service's in-memory index: the last complete batch run's records, the same key rules and the
same model, answering one record at a time without SQL.

Built whole from the store and swapped in by reference: a request holds the index it started with,
so a rebuild never changes an answer half-way.
"""
from __future__ import annotations

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
from linkage.store import CurrentResult

RULE_COLUMNS = tuple(dict.fromkeys(c for r in DEFAULT_RULES for c in r.columns))
DISPLAY_COLUMNS = (C.RECORD_ID, C.PERSON_ID, C.SOURCE_SYSTEM, C.CASE_ID, C.ROLE, C.CASE_STATUS, C.PATERNITY_STATUS,
                   C.FVI_FLAG, C.FIRST_NAME, C.MIDDLE_NAME, C.LAST_NAME, C.SUFFIX, C.DOB_DATE, C.STREET, C.CITY,
                   C.STATE, C.ZIP)
INDEX_COLUMNS = tuple(dict.fromkeys((*DISPLAY_COLUMNS, *COMPARISON_COLUMNS, *RULE_COLUMNS, C.SSN_TAIL)))


PROTECTED = "_protected"


def protected_persons(records: pl.DataFrame) -> pl.Expr:
    """Per record: its person has the Family Violence Indicator set anywhere, or is known at an
    address where a person who has it is known."""
    fvi_people = records.filter(pl.col(C.FVI_FLAG))[C.PERSON_ID].unique()
    places = pl.Series(sorted(protected_places(records)), dtype=pl.String)
    here = pl.col(C.PERSON_ID).is_in(fvi_people.implode()) | place_key().is_in(places.implode())
    return here.fill_null(False).any().over(C.PERSON_ID)


@dataclass(frozen=True)
class Hit:
    """A candidate person: the best-scoring record of theirs and why."""

    person_id: str
    probability: float
    uid: int
    evidence: list[Evidence]


@dataclass
class PersonIndex:
    run_id: int
    records: pl.DataFrame  # row position = uid
    keys: KeyIndex
    scorer: PairScorer
    link_threshold: float
    person_rows: dict[str, list[int]]
    case_rows: dict[tuple[str, str], list[int]]
    protected_places: set[str]
    built_at: float = field(default_factory=time.time)

    @classmethod
    def build(cls, current: CurrentResult, model: SavedModel) -> "PersonIndex":
        cols = [c for c in INDEX_COLUMNS if c in current.records.columns]
        records = current.records.select(cols).with_columns(pl.int_range(0, pl.len(), dtype=pl.Int64).alias(C.UID))
        records = records.with_columns(protected_persons(records).alias(PROTECTED))
        splink = for_record_count(model.splink, model.meta.trained_records, records.height)
        scorer = PairScorer.from_records(splink, records)
        groups = records.group_by(C.PERSON_ID).agg(pl.col(C.UID))
        person_rows = dict(zip(groups[C.PERSON_ID].to_list(), groups[C.UID].to_list()))
        cases = records.group_by(C.SOURCE_SYSTEM, C.CASE_ID).agg(pl.col(C.UID))
        case_rows = dict(zip(zip(cases[C.SOURCE_SYSTEM].to_list(), cases[C.CASE_ID].to_list()), cases[C.UID].to_list()))
        return cls(current.run_id, records, KeyIndex(records, DEFAULT_RULES), scorer, current.link_threshold,
                   person_rows, case_rows, protected_places(records))

    @property
    def size(self) -> int:
        return self.records.height

    def match(self, query: dict, variants: list[dict], min_probability: float, limit: int,
              ssn_last4: str | None = None) -> list[Hit]:
        """Persons whose records score at least `min_probability` against `query`, best first."""
        uids = self.keys.candidates(query, variants)
        if ssn_last4 is not None and uids.size:
            tails = self.records[C.SSN_TAIL].gather(uids)
            uids = uids[(tails.is_null() | (tails == ssn_last4)).to_numpy()]
        if not uids.size:
            return []
        rows = self.records.select(*COMPARISON_COLUMNS, C.PERSON_ID)[uids].rows(named=True)
        best: dict[str, tuple[float, int, dict]] = {}
        for uid, row in zip(uids.tolist(), rows):
            w = self.scorer.weight(query, row)
            held = best.get(row[C.PERSON_ID])
            if held is None or w > held[0]:
                best[row[C.PERSON_ID]] = (w, uid, row)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
        hits = []
        for pid, (w, uid, row) in ranked[:limit]:
            p = self.scorer.probability(w)
            if p < min_probability:
                break
            hits.append(Hit(pid, p, uid, self.scorer.explain(query, row)))
        return hits

    def rows_of(self, person_id: str) -> pl.DataFrame:
        uids = self.person_rows.get(person_id)
        return self.records[np.asarray(uids, dtype=np.int64)] if uids else self.records.clear()

    def row(self, uid: int) -> dict:
        return self.records.row(uid, named=True)

    def family_rows(self, person_id: str, depth: int = 2) -> pl.DataFrame:
        """All records of the people reachable from `person_id` through shared cases, `depth` steps
        out: a child, its cases' people, and their cases' people (a father's other families)."""
        people, frontier = {person_id}, {person_id}
        for _ in range(depth):
            cases = {(self.records[C.SOURCE_SYSTEM][u], self.records[C.CASE_ID][u])
                     for pid in frontier for u in self.person_rows.get(pid, [])}
            reached = {self.records[C.PERSON_ID][u] for key in cases for u in self.case_rows.get(key, [])}
            frontier = reached - people
            people |= reached
        uids = sorted(u for pid in people for u in self.person_rows.get(pid, []))
        return self.records[np.asarray(uids, dtype=np.int64)]
