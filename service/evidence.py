"""Model evidence in a caseworker's words: "same date of birth; surname GARCIA LOPEZ agrees with
GARCIA; SSN differs by one transposed pair". From the level each comparison reached, never a raw
formula.

What a role may not see, it may not confirm: the SSN comparison is spelled out only to a role that
sees SSNs, and a comparison that reads a location only to a role that sees addresses, never for a
protected person (whose location comparisons are not even scored). For any other role such a
comparison is left out of the words altogether, its weight too, so that a guessed value changes
nothing the caller reads."""

from __future__ import annotations

from linkage import columns as C
from linkage.model.inmemory import Evidence
from service.auth import Caller
from service.policy import ADDRESS, SSN


def _first(q: dict, r: dict, level: str) -> str | None:
    a, b = q.get(C.FN), r.get(C.FN)
    return {
        "exact": f"same first name {b}",
        "shared first-name token": f"first name {a} shares a name with {b}",
        "nickname": f"first name {a} and {b} are the same name (nickname)",
        "typo": f"first name {a} is a likely typo of {b}",
        "first and last name swapped": "first and last names written the other way round",
        "initial": f"first initial {str(a)[:1]} agrees with {b}",
        "similar": f"first name {a} is similar to {b}",
    }.get(level, f"different first names ({a} / {b})")


def _surname(q: dict, r: dict, level: str) -> str | None:
    a, b = q.get(C.SN), r.get(C.SN)
    return {
        "exact": f"same surname {b}",
        "shared surname token": f"surname {a} agrees with {b}",
        "first and last name swapped": "first and last names written the other way round",
        "typo or same sound": f"surname {a} sounds like or is a typo of {b}",
    }.get(level, f"different surnames ({a} / {b})")


WORDS = {
    "dob": {
        "exact": "same date of birth",
        "day and month swapped": "date of birth with day and month swapped",
        "one digit": "date of birth differs by one digit",
        "same year, the day unknown on one side": "born the same year (the day unknown on one record)",
        "within a year": "born within a year of each other",
        None: "different dates of birth",
    },
    "ssn": {
        "exact": "same SSN",
        "one digit": "SSN differs by one digit",
        "two digits transposed": "SSN differs by one transposed pair",
        None: "different SSNs",
    },
    "suffix": {"same": "same suffix", None: "different suffixes (JR / SR: not the same person)"},
    "middle_name": {"exact": "same middle name", "initial": "middle initial agrees", None: "different middle names"},
    "sex": {"same": "same sex", None: "different sex"},
    "address": {
        "same street and zip": "same street address and zip",
        "street typo, same zip or city": "nearly the same street address",
        "same zip": "same zip code",
        "same city": "same city",
        None: "different addresses",
    },
}


def hidden(caller: Caller, location: frozenset[str]) -> frozenset[str]:
    """The comparisons this caller may not read about."""
    out = set() if caller.sees(SSN) else {"ssn"}
    if not caller.sees(ADDRESS):
        out |= location
    return frozenset(out)


def words(query: dict, record: dict, evidence: list[Evidence], hide: frozenset[str]) -> list[dict]:
    """[{field, agreement, text, weight}] for every comparison that had something to compare and
    that is not hidden from the caller."""
    out = []
    for e in evidence:
        if e.level == "missing" or e.comparison in hide:
            continue
        if e.comparison == "first_name":
            text = _first(query, record, e.level)
        elif e.comparison == "surname":
            text = _surname(query, record, e.level)
        else:
            table = WORDS.get(e.comparison, {})
            text = table.get(e.level, table.get(None, e.level))
        out.append({"field": e.comparison, "agreement": e.level, "text": text, "weight": round(e.weight, 2)})
    return out
