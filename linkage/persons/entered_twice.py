"""One person typed twice into one case.

Two records of one case are two people: the blocking never pairs them and clustering never joins
them. But a worker sometimes enters a person again (a child added twice to a TANF unit), and the two
entries would stay two people for ever. They are found here instead, from the data: the same case
and role group, the same first name, surnames sharing a token, and the same birth date or SSN, with
no conflict between them (suffixes, SSNs). Twins have two first names and are not touched; a father
and his son of one name, or a mother and her daughter, are in different role groups. One twin's name
typed as the other's looks exactly like a second entry within the case, so a pair is left alone when
any record anywhere holds their birth date and surname under another first name (a twin, maybe)."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from linkage import columns as C
from linkage.agreement import shares
from linkage.persons.constraints import RecordFacts, conflict


def entered_twice(records: pl.DataFrame, facts: RecordFacts) -> list[tuple[int, int]]:
    """(uid, uid) pairs of one case that are one person typed twice."""
    people = records.select(
        C.UID, pl.concat_str([C.SOURCE_SYSTEM, C.CASE_ID], separator="|").alias("case"), C.ROLE_GROUP, C.FN, C.DOB_STR, C.SSN_STD
    ).filter(pl.col(C.FN).is_not_null() & (pl.col(C.FN).str.len_chars() > 1))
    by_dob = people.filter(pl.col(C.DOB_STR).is_not_null()).join(people, on=["case", C.ROLE_GROUP, C.FN, C.DOB_STR], suffix="_b")
    by_ssn = people.filter(pl.col(C.SSN_STD).is_not_null()).join(people, on=["case", C.ROLE_GROUP, C.FN, C.SSN_STD], suffix="_b")
    pairs = (
        pl.concat([by_dob.select(C.UID, f"{C.UID}_b"), by_ssn.select(C.UID, f"{C.UID}_b")])
        .filter(pl.col(C.UID) < pl.col(f"{C.UID}_b"))
        .unique()
        .sort(C.UID, f"{C.UID}_b")
    )
    checker = within_one_case(facts)
    found = [
        (a, b)
        for a, b in pairs.iter_rows()
        if shares(facts.surname_tokens[a], facts.surname_tokens[b]) and conflict(checker, a, b) is None
    ]
    born = _born_on(records, {facts.dob[a] for a, _ in found if facts.dob[a]})
    return [(a, b) for a, b in found if not _maybe_a_twin(facts, a, b, born.get(facts.dob[a], []))]


def _born_on(records: pl.DataFrame, dates: set[str]) -> dict[str, list[int]]:
    """uids of the records born on each of `dates`."""
    if not dates:
        return {}
    on = records.filter(pl.col(C.DOB_STR).is_in(sorted(dates))).group_by(C.DOB_STR).agg(pl.col(C.UID))
    return dict(zip(on[C.DOB_STR].to_list(), on[C.UID].to_list()))


def _maybe_a_twin(f: RecordFacts, a: int, b: int, same_day: list[int]) -> bool:
    """A record of another case, born that day under the same surname and another first name (by
    spelling at all: twins are often named a letter apart, JAYDEN and JAYLEN)."""
    return any(
        f.case_key[r] != f.case_key[a]
        and shares(f.surname_tokens[r], f.surname_tokens[a])
        and f.first[r]
        and f.first[r] != f.first[a]
        and not shares(f.first_canon[r], f.first_canon[a])
        for r in same_day
    )


def within_one_case(facts: RecordFacts) -> RecordFacts:
    """The same facts with every never-merge rule but "two people of one case"."""
    return replace(facts, rules=replace(facts.rules, same_case=False))
