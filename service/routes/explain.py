"""Why two records did or did not become one person, for a caller who may see both: the words say
nothing of what the role may not see (SSNs, addresses), and nothing of a protected person's location."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from linkage import columns as C
from linkage.errors import LinkageError
from linkage.persons.explain import explain as explain_pair
from linkage.store import store_connection
from linkage.store.review import read_labels
from service.auth import Caller
from service.deps import Db, Holder, Index, Purpose, allow
from service.evidence import hidden
from service.index import PersonIndex
from service.policy import Role

router = APIRouter(prefix="/v1", tags=["explain"])
RECORD_ID = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")


class ExplainRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    record_a: Annotated[str, RECORD_ID]
    record_b: Annotated[str, RECORD_ID]


@router.post("/explain", responses={404: {"description": "no such record"}})
async def explain(
    body: ExplainRequest,
    caller: Annotated[Caller, Depends(allow(Role.IVD, Role.IVA, Role.IVE, Role.ANALYST))],
    index: Index,
    holder: Holder,
    db: Db,
    purpose: Purpose,
) -> dict:
    """Whether blocking compares the two records, the score comparison by comparison, the chain of
    links that joined them or what kept them apart, and which single change would flip it."""
    ids = [body.record_a, body.record_b]
    rows = index.records.filter(pl.col(C.RECORD_ID).is_in(ids))
    if rows.height < 2:
        missing = sorted(set(ids) - set(rows[C.RECORD_ID].to_list()))
        raise HTTPException(status_code=404, detail=f"record_id {', '.join(missing)} is not in the last batch run")
    persons = rows[C.PERSON_ID].to_list()
    hide = hidden(caller, index.unscored_when_protected)
    if any(index.is_protected(p) for p in persons):
        hide |= index.unscored_when_protected
    pairs, reviewed = await run_in_threadpool(_store_pairs, holder.settings.db, index, persons)
    answer = await run_in_threadpool(
        explain_pair,
        index.records,
        pairs,
        reviewed,
        None,
        index.link_threshold,
        body.record_a,
        body.record_b,
        hide,
        None,
        index.scorer,
    )
    await db.audited(caller, f"explain {body.record_a} {body.record_b}", sorted(set(persons)), purpose)
    return {"index_run_id": index.run_id, **answer.as_dict()}


def _store_pairs(store: Path, index: PersonIndex, persons: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The run's scored pairs and reviewers' decisions among the two persons' records."""
    members = index.records.filter(pl.col(C.PERSON_ID).is_in(persons))[C.RECORD_ID].to_list()
    try:
        con = store_connection(store, read_only=True, wait_seconds=2)
    except LinkageError as e:
        raise HTTPException(status_code=503, detail=f"the store is busy (a batch run is writing): {e}") from None
    try:
        pairs = con.sql(
            "SELECT * FROM pairs WHERE list_contains($m, record_id_l) AND list_contains($m, record_id_r)", params={"m": members}
        ).pl()
        reviewed = read_labels(con).filter(pl.col("record_id_l").is_in(members) & pl.col("record_id_r").is_in(members))
    finally:
        con.close()
    return pairs, reviewed
