"""Model evidence in a caseworker's words: "same date of birth; surname GARCIA LOPEZ agrees with
GARCIA; SSN differs by one transposed pair". From the level each comparison reached, never a raw
formula. Address agreement is not spelled out for a person protected by the Family Violence
Indicator: confirming where they live is releasing it."""
from __future__ import annotations

from linkage import columns as C
from linkage.model.inmemory import Evidence


def _first(q: dict, r: dict, level: str) -> str | None:
    a, b = q.get(C.FN), r.get(C.FN)
    return {
        "exact": f"same first name {b}", "shared first-name token": f"first name {a} shares a name with {b}",
        "nickname": f"first name {a} and {b} are the same name (nickname)", "typo": f"first name {a} is a likely typo of {b}",
        "first and last name swapped": "first and last names written the other way round",
        "initial": f"first initial {str(a)[:1]} agrees with {b}", "similar": f"first name {a} is similar to {b}",
    }.get(level, f"different first names ({a} / {b})")


def _surname(q: dict, r: dict, level: str) -> str | None:
    a, b = q.get(C.SN), r.get(C.SN)
    return {
        "exact": f"same surname {b}", "shared surname token": f"surname {a} agrees with {b}",
        "first and last name swapped": "first and last names written the other way round",
        "typo or same sound": f"surname {a} sounds like or is a typo of {b}",
    }.get(level, f"different surnames ({a} / {b})")


WORDS = {
    "dob": {"exact": "same date of birth", "day and month swapped": "date of birth with day and month swapped",
            "one digit": "date of birth differs by one digit", "within a year": "born within a year of each other",
            None: "different dates of birth"},
    "ssn": {"exact": "same SSN", "one digit": "SSN differs by one digit",
            "two digits transposed": "SSN differs by one transposed pair", None: "different SSNs"},
    "suffix": {"same": "same suffix", None: "different suffixes (JR / SR: not the same person)"},
    "middle_name": {"exact": "same middle name", "initial": "middle initial agrees", None: "different middle names"},
    "sex": {"same": "same sex", None: "different sex"},
    "address": {"same street and zip": "same street address and zip", "street typo, same zip or city": "nearly the same street address",
                "same zip": "same zip code", "same city": "same city", None: "different addresses"},
}


def words(query: dict, record: dict, evidence: list[Evidence], protected: bool) -> list[dict]:
    """[{field, agreement, text, weight}] for every comparison that had something to compare."""
    out = []
    for e in evidence:
        if e.level == "missing":
            continue
        if e.comparison == "first_name":
            text = _first(query, record, e.level)
        elif e.comparison == "surname":
            text = _surname(query, record, e.level)
        elif e.comparison == "address" and protected:
            text = "address: withheld (family violence indicator)"
        else:
            table = WORDS.get(e.comparison, {})
            text = table.get(e.level, table.get(None, e.level))
        out.append({"field": e.comparison, "agreement": e.level, "text": text, "weight": round(e.weight, 2)})
    return out
