from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.auth import Role
from service.deps import AnyCaller, Db, Index, Purpose
from service.intake import take_in
from service.schemas import check_dob, check_ssn

router = APIRouter(prefix="/v1", tags=["records"])
OWN_PROGRAM = {Role.IVD: "IV-D", Role.IVA: "IV-A", Role.IVE: "IV-E"}


class RecordIn(BaseModel):
    """One program record in the schema's columns."""

    model_config = ConfigDict(extra="forbid")

    record_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    source_system: Literal["IV-A", "IV-D", "IV-E"]
    case_id: str = Field(min_length=1, max_length=64)
    role: Literal["CP", "NCP", "PF", "CH"]
    first_name: str | None = Field(default=None, max_length=100)
    middle_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
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


@router.post("/records", response_model=RecordsOut)
def add_records(body: RecordsIn, caller: AnyCaller, index: Index, db: Db, purpose: Purpose = None) -> RecordsOut:
    """Add or update records between batch runs: matched on arrival, visible to the next query; a
    record matched to a known person gets that person's id, a new person an S id kept until the
    next batch run."""
    own = OWN_PROGRAM.get(caller.role)
    if caller.role != Role.ADMIN:
        wrong = [r.record_id for r in body.records if r.source_system != own]
        if wrong:
            raise HTTPException(status_code=403, detail=f"role {caller.role.value} may add only {own or 'no'} records; "
                                f"refused: {', '.join(wrong[:5])}")
    out = []
    for rec in body.records:
        pid, p, replaced = take_in(index, db, rec.model_dump(), caller)
        out.append(Taken(record_id=rec.record_id, person_id=pid, matched_existing_person=p is not None or replaced,
                         match_probability=None if p is None else round(p, 6), replaced_earlier_version=replaced))
    db.audit(caller, "add records", [t.person_id for t in out], purpose)
    return RecordsOut(index_run_id=index.run_id, records=out)
