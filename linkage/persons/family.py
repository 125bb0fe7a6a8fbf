"""Family evidence: parents of the same children in two cases, with agreeing names, are one person.

A TANF referral often names the absent parent thinly ("JIMMY PARK", no birth date, no SSN). If the
referral's children are the children of an IV-D case, and that case's NCP has an agreeing name, they
are the same man. The hard rules still apply: family evidence never overrides a conflict.
"""
from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import jellyfish
import numpy as np
import polars as pl

from linkage import columns as C
from linkage.persons.cluster import Clusters
from linkage.persons.constraints import RecordFacts

PARENT_ROLES = ("CP", "NCP", "PF")
SIMILAR = 0.88  # Jaro-Winkler: a typo, not another name


def names_agree(f: RecordFacts, a: int, b: int) -> bool:
    """First names agree (exact, nickname, shared token, typo, initial) and surnames share a token
    or differ by a typo."""
    fa, fb = f.first[a], f.first[b]
    if not fa or not fb:
        return False
    first_ok = (fa == fb or bool(f.first_canon[a] & f.first_canon[b])
                or bool(f.first_tokens[a] & f.first_tokens[b])
                or ((len(fa) == 1 or len(fb) == 1) and fa[0] == fb[0])
                or jellyfish.jaro_winkler_similarity(fa, fb) >= SIMILAR)
    if not first_ok:
        return False
    sa, sb = f.surname_tokens[a], f.surname_tokens[b]
    if not sa or not sb:
        return False
    return bool(sa & sb) or jellyfish.jaro_winkler_similarity(" ".join(sorted(sa)), " ".join(sorted(sb))) >= SIMILAR


def family_pairs(records: pl.DataFrame, labels: np.ndarray) -> list[tuple[int, int]]:
    """Parent records of two cases that share a child (by current person label), same role group."""
    roles = records[C.ROLE].to_list()
    cases = (records[C.SOURCE_SYSTEM] + "|" + records[C.CASE_ID]).to_list()
    children_cases: dict[int, set[str]] = defaultdict(set)
    parents: dict[str, list[int]] = defaultdict(list)
    for uid, (role, case) in enumerate(zip(roles, cases)):
        if role == "CH":
            children_cases[int(labels[uid])].add(case)
        elif role in PARENT_ROLES:
            parents[case].append(uid)
    linked_cases: set[tuple[str, str]] = set()
    for case_set in children_cases.values():
        if len(case_set) > 1:
            linked_cases.update(combinations(sorted(case_set), 2))
    pairs = []
    for c1, c2 in linked_cases:
        for a in parents.get(c1, ()):
            for b in parents.get(c2, ()):
                same_group = (roles[a] == "CP") == (roles[b] == "CP")
                if same_group and labels[a] != labels[b]:
                    pairs.append((a, b))
    return pairs


def apply_family_evidence(clusters: Clusters, records: pl.DataFrame) -> int:
    """Merge parents through shared children where names agree; returns merges made."""
    labels = clusters.labels()
    merged = 0
    for a, b in family_pairs(records, labels):
        if clusters.find(a) != clusters.find(b) and names_agree(clusters.facts, a, b):
            merged += clusters.try_merge(a, b)
    return merged
