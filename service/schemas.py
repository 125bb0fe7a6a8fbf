"""Request and response shapes. Requests forbid unknown fields and bound every string: a typo in a
field name is a 422 that names it, not a silently ignored filter."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from linkage import columns as C
from linkage.ingest.validate import EARLIEST_DOB, MIN_PARENT_AGE, years_before
from linkage.protection import LOCATION_FIELDS
from linkage.standardize.one import parse_date

Text = Field(default=None, max_length=100)
MAX_NAME_TOKENS = 6  # a name's words: each is a key and a comparison, so a query's work is bounded


def check_name(v: str | None) -> str | None:
    if v is not None and len(re.findall(r"[^\s\-',.]+", v)) > MAX_NAME_TOKENS:
        raise ValueError(f"a name of more than {MAX_NAME_TOKENS} words; give the name as the program has it")
    return v


Name = Annotated[str | None, Field(max_length=60), AfterValidator(check_name)]


def check_dob(v: str | None) -> str | None:
    if v is not None and v.strip():
        d = parse_date(v.strip())
        if d is None:
            raise ValueError("not a date: use YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD")
        if d > date.today():
            raise ValueError("a date of birth in the future")
        if d < EARLIEST_DOB:
            raise ValueError("a date of birth before 1900")
    return v


def check_parent_age(role: str, dob: str | None) -> None:
    """A parent (CP, NCP, PF) younger than MIN_PARENT_AGE holds a child's or the case's date: the
    batch blanks such a date and counts it; a caller adding one record is told, to correct it."""
    d = parse_date(dob.strip()) if dob and dob.strip() else None
    if role in C.PARENT_ROLES and d is not None and d > years_before(date.today(), MIN_PARENT_AGE):
        raise ValueError(f"dob: a parent ({role}) younger than {MIN_PARENT_AGE}: a child's or the case's date typed in?")


def check_ssn(v: str | None) -> str | None:
    if v is not None and v.strip() and not re.fullmatch(r"[0-9]{3}-?[0-9]{2}-?[0-9]{4}", v.strip()):
        raise ValueError("an SSN is 9 digits, dashes allowed")
    return v


class PersonQuery(BaseModel):
    """Any subset of the schema's person fields; at least a name, a date of birth or an SSN."""

    model_config = ConfigDict(extra="forbid")

    first_name: Name = None
    middle_name: Name = None
    last_name: Name = None
    suffix: str | None = Field(default=None, max_length=10)
    dob: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD")
    sex: Literal["M", "F", "m", "f"] | None = None
    ssn: str | None = Field(default=None, max_length=11, description="9 digits, dashes allowed")
    ssn_last4: str | None = Field(default=None, pattern=r"^[0-9]{4}$")
    street: str | None = Text
    city: str | None = Text
    state: str | None = Field(default=None, max_length=20)
    zip: str | None = Field(default=None, max_length=10)
    role: Literal["CP", "NCP", "PF", "CH"] | None = None
    min_probability: float = Field(default=0.5, ge=0.0, le=1.0)
    limit: int = Field(default=10, ge=1, le=50)

    _dob = field_validator("dob")(check_dob)
    _ssn = field_validator("ssn")(check_ssn)

    @model_validator(mode="after")
    def _something_to_match(self) -> PersonQuery:
        if not any((self.first_name, self.last_name, self.dob, self.ssn, self.ssn_last4)):
            raise ValueError("give at least a name, a date of birth or an SSN")
        return self

    def fields(self) -> dict:
        return self.model_dump(exclude={"min_probability", "limit", "ssn_last4"})

    def given(self) -> list[str]:
        """The fields this query carries a value in."""
        return [k for k, v in self.model_dump(exclude={"min_probability", "limit"}).items() if v not in (None, "")]


class AddressOut(BaseModel):
    street: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


# A location field added to `protection.LOCATION_FIELDS` (a phone number) must be shown and withheld
# with the rest: the service does not start until this model has it too.
if tuple(AddressOut.model_fields) != LOCATION_FIELDS:
    raise RuntimeError(f"service.schemas.AddressOut has {tuple(AddressOut.model_fields)}, not LOCATION_FIELDS {LOCATION_FIELDS}")


class RecordOut(BaseModel):
    record_id: str
    source_system: str
    case_id: str
    role: str
    case_status: str | None
    paternity_status: str | None
    name: str
    dob: str | None
    ssn_last4: str | None = None
    address: AddressOut | None = None
    address_withheld: str | None = None


class EvidenceOut(BaseModel):
    field: str
    agreement: str
    text: str
    weight: float


class CandidateOut(BaseModel):
    person_id: str
    match_probability: float
    best_record_id: str
    evidence: list[EvidenceOut]
    records: list[RecordOut]


class MatchOut(BaseModel):
    index_run_id: int
    candidates: list[CandidateOut]


class FamilyMember(BaseModel):
    person_id: str
    name: str
    role: str
    source_system: str
    case_id: str


class PersonOut(BaseModel):
    person_id: str
    records: list[RecordOut]
    family: list[FamilyMember]


class Health(BaseModel):
    status: str
    index_run_id: int | None = None
    records: int | None = None
    model: str | None = None  # model version and digest the answers come from
