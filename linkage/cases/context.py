"""Family-context links: inside two cases already tied by one side, look at the other side again.

The person linkage must decide alone whether CHUCK WALKER and WALKER CHARLES (same birth date) are one
child, among a million records. Inside a referral whose mother is the CP of an IV-D case, the
question is only which of that case's two or three children he is, and the family answers it. The
never-merge rules still hold (twins, different SSNs, a generation apart), and a child who could be
either of two children is left alone.
"""

from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.agreement import shares
from linkage.cases.matching import CASE_KEYS
from linkage.cases.members import CHILD
from linkage.persons.constraints import RecordFacts, conflict
from linkage.persons.family import first_names_agree, identifiers_agree, names_agree, surnames_agree

FAMILY_CONTEXT = 0.95  # strength of a link made in the family's context


def half_swapped(f: RecordFacts, a: int, b: int) -> bool:
    """One name field holds the other's name from the other field (WALKER CHARLES / CHUCK WALKER)."""
    return shares(f.first_tokens[a], f.surname_tokens[b]) or shares(f.surname_tokens[a], f.first_tokens[b])


def same_child_in_family(f: RecordFacts, a: int, b: int) -> bool:
    if conflict(f, a, b):
        return False
    if f.ssn[a] and f.ssn[a] == f.ssn[b]:
        return True
    if identifiers_agree(f, a, b):
        return first_names_agree(f, a, b) or half_swapped(f, a, b)
    thin = not (f.dob[a] and f.dob[b])
    return thin and f.first[a] is not None and f.first[a] == f.first[b] and surnames_agree(f, a, b)


def same_parent_in_family(f: RecordFacts, a: int, b: int) -> bool:
    if conflict(f, a, b):
        return False
    if names_agree(f, a, b):
        return True
    return identifiers_agree(f, a, b) and (first_names_agree(f, a, b) or half_swapped(f, a, b))


def context_links(
    pairs_of_cases: pl.DataFrame, ref: pl.DataFrame, ivd: pl.DataFrame, links: pl.DataFrame, records: pl.DataFrame, strong: float
) -> pl.DataFrame:
    """(record_id, record_id_b, strength) for same-side members of each (referral, IV-D case) pair in
    `pairs_of_cases` that are not yet strongly linked and that the family rules accept uniquely."""
    a = ref.select(C.RECORD_ID, *CASE_KEYS, "side").join(pairs_of_cases, on=CASE_KEYS)
    b = ivd.select(pl.col(C.RECORD_ID).alias("record_id_b"), pl.col(C.CASE_ID).alias("case_b"), "side")
    strong_links = links.filter(pl.col("strength") >= strong)
    found = a.join(strong_links, on=C.RECORD_ID).join(b.select("record_id_b", "case_b"), on=["record_id_b", "case_b"])
    todo = (
        a.join(found.select(C.RECORD_ID, "case_b"), on=[C.RECORD_ID, "case_b"], how="anti")  # already found
        .join(b, on=["case_b", "side"])
        .join(found.select("record_id_b", *CASE_KEYS), on=["record_id_b", *CASE_KEYS], how="anti")
    )  # taken
    if todo.is_empty():
        return _empty()
    cases = pl.concat(
        [
            todo.select(CASE_KEYS).unique(),
            todo.select(pl.lit("IV-D").alias(C.SOURCE_SYSTEM), pl.col("case_b").alias(C.CASE_ID)).unique(),
        ]
    )
    sub = records.join(cases, on=CASE_KEYS).with_columns(pl.int_range(0, pl.len(), dtype=pl.Int64).alias(C.UID))
    facts = RecordFacts.from_frame(sub)
    uid = dict(zip(sub[C.RECORD_ID].to_list(), sub[C.UID].to_list()))
    ok = [
        (same_child_in_family if side == CHILD else same_parent_in_family)(facts, uid[r], uid[rb])
        for r, rb, side in todo.select(C.RECORD_ID, "record_id_b", "side").iter_rows()
    ]
    accepted = todo.filter(pl.Series(ok, dtype=pl.Boolean))
    unique = accepted.filter(pl.len().over(C.RECORD_ID, "case_b") == 1).filter(pl.len().over("record_id_b", *CASE_KEYS) == 1)
    return unique.select(C.RECORD_ID, "record_id_b", pl.lit(FAMILY_CONTEXT).alias("strength"))


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={C.RECORD_ID: pl.String, "record_id_b": pl.String, "strength": pl.Float64})
