"""Locating a father: from a child's record to every man named as its father (NCP or PF) in its
cases, where he was last known to live according to each program, and his relatives known here.

Who the Family Violence Indicator protects is `linkage.protection`'s to say (the person, their
household and anyone known where they are); for a protected person no address leaves this module,
only `WITHHELD`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from linkage import columns as C
from linkage.cases.members import CHILD, CP, FATHER, case_members
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
    relationship: str  # "half-sibling (father's child)", "custodial parent of father's child"


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

    def person_ids(self) -> list[str]:
        ids = [self.child.person_id]
        for f in self.fathers:
            ids += [f.person.person_id] + [r.person.person_id for r in f.relatives]
        return list(dict.fromkeys(ids))


PATERNITY_RANK = {"ADJUDICATED": 0, "ACKNOWLEDGED": 1, "PRESUMED": 2, "ALLEGED": 3, "DISPROVED": 4}


def locate_father(records: pl.DataFrame, record_id: str, protected: set[str] | None = None) -> LocateAnswer:
    """The locate answer for the child of `record_id` (linked records with person_id).

    protected: person ids the indicator protects (`protection.protected_persons` of all records);
    give it when `records` holds only this family's part of the data."""
    m = case_members(records)
    hit = m.filter(pl.col(C.RECORD_ID) == record_id)
    if hit.is_empty():
        raise LookupFailedError(f"record_id {record_id!r} is not in the linked records of the store")
    child_id = hit[C.PERSON_ID][0]
    child_rows = m.filter((pl.col(C.PERSON_ID) == child_id) & (pl.col("side") == CHILD))
    if child_rows.is_empty():
        raise LookupFailedError(f"record_id {record_id!r} is not a child (role CH) in any case; "
                                "locate starts from a child's record")
    cases = child_rows.select(C.SOURCE_SYSTEM, C.CASE_ID).unique()
    men = m.join(cases, on=[C.SOURCE_SYSTEM, C.CASE_ID]).filter(pl.col("side") == FATHER)
    protected = protected_persons(m) if protected is None else protected
    child = _located(m, child_id, protected, with_location=False)
    fathers = [_father(m, pid, men.filter(pl.col(C.PERSON_ID) == pid), child_id, protected)
               for pid in men.sort(C.PERSON_ID)[C.PERSON_ID].unique(maintain_order=True).to_list()]
    fathers.sort(key=lambda f: (PATERNITY_RANK.get(f.paternity_status or "", 9), f.person.person_id))
    note = None if fathers else "no NCP or putative father is named in any case of this child"
    return LocateAnswer(child, fathers, note)


def _father(m: pl.DataFrame, pid: str, named: pl.DataFrame, child_id: str, protected: set[str]) -> Father:
    ivd = named.filter(pl.col(C.SOURCE_SYSTEM) == "IV-D")[C.PATERNITY_STATUS].drop_nulls().to_list()
    paternity = min(ivd, key=lambda s: PATERNITY_RANK.get(s, 9)) if ivd else None
    return Father(_located(m, pid, protected), paternity, _relatives(m, pid, child_id, protected))


def _relatives(m: pl.DataFrame, father_id: str, child_id: str, protected: set[str]) -> list[Relative]:
    """The father's other children and their custodial parents, from the IV-D cases naming him (a TANF
    case lists all of a mother's children, whoever their fathers are; a IV-D case is one father's)."""
    his_cases = (m.filter((pl.col(C.PERSON_ID) == father_id) & (pl.col("side") == FATHER) & (pl.col(C.SOURCE_SYSTEM) == "IV-D"))
                 .select(C.SOURCE_SYSTEM, C.CASE_ID).unique())
    people = m.join(his_cases, on=[C.SOURCE_SYSTEM, C.CASE_ID]).filter(pl.col(C.PERSON_ID) != child_id)
    out: list[Relative] = []
    for side, relationship in ((CHILD, "father's other child"), (CP, "custodial parent of the father's children")):
        ids = people.filter(pl.col("side") == side).sort(C.PERSON_ID)[C.PERSON_ID].unique(maintain_order=True).to_list()
        out += [Relative(_located(m, pid, protected), relationship) for pid in ids if pid != father_id]
    return out


def _located(m: pl.DataFrame, pid: str, protected: set[str], with_location: bool = True) -> Located:
    rows = m.filter(pl.col(C.PERSON_ID) == pid).sort(C.SOURCE_SYSTEM, C.CASE_ID, C.RECORD_ID)
    name = rows["name"].mode().sort()[0] if rows.height else ""
    cases = [CaseRole(r[C.SOURCE_SYSTEM], r[C.CASE_ID], r[C.ROLE], r[C.CASE_STATUS], r[C.PATERNITY_STATUS])
             for r in rows.iter_rows(named=True)]
    person = Located(pid, name, cases)
    if pid in protected or bool(rows[C.FVI_FLAG].any()):
        person.location_withheld = WITHHELD
    elif with_location:
        person.addresses = _addresses(rows)
    return person


def _addresses(rows: pl.DataFrame) -> list[Address]:
    known = rows.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in LOCATION_FIELDS))
    grouped: dict[tuple, list[str]] = {}
    for r in known.iter_rows(named=True):
        key = tuple((r[c] or "").strip().upper() or None for c in (C.STREET, C.CITY, C.STATE, C.ZIP))
        grouped.setdefault(key, []).append(f"{r[C.SOURCE_SYSTEM]} case {r[C.CASE_ID]} ({r[C.ROLE]} record {r[C.RECORD_ID]})")
    return [Address(*key, sources=tuple(src)) for key, src in grouped.items()]
