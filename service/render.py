"""A record as a role may see it (`service.policy`): the SSN's last four and addresses only where the
role sees them, and never an address of a person the Family Violence Indicator protects."""

from __future__ import annotations

from linkage import columns as C
from linkage.protection import LOCATION_FIELDS, WITHHELD
from service.auth import Caller
from service.policy import ADDRESS, SSN_LAST4
from service.schemas import AddressOut, RecordOut


def display_name(row: dict) -> str:
    parts = [row.get(c) or "" for c in (C.FIRST_NAME, C.MIDDLE_NAME, C.LAST_NAME, C.SUFFIX)]
    return " ".join(" ".join(parts).split()).upper()


def record_out(row: dict, caller: Caller, protected: bool) -> RecordOut:
    out = RecordOut(
        record_id=row[C.RECORD_ID],
        source_system=row[C.SOURCE_SYSTEM],
        case_id=row[C.CASE_ID],
        role=row[C.ROLE],
        case_status=row.get(C.CASE_STATUS),
        paternity_status=row.get(C.PATERNITY_STATUS),
        name=display_name(row),
        dob=row[C.DOB_DATE].isoformat() if row.get(C.DOB_DATE) else None,
    )
    if caller.sees(SSN_LAST4):
        out.ssn_last4 = row.get(C.SSN_TAIL)
    if caller.sees(ADDRESS):
        if protected:
            out.address_withheld = WITHHELD
        elif any(row.get(c) for c in LOCATION_FIELDS):
            out.address = AddressOut(**{c: row.get(c) for c in LOCATION_FIELDS})
    return out
