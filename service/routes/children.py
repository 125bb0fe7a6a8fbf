from __future__ import annotations

import dataclasses
from typing import Annotated

import polars as pl
from fastapi import APIRouter, Depends, HTTPException, Path

from linkage import columns as C
from linkage.cases.locate import locate_father
from service.auth import Caller
from service.deps import Db, Index, Purpose, allow
from service.policy import LOCATE_ROLES

router = APIRouter(prefix="/v1", tags=["locate"])


@router.get("/children/{person_id}/father", responses={404: {"description": "no such child"}})
def father(
    caller: Annotated[Caller, Depends(allow(LOCATE_ROLES))],
    index: Index,
    db: Db,
    purpose: Purpose,
    person_id: Annotated[str, Path(max_length=40, pattern=r"^[A-Za-z0-9_-]+$")],
) -> dict:
    """Every NCP and PF of the child's cases: paternity, addresses by program with their source and
    the date of the batch run they are known from (`as_of`), relatives. A person protected by the
    Family Violence Indicator: location withheld, for everyone."""
    rows = index.family_rows(person_id)
    child = rows.filter((pl.col(C.PERSON_ID) == person_id) & (pl.col(C.ROLE) == "CH"))
    if child.is_empty():
        status = 404 if rows.is_empty() else 422
        raise HTTPException(status_code=status, detail=f"{person_id} is not a child (role CH) in any case of the index")
    answer = locate_father(rows, child[C.RECORD_ID][0], protected=index.protected_people)
    db.audited_sync(caller, f"locate father of {person_id}", answer.person_ids(), purpose)
    return {"index_run_id": index.run_id, "as_of": index.as_of, **dataclasses.asdict(answer)}
