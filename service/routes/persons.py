from __future__ import annotations

import polars as pl
from fastapi import APIRouter, HTTPException, Path

from linkage import columns as C
from service.deps import AnyCaller, Db, Index, Purpose
from service.render import display_name, record_out
from service.schemas import FamilyMember, PersonOut

router = APIRouter(prefix="/v1", tags=["persons"])
PersonId = Path(max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


@router.get("/persons/{person_id}", response_model=PersonOut, responses={404: {"description": "no such person"}})
async def person(caller: AnyCaller, index: Index, db: Db, purpose: Purpose, person_id: str = PersonId) -> PersonOut:
    """A person's records in every program, and the people of their cases."""
    rows = index.rows_of(person_id)
    if rows.is_empty():
        raise HTTPException(status_code=404, detail=f"no person {person_id} in the index of run {index.run_id}")
    protected = index.is_protected(person_id)
    family = (
        index.family_rows(person_id, depth=1).filter(pl.col(C.PERSON_ID) != person_id).sort(C.SOURCE_SYSTEM, C.CASE_ID, C.ROLE)
    )
    members = [
        FamilyMember(
            person_id=r[C.PERSON_ID], name=display_name(r), role=r[C.ROLE], source_system=r[C.SOURCE_SYSTEM], case_id=r[C.CASE_ID]
        )
        for r in family.iter_rows(named=True)
    ]
    out = PersonOut(
        person_id=person_id,
        family=members,
        records=[record_out(r, caller, protected) for r in rows.sort(C.SOURCE_SYSTEM, C.CASE_ID).iter_rows(named=True)],
    )
    await db.audited(caller, f"person {person_id}", [person_id, *dict.fromkeys(m.person_id for m in members)], purpose)
    return out
