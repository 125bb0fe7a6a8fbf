"""Locating a father: from a child's record to every man named as its father (NCP or PF) in its
cases, where he was last known to live according to each program, and his relatives known here.

Who the Family Violence Indicator protects is `linkage.protection`'s to say (the person, their
household and anyone known where they are); for a protected person no address leaves this module,
only `WITHHELD`.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import polars as pl

from linkage import columns as C
from linkage.cases.members import CHILD, FATHER, case_members
from linkage.cases.relatives import parent_edges, relatives
from linkage.errors import LookupFailedError
from linkage.protection import LOCATION_FIELDS, WITHHELD, protected_persons


@dataclass(frozen=True)
class Address:
    street: str | None
    city: str | None
    state: str | None
    zip: str | None
    sources: tuple[str, ...]  # "IV-D case D123 (NCP record R9)"


@dataclass(frozen=True)
class CaseRole:
    source_system: str
    case_id: str
    role: str
    case_status: str
    paternity_status: str | None


@dataclass
class Located:
    """A person with where they are known to be, or why that is withheld."""

    person_id: str
    name: str
    cases: list[CaseRole]
    addresses: list[Address] = field(default_factory=list)
    location_withheld: str | None = None


@dataclass
class Relative:
    person: Located
    relationship: str  # "paternal grandmother", "father's sibling", "half-sibling (father's child)"
    side: str = ""  # paternal / maternal: through which parent


@dataclass
class Father:
    person: Located
    paternity_status: str | None  # the strongest across the child's IV-D cases
    relatives: list[Relative] = field(default_factory=list)


@dataclass
class LocateAnswer:
    child: Located
    fathers: list[Father]
    note: str | None = None
    mothers: list[Located] = field(default_factory=list)
    relatives: list[Relative] = field(default_factory=list)  # every side: grandparents, aunts, siblings

    def person_ids(self) -> list[str]:
        ids = [self.child.person_id, *(p.person_id for p in self.mothers)]
        for f in self.fathers:
            ids += [f.person.person_id] + [r.person.person_id for r in f.relatives]
        ids += [r.person.person_id for r in self.relatives]
        return list(dict.fromkeys(ids))


PATERNITY_RANK = {"ADJUDICATED": 0, "ACKNOWLEDGED": 1, "PRESUMED": 2, "ALLEGED": 3, "DISPROVED": 4}


def locate_father(records: pl.DataFrame, record_id: str, protected: AbstractSet[str] | None = None) -> LocateAnswer:
    """The locate answer for the child of `record_id` (linked records with person_id).

    protected: person ids the indicator protects (`protection.protected_persons` of all records);
    give it when `records` holds only this family's part of the data."""
    m = with_sex(case_members(records), records)
    hit = m.filter(pl.col(C.RECORD_ID) == record_id)
    if hit.is_empty():
        raise LookupFailedError(f"record_id {record_id!r} is not in the linked records of the store")
    child_id = hit[C.PERSON_ID][0]
    child_rows = m.filter((pl.col(C.PERSON_ID) == child_id) & (pl.col("side") == CHILD))
    if child_rows.is_empty():
        raise LookupFailedError(
            f"record_id {record_id!r} is not a child (role CH) in any case; locate starts from a child's record"
        )
    cases = child_rows.select(C.SOURCE_SYSTEM, C.CASE_ID).unique()
    men = m.join(cases, on=[C.SOURCE_SYSTEM, C.CASE_ID]).filter(pl.col("side") == FATHER)
    protected = protected_persons(m) if protected is None else protected
    child = _located(m, child_id, protected, with_location=False)
    kin = relatives(m, [child_id])
    located: dict[str, Located] = {}

    def person(pid: str) -> Located:
        if pid not in located:
            located[pid] = _located(m, pid, protected)
        return located[pid]

    fathers = [
        _father(person(pid), men.filter(pl.col(C.PERSON_ID) == pid), kin, person)
        for pid in men.sort(C.PERSON_ID)[C.PERSON_ID].unique(maintain_order=True).to_list()
    ]
    fathers.sort(key=lambda f: (PATERNITY_RANK.get(f.paternity_status or "", 9), f.person.person_id))
    note = None if fathers else "no NCP or putative father is named in any case of this child"
    mothers = parent_edges(m).filter((pl.col("child") == child_id) & (pl.col("kind") == "mother"))["parent"].sort().to_list()
    every = [Relative(person(r["relative_person_id"]), r["relationship"], r["side"] or "") for r in kin.iter_rows(named=True)]
    return LocateAnswer(child, fathers, note, [person(p) for p in mothers], every)


def with_sex(m: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """Case members with the standardized sex as `sex` (a store without it: unknown)."""
    sex = records[C.SEX_STD] if C.SEX_STD in records.columns else pl.Series([None] * records.height, dtype=pl.String)
    return m.with_columns(sex.alias("sex"))


def _father(person: Located, named: pl.DataFrame, kin: pl.DataFrame, located) -> Father:
    """His strongest IV-D paternity status, and the relatives the child has through him (his parents and
    siblings from his own childhood cases, his other children and their custodial parents)."""
    ivd = named.filter(pl.col(C.SOURCE_SYSTEM) == "IV-D")[C.PATERNITY_STATUS].drop_nulls().to_list()
    paternity = min(ivd, key=lambda s: PATERNITY_RANK.get(s, 9)) if ivd else None
    through = kin.filter(pl.col("through_person_id") == person.person_id)
    return Father(
        person,
        paternity,
        [Relative(located(r["relative_person_id"]), r["relationship"], r["side"] or "") for r in through.iter_rows(named=True)],
    )


def _located(m: pl.DataFrame, pid: str, protected: AbstractSet[str], with_location: bool = True) -> Located:
    rows = m.filter(pl.col(C.PERSON_ID) == pid).sort(C.SOURCE_SYSTEM, C.CASE_ID, C.RECORD_ID)
    name = rows["name"].mode().sort()[0] if rows.height else ""
    cases = [
        CaseRole(r[C.SOURCE_SYSTEM], r[C.CASE_ID], r[C.ROLE], r[C.CASE_STATUS], r[C.PATERNITY_STATUS])
        for r in rows.iter_rows(named=True)
    ]
    person = Located(pid, name, cases)
    if pid in protected or bool(rows[C.FVI_FLAG].any()):
        person.location_withheld = WITHHELD
    elif with_location:
        person.addresses = _addresses(rows)
    return person


def _addresses(rows: pl.DataFrame) -> list[Address]:
    known = rows.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in LOCATION_FIELDS))
    grouped: dict[tuple[str | None, str | None, str | None, str | None], list[str]] = {}
    for r in known.iter_rows(named=True):
        street, city, state, zip_ = ((r[c] or "").strip().upper() or None for c in (C.STREET, C.CITY, C.STATE, C.ZIP))
        key = (street, city, state, zip_)
        grouped.setdefault(key, []).append(f"{r[C.SOURCE_SYSTEM]} case {r[C.CASE_ID]} ({r[C.ROLE]} record {r[C.RECORD_ID]})")
    return [Address(*key, sources=tuple(src)) for key, src in grouped.items()]
