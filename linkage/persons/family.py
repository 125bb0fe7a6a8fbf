"""Family evidence: the people of two cases that share a family are matched through it.

A TANF referral often names the absent parent thinly ("JIMMY PARK", no birth date, no SSN). If the
referral's children are the children of an IV-D case, and that case's NCP has an agreeing name, they
are the same man. Likewise two cases of one mother hold the same child when name and birth date
agree. Evidence goes round: children link parents, parents link children, so the pass repeats. The
hard rules still apply: family evidence never overrides a conflict.
"""
from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import jellyfish
import numpy as np
import polars as pl

from linkage import columns as C
from linkage.persons.cluster import Clusters
from linkage.persons.constraints import RecordFacts, dob_related, ssn_related

SIMILAR = 0.88  # Jaro-Winkler: a typo, not another name
ROUNDS = 3


def first_names_agree(f: RecordFacts, a: int, b: int) -> bool:
    fa, fb = f.first[a], f.first[b]
    if not fa or not fb:
        return False
    return (fa == fb or bool(f.first_canon[a] & f.first_canon[b]) or bool(f.first_tokens[a] & f.first_tokens[b])
            or ((len(fa) == 1 or len(fb) == 1) and fa[0] == fb[0])
            or jellyfish.jaro_winkler_similarity(fa, fb) >= SIMILAR)


def surnames_agree(f: RecordFacts, a: int, b: int) -> bool:
    sa, sb = f.surname_tokens[a], f.surname_tokens[b]
    if not sa or not sb:
        return False
    return bool(sa & sb) or jellyfish.jaro_winkler_similarity(" ".join(sorted(sa)), " ".join(sorted(sb))) >= SIMILAR


def swapped(f: RecordFacts, a: int, b: int) -> bool:
    return bool(f.first_tokens[a] & f.surname_tokens[b]) and bool(f.surname_tokens[a] & f.first_tokens[b])


def names_agree(f: RecordFacts, a: int, b: int) -> bool:
    """First names agree (exact, nickname, shared token, typo, initial) and surnames share a token or
    differ by a typo; or the two are the same name with first and last swapped."""
    return (first_names_agree(f, a, b) and surnames_agree(f, a, b)) or swapped(f, a, b)


def identifiers_agree(f: RecordFacts, a: int, b: int) -> bool:
    da, db, sa, sb = f.dob[a], f.dob[b], f.ssn[a], f.ssn[b]
    return bool((da and db and dob_related(da, db)) or (sa and sb and ssn_related(sa, sb)))


def same_parent(f: RecordFacts, a: int, b: int) -> bool:
    """A parent of the same children: the name agrees, or (married names) the first name and an
    identifier do."""
    return names_agree(f, a, b) or (first_names_agree(f, a, b) and identifiers_agree(f, a, b))


def same_child(f: RecordFacts, a: int, b: int) -> bool:
    """A child of the same mother: the name agrees and so does a birth date or SSN; with no
    identifier on one side, the first name must be identical (siblings share surnames)."""
    if not (names_agree(f, a, b) or (first_names_agree(f, a, b) and identifiers_agree(f, a, b))):
        return False
    if identifiers_agree(f, a, b):
        return True
    thin = not (f.dob[a] and f.dob[b])
    return thin and f.first[a] == f.first[b] and surnames_agree(f, a, b)


def family_pairs(records: pl.DataFrame, labels: np.ndarray) -> list[tuple[int, int, str]]:
    """(a, b, kind) record pairs of linked cases: parents of cases that share a child; children of
    cases that share a child or a custodial parent."""
    roles = records[C.ROLE].to_list()
    cases = (records[C.SOURCE_SYSTEM] + "|" + records[C.CASE_ID]).to_list()
    by_child: dict[int, set[str]] = defaultdict(set)
    by_cp: dict[int, set[str]] = defaultdict(set)
    members: dict[str, list[int]] = defaultdict(list)
    for uid, (role, case) in enumerate(zip(roles, cases)):
        members[case].append(uid)
        if role == "CH":
            by_child[int(labels[uid])].add(case)
        elif role == "CP":
            by_cp[int(labels[uid])].add(case)
    via_child = _case_pairs(by_child)
    via_cp = _case_pairs(by_cp) - via_child
    out = []
    for links, kinds in ((via_child, ("parent", "child")), (via_cp, ("child",))):
        for c1, c2 in sorted(links):  # sets of strings iterate in a per-process order
            for a in members[c1]:
                for b in members[c2]:
                    kind = _kind(roles[a], roles[b])
                    if kind in kinds and labels[a] != labels[b]:
                        out.append((a, b, kind))
    return out


def _case_pairs(groups: dict[int, set[str]]) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for case_set in groups.values():
        if 1 < len(case_set) <= 50:  # a person in 50+ cases is a data problem, not a family
            pairs.update(combinations(sorted(case_set), 2))
    return pairs


def _kind(ra: str, rb: str) -> str | None:
    if ra == "CH" and rb == "CH":
        return "child"
    if ra == "CP" and rb == "CP":
        return "parent"
    if ra in ("NCP", "PF") and rb in ("NCP", "PF"):
        return "parent"
    return None


def apply_family_evidence(clusters: Clusters, records: pl.DataFrame, rounds: int = ROUNDS) -> int:
    """Merge people of linked cases where names (and for children, identifiers) agree; returns merges."""
    f = clusters.facts
    merged = 0
    for _ in range(rounds):
        before = merged
        for a, b, kind in family_pairs(records, clusters.labels()):
            if clusters.find(a) == clusters.find(b):
                continue
            ok = same_parent(f, a, b) if kind == "parent" else same_child(f, a, b)
            if ok and clusters.try_merge(a, b):
                merged += 1
        if merged == before:
            break
    return merged
