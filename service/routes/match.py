from __future__ import annotations

from fastapi import APIRouter, Response

from linkage import columns as C
from linkage.standardize.one import standardize_one
from service.deps import AnyCaller, Db, Index, Purpose
from service.evidence import words
from service.render import record_out
from service.schemas import CandidateOut, EvidenceOut, MatchOut, PersonQuery

router = APIRouter(prefix="/v1", tags=["match"])


@router.post("/match", response_model=MatchOut)
async def match(query: PersonQuery, caller: AnyCaller, index: Index, db: Db, purpose: Purpose = None) -> Response:
    """Persons who may be the one described, best first, with their records by program and why."""
    std = standardize_one(query.fields())
    if query.ssn_last4 and std[C.SSN_TAIL] is None:
        std[C.SSN_TAIL] = query.ssn_last4
    variants = [] if query.role else [{**std, C.ROLE_GROUP: "child"}]
    hits = index.match(std, variants, query.min_probability, query.limit, query.ssn_last4)
    candidates = []
    records = index.records_of([hit.person_id for hit in hits])
    for hit in hits:
        rows = records[hit.person_id]
        protected = index.is_protected(hit.person_id, rows)
        candidates.append(CandidateOut(
            person_id=hit.person_id, match_probability=round(hit.probability, 6), best_record_id=hit.row[C.RECORD_ID],
            evidence=[EvidenceOut(**e) for e in words(std, hit.row, hit.evidence, protected)],
            records=[record_out(r, caller, protected) for r in rows]))
    db.audit(caller, "match", [c.person_id for c in candidates], purpose)
    # built and validated above: serialized once here rather than validated again by FastAPI
    return Response(MatchOut(index_run_id=index.run_id, candidates=candidates).model_dump_json(),
                    media_type="application/json")
