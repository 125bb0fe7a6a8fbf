"""Person id changes for case systems that keep person ids: the events of the batch runs after a run."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from starlette.concurrency import run_in_threadpool

from linkage.errors import LinkageError
from linkage.store import read_events, store_connection
from service.auth import Caller
from service.deps import Holder, allow
from service.policy import Role

router = APIRouter(prefix="/v1", tags=["events"])


@router.get("/events")
async def events(
    caller: Annotated[Caller, Depends(allow(Role.IVD, Role.IVA, Role.IVE, Role.ANALYST, Role.ADMIN))],
    holder: Holder,
    since: Annotated[int, Query(ge=0, description="events of the runs after this run id")] = 0,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict:
    """Merges (the id that remains, the ids merged into it), splits (the id split, the ids its parts
    carry now), new and retired ids, oldest run first; ids only, no person data. Page with offset."""

    def read():
        try:
            con = store_connection(holder.settings.db, read_only=True, wait_seconds=2)
        except LinkageError as e:
            raise HTTPException(status_code=503, detail=f"the store is busy (a batch run is writing): {e}") from None
        try:
            return read_events(con, since)
        finally:
            con.close()

    rows = await run_in_threadpool(read)
    page = rows.slice(offset, limit).with_columns(rows["finished_at"].slice(offset, limit).cast(str))
    return {
        "since": since,
        "total": rows.height,
        "offset": offset,
        "events": page.to_dicts(),
        "next_offset": offset + page.height if offset + page.height < rows.height else None,
    }
