from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from service.auth import Caller
from service.deps import AnyCaller, Db, Holder, Purpose, allow, loaded
from service.intake import WriteRefused, check_writes, take_in
from service.policy import ADMIN_ROLES, OWN_PROGRAM, may_write
from service.schemas import Name, check_dob, check_parent_age, check_ssn

router = APIRouter(prefix="/v1", tags=["records"])


class RecordIn(BaseModel):
    """One program record in the schema's columns."""

    model_config = ConfigDict(extra="forbid")

    record_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    source_system: Literal["IV-A", "IV-D", "IV-E"]
    case_id: str = Field(min_length=1, max_length=64)
    role: Literal["CP", "NCP", "PF", "CH"]
    first_name: Name = None
    middle_name: Name = None
    last_name: Name = None
    suffix: str | None = Field(default=None, max_length=10)
    dob: str | None = Field(default=None, max_length=10)
    sex: Literal["M", "F"] | None = None
    ssn: str | None = Field(default=None, max_length=11)
    street: str | None = Field(default=None, max_length=100)
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=20)
    zip: str | None = Field(default=None, max_length=10)
    case_status: Literal["OPEN", "CLOSED"] = "OPEN"
    paternity_status: Literal["ADJUDICATED", "ACKNOWLEDGED", "PRESUMED", "ALLEGED", "DISPROVED"] | None = None
    fvi: bool = False

    _dob = field_validator("dob")(check_dob)
    _ssn = field_validator("ssn")(check_ssn)

    @model_validator(mode="after")
    def _parent_age(self) -> RecordIn:
        check_parent_age(self.role, self.dob)
        return self


class RecordsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    records: list[RecordIn] = Field(min_length=1, max_length=100)


class Taken(BaseModel):
    record_id: str
    person_id: str
    matched_existing_person: bool
    match_probability: float | None
    replaced_earlier_version: bool


class RecordsOut(BaseModel):
    index_run_id: int
    records: list[Taken]


@router.post("/records", response_model=RecordsOut, responses={409: {"description": "a record_id another program holds"}})
def add_records(body: RecordsIn, caller: AnyCaller, holder: Holder, db: Db, purpose: Purpose, request: Request) -> RecordsOut:
    """Add or update records of the caller's own program between batch runs: matched on arrival,
    visible to the next query; a record matched to a known person gets that person's id, a new
    person an S id kept until the next batch run."""
    wrong = [r.record_id for r in body.records if not may_write(caller.role, r.source_system)]
    if wrong:
        own = OWN_PROGRAM.get(caller.role)
        raise HTTPException(
            status_code=403,
            detail=f"role {caller.role.value} may add only {own or 'no'} records; refused: {', '.join(wrong[:5])}",
        )
    quota = request.app.state.settings.max_added_per_key
    out = []
    with holder.write_lock:
        index = loaded(holder)
        try:
            check_writes(index, db, [rec.model_dump() for rec in body.records], caller, quota)
        except WriteRefused as e:
            db.audited_sync(caller, f"refused write: {e}", [], purpose)
            raise HTTPException(status_code=e.status, detail=str(e)) from None
        for rec in body.records:
            pid, p, replaced = take_in(index, db, rec.model_dump(), caller)
            out.append(
                Taken(
                    record_id=rec.record_id,
                    person_id=pid,
                    matched_existing_person=p is not None or replaced,
                    match_probability=None if p is None else round(p, 6),
                    replaced_earlier_version=replaced,
                )
            )
    db.audited_sync(caller, "add records", [t.person_id for t in out], purpose)
    return RecordsOut(index_run_id=index.run_id, records=out)


@router.delete("/records/{record_id}", status_code=204, responses={404: {"description": "not a record added here"}})
def delete_record(
    caller: Annotated[Caller, Depends(allow(ADMIN_ROLES))],
    holder: Holder,
    db: Db,
    purpose: Purpose,
    record_id: Annotated[str, PathParam(max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")],
) -> Response:
    """Forget a record added through the API (administrators): batch records are the programs' own."""
    with holder.write_lock:
        removed = loaded(holder).remove(record_id)
        if removed:
            db.delete_added(record_id)
    if not removed:
        raise HTTPException(
            status_code=404,
            detail=f"{record_id} is not a record added through the service "
            "(batch records change only in the programs' own extracts)",
        )
    db.audited_sync(caller, f"delete added record {record_id}", [], purpose)
    return Response(status_code=204)
