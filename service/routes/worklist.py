"""The placement worklist on demand: children in an open placement by their permanency date, with each
named father, for the foster-care and child-support roles. No address is in it: only whether one is
known and releasable."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from service.auth import Caller
from service.deps import Db, Index, Purpose, allow
from service.policy import LOCATE_ROLES

router = APIRouter(prefix="/v1", tags=["locate"])


@router.get("/worklist")
async def worklist(
    caller: Annotated[Caller, Depends(allow(LOCATE_ROLES))],
    index: Index,
    db: Db,
    purpose: Purpose,
    as_of: Annotated[date | None, Query(description="the day to count from (default: today)")] = None,
) -> dict:
    """Every child in an open placement in the last batch run's records, most urgent first: months in
    care, the 12-month permanency date, and per named father whether he is identified and located,
    his paternity status and its conflicts, relatives known, and whether a IV-D case exists."""
    day = as_of or date.today()
    rows = await run_in_threadpool(index.worklist, day)
    people = sorted(set(rows["child_person_id"].to_list()) | set(rows["father_person_id"].drop_nulls().to_list()))
    await db.audited(caller, f"worklist as of {day}", people, purpose)
    return {
        "index_run_id": index.run_id,
        "as_of": index.as_of,
        "counted_from": day.isoformat(),
        "children": rows["child_person_id"].n_unique(),
        "rows": rows.to_dicts(),
    }
