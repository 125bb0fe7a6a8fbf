from __future__ import annotations

from typing import Annotated, Literal

import polars as pl
from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from linkage import columns as C
from linkage.cases import CaseConfig, check_referrals
from service.auth import Caller
from service.deps import Db, GuardDep, Index, Purpose, allow, too_many
from service.guard import RateLimited
from service.index import PersonIndex
from service.intake import index_row, person_for
from service.policy import REFERRAL_ROLES, SSN, searchable, watched
from service.routes.records import RecordIn

router = APIRouter(prefix="/v1", tags=["referrals"])


class ReferralPerson(RecordIn):
    """A person of the referral: the record fields without ids (the service numbers them)."""

    record_id: str = Field(default="", max_length=64)
    source_system: Literal["IV-A", "IV-D", "IV-E"] = "IV-A"
    case_id: str = Field(default="", max_length=64)


class ReferralIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    referral_id: str = Field(min_length=1, max_length=64)
    source_system: Literal["IV-A", "IV-E"]
    people: list[ReferralPerson] = Field(min_length=1, max_length=30)


class DecisionOut(BaseModel):
    referral_id: str
    source_system: str
    decision: str
    ivd_case_id: str | None
    score: float
    reasons: str
    other_ivd_case_ids: str | None
    closed_ivd_case_id: str | None
    # fields the referral carried that this role may not search by: left out of the comparison
    fields_not_compared: list[str] = []


@router.post("/referrals/check", response_model=DecisionOut)
def check(
    body: ReferralIn,
    caller: Annotated[Caller, Depends(allow(REFERRAL_ROLES))],
    index: Index,
    db: Db,
    guard: GuardDep,
    purpose: Purpose,
) -> DecisionOut:
    """The batch's referral decision for one referral: does this family already have an open IV-D case?
    A referral arrives as its program exported it: fields the role may not search by (an address,
    for TANF and foster care) are left out of the comparison rather than refused, and named in
    `fields_not_compared` so that the caller knows the decision did not read them. The reasons say
    whether SSNs agree only to a role that sees SSNs; every person the answer names, the
    referral's and the IV-D cases', is audited."""
    given = [p.model_dump() for p in body.people]
    people = [{f: v for f, v in p.items() if searchable(caller.role, f)} for p in given]
    left_out = sorted({f for p in given for f, v in p.items() if v not in (None, "", False) and not searchable(caller.role, f)})
    carried = {f for p in people for f, v in p.items() if v not in (None, "", False)}
    if any(watched(caller.role, f) for f in carried):
        try:
            guard.admit(caller.name, watched=True)
        except RateLimited as e:
            raise too_many(e) from None
    rows = []
    for i, person in enumerate(people):
        fields = {
            **person,
            C.RECORD_ID: f"{body.referral_id}#{i + 1}",
            C.SOURCE_SYSTEM: body.source_system,
            C.CASE_ID: body.referral_id,
        }
        row = index_row(index, fields, "")
        found = person_for(index, row, same_submission=True)
        row[C.PERSON_ID] = found[0] if found else f"NEW#{i + 1}"
        rows.append(row)
    ivd = _ivd_cases_of(index, {r[C.PERSON_ID] for r in rows}, rows)
    records = pl.concat([pl.DataFrame(rows, schema=index.records.schema), ivd]).with_columns(
        pl.int_range(0, pl.len(), dtype=pl.Int64).alias(C.UID)
    )
    pairs = _pairs(index, rows, ivd)
    config = CaseConfig(link_threshold=index.link_threshold, ssn_in_reasons=caller.sees(SSN))
    decision = check_referrals(records, pairs, config).row(0, named=True)
    db.audited_sync(caller, f"referral check {body.referral_id}", _named(rows, ivd, decision), purpose)
    return DecisionOut(**decision, fields_not_compared=left_out)


def _named(rows: list[dict], ivd: pl.DataFrame, decision: dict) -> list[str]:
    """The referral's known persons and everyone in the IV-D cases the decision names."""
    cases = {decision.get(k) for k in ("ivd_case_id", "closed_ivd_case_id")}
    cases |= set((decision.get("other_ivd_case_ids") or "").split())
    cases = {c.strip() for c in cases if c and c.strip()}
    named = ivd.filter(pl.col(C.CASE_ID).is_in(sorted(cases)))[C.PERSON_ID].to_list()
    referral = [r[C.PERSON_ID] for r in rows if not r[C.PERSON_ID].startswith("NEW")]
    return sorted(set(referral) | set(named))


def _ivd_cases_of(index: PersonIndex, person_ids: set[str], rows: list[dict]) -> pl.DataFrame:
    """Every IV-D case holding one of these persons, or a record scoring in the review zone."""
    uids = {u for pid in person_ids for u in index.person_rows.get(pid, [])}
    for row in rows:
        uids |= {hit.uid for hit in index.match(row, [], index.review_threshold, 20)}
    cases = {(index.row(u)[C.SOURCE_SYSTEM], index.row(u)[C.CASE_ID]) for u in uids}
    members = sorted({u for key in cases if key[0] == "IV-D" for u in index.case_rows.get(key, [])})
    return index.frame(members)


def _pairs(index: PersonIndex, rows: list[dict], ivd: pl.DataFrame) -> pl.DataFrame:
    """Model scores between the referral's records and the candidate cases' records (review zone up)."""
    out = []
    for other in ivd.rows(named=True):
        for row in rows:
            w = index.scorer.weight(row, other)
            p = index.scorer.probability(w)
            if p >= index.review_threshold:
                out.append((row[C.RECORD_ID], other[C.RECORD_ID], w, p, "service"))
    return pl.DataFrame(
        out,
        schema={
            "record_id_l": pl.String,
            "record_id_r": pl.String,
            "match_weight": pl.Float64,
            "match_probability": pl.Float64,
            "match_key": pl.String,
        },
        orient="row",
    )
