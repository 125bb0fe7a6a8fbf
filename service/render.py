"""A record as a role may see it: SSN last four only to IV-D, addresses only to IV-D and never for a
person the Family Violence Indicator protects (or anyone living at their address)."""
from __future__ import annotations

from linkage import columns as C
from linkage.cases.locate import WITHHELD
from service.auth import Caller
from service.schemas import AddressOut, RecordOut


def display_name(row: dict) -> str:
    parts = [row.get(c) or "" for c in (C.FIRST_NAME, C.MIDDLE_NAME, C.LAST_NAME, C.SUFFIX)]
    return " ".join(" ".join(parts).split()).upper()


def record_out(row: dict, caller: Caller, protected: bool) -> RecordOut:
    out = RecordOut(
        record_id=row[C.RECORD_ID], source_system=row[C.SOURCE_SYSTEM], case_id=row[C.CASE_ID], role=row[C.ROLE],
        case_status=row.get(C.CASE_STATUS), paternity_status=row.get(C.PATERNITY_STATUS), name=display_name(row),
        dob=row[C.DOB_DATE].isoformat() if row.get(C.DOB_DATE) else None)
    if caller.sees_ssn_last4:
        out.ssn_last4 = row.get(C.SSN_TAIL)
    if caller.sees_addresses:
        if protected:
            out.address_withheld = WITHHELD
        elif any(row.get(c) for c in (C.STREET, C.CITY, C.ZIP)):
            out.address = AddressOut(street=row.get(C.STREET), city=row.get(C.CITY), state=row.get(C.STATE),
                                     zip=row.get(C.ZIP))
    return out
