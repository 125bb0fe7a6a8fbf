from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from starlette.concurrency import run_in_threadpool

from linkage import columns as C
from service.auth import Caller
from service.deps import AnyCaller, Db, GuardDep, Index, Purpose, too_many
from service.evidence import hidden, words
from service.guard import Guard, RateLimited, fingerprint
from service.index import Hit, PersonIndex
from service.policy import searchable, watched
from service.render import record_out
from service.schemas import CandidateOut, EvidenceOut, MatchOut, PersonQuery
from service.servicedb import ServiceDb

router = APIRouter(prefix="/v1", tags=["match"])
HEAVY = 400  # candidates beyond which scoring leaves the event loop, so one query cannot stall others


@router.post("/match", response_model=MatchOut)
async def match(query: PersonQuery, caller: AnyCaller, index: Index, db: Db, guard: GuardDep, purpose: Purpose) -> Response:
    """Persons who may be the one described, best first, with their records by program and why."""
    given = query.given()
    refused = [f for f in given if not searchable(caller.role, f)]
    if refused:
        raise HTTPException(
            status_code=403,
            detail=f"role {caller.role.value} may not search by "
            f"{', '.join(refused)} (a role may only search by what it may see; see the README)",
        )
    watching = [f for f in given if watched(caller.role, f)]
    if watching:
        try:
            guard.admit(caller.name, watched=True)
        except RateLimited as e:
            raise too_many(e) from None
    std = index.standardize(query.fields())
    if query.ssn_last4 and std[C.SSN_TAIL] is None:
        std[C.SSN_TAIL] = query.ssn_last4
    variants = [] if query.role else [{**std, C.ROLE_GROUP: "child"}]
    uids = index.candidates(std, variants)
    args = (std, variants, query.min_probability, query.limit, query.ssn_last4, uids)
    hits = await run_in_threadpool(index.match, *args) if len(uids) > HEAVY else index.match(*args)
    if watching:
        await _watch(guard, db, caller, query, std, hits, index, watching, purpose)
    candidates = []
    records = index.records_of([hit.person_id for hit in hits])
    hide = hidden(caller, index.unscored_when_protected)
    for hit in hits:
        protected = index.is_protected(hit.person_id)
        candidates.append(
            CandidateOut(
                person_id=hit.person_id,
                match_probability=round(hit.probability, 6),
                best_record_id=hit.row[C.RECORD_ID],
                evidence=[EvidenceOut(**e) for e in words(std, hit.row, hit.evidence, hide)],
                records=[record_out(r, caller, protected) for r in records[hit.person_id]],
            )
        )
    await db.audited(caller, "match", [c.person_id for c in candidates], purpose)
    # built and validated above: serialized once here rather than validated again by FastAPI
    return Response(MatchOut(index_run_id=index.run_id, candidates=candidates).model_dump_json(), media_type="application/json")


async def _watch(
    guard: Guard,
    db: ServiceDb,
    caller: Caller,
    query: PersonQuery,
    std: dict,
    hits: list[Hit],
    index: PersonIndex,
    fields: list[str],
    purpose: str,
) -> None:
    """Count the watched values against the query's subject (its name and date of birth) and the
    person it found; lock the key and raise an alert when it is enumerating."""
    subjects = []
    if any(std.get(c) for c in (C.FN, C.SN, C.DOB_STR)):
        subjects.append("q:" + fingerprint(std.get(C.FN), std.get(C.SN), std.get(C.DOB_STR)))
    if hits and hits[0].probability >= index.review_threshold:
        subjects.append("p:" + hits[0].person_id)
    for f in fields:
        if guard.observe(caller.name, f, str(getattr(query, f)), subjects):
            guard.locked.add(caller.name)
            alert = db.raise_alert(
                caller,
                "enumeration",
                f"{guard.limits.max_values} values of {f} tried against one "
                f"person within {guard.limits.window_seconds / 60:g} minutes",
            )
            await db.audited(caller, f"refused: enumeration alert {alert}", [], purpose)
            raise HTTPException(
                status_code=403,
                detail=f"this key tried {guard.limits.max_values} values of {f} "
                "against one person: it is locked and an administrator has been alerted "
                f"(alert {alert})",
            )
