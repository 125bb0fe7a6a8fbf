"""Evidence in words: why two records of one person were taken as one, for a caseworker to check."""

from __future__ import annotations

from linkage import columns as C
from linkage.agreement import NameAgreement, dob_related, first_name_agreement, shares, ssn_related


def agreement(a: dict, b: dict, with_ssn: bool = True) -> str:
    """What two records agree on, strongest first ("SSN, first name, surname and date of birth").
    with_ssn: False for a reader who may not learn whether two SSNs agree (the words then say
    nothing of SSNs at all)."""
    ssn = _ssn(a, b) if with_ssn else None
    parts = [p for p in (ssn, _first(a, b), _surname(a, b), _dob(a, b)) if p]
    if not parts:
        return "other records of the same person"
    words = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    if with_ssn and not (ssn or _dob(a, b)):
        words += " (no SSN or date of birth to compare: linked through the family)"
    return words


def _ssn(a: dict, b: dict) -> str | None:
    sa, sb = a.get(C.SSN_STD), b.get(C.SSN_STD)
    if not (sa and sb):
        return None
    if sa == sb:
        return "SSN"
    return "SSN (one digit off or two transposed)" if ssn_related(sa, sb) else None


def _dob(a: dict, b: dict) -> str | None:
    da, db = a.get(C.DOB_STR), b.get(C.DOB_STR)
    if not (da and db):
        return None
    if da == db:
        return "date of birth"
    return "date of birth (day and month swapped or one digit off)" if dob_related(da, db) else None


def _first(a: dict, b: dict) -> str | None:
    fa, fb = a.get(C.FN), b.get(C.FN)
    agree = first_name_agreement(fa, fb, a.get(C.FN_CANON), b.get(C.FN_CANON), a.get(C.FN_TOKENS), b.get(C.FN_TOKENS))
    return {
        NameAgreement.SAME: "first name",
        NameAgreement.NICKNAME: f"first name ({fa} / {fb})",
        NameAgreement.SHARED_TOKEN: "part of the first name",
    }.get(agree)


def _surname(a: dict, b: dict) -> str | None:
    ta, tb = a.get(C.SN_TOKENS), b.get(C.SN_TOKENS)
    if not (ta and tb) or not shares(ta, tb):
        return None
    return "surname" if sorted(ta) == sorted(tb) else "part of the surname"
