"""Greedy constrained clustering: strongest links first, never joining clusters that conflict.

Plain connected components let one record bridge two people (a thin "ROBERT SMITH" joins the JR and
the SR). Here edges are taken from the highest match weight down, and two clusters are joined only if
no record of one conflicts with any record of the other.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from linkage.agreement import NameAgreement, first_name_agreement, shares
from linkage.persons.constraints import (
    DIFFERENT_SSNS,
    GENERATIONS,
    MIDDLE_NAMES,
    NO_SIBLING,
    OTHER_FAMILIES,
    OTHER_SURNAMES,
    TWINS,
    RecordFacts,
    beyond_ssns,
    conflict,
    one_family_of_children,
    one_family_stated,
)

REVIEWED_APART = "a reviewer decided: not a match"
# Conflicts that rest on one field that can be wholly wrong (another person's SSN typed in, a default
# or mistyped birth date): strong evidence against a link, which overwhelming agreement in the other
# fields outweighs. The bar is the link's match weight (bits) after the model's own penalty for the
# disagreeing field. An SSN is the field most often wholly wrong (domain.md: it disagreed in 54% of
# confirmed duplicate pairs) and its disagreement already costs a link 6 bits; a birth-year bound
# read from a case's other members is weaker evidence of a wrong field, so it asks for more. Two
# whole middle names are two people unless one was typed wrong: the SSN's bar.
# Two children whose cases name two families rest on the adults' records, which can be wrong too
# (a mother's first name replaced, her date mistyped): more than a field's bar, less than a year's.
# Two children whose cases hold other children, none of them one of the other's, rest on those
# children's names and dates, and a child may move to a household of other children: a field's bar
# (2026-12-08: every link it refused on the development files was under 8 bits but three).
# Two adults' two-part surnames with one part in the other's place: a field's bar, as a middle name.
# Conflicts about people (two people of one case, JR and SR, twins, sex and name) stay hard.
FIELD_CONFLICTS: dict[str, float] = {
    DIFFERENT_SSNS: 8.0,
    MIDDLE_NAMES: 8.0,
    OTHER_SURNAMES: 8.0,
    OTHER_FAMILIES: 12.0,
    NO_SIBLING: 8.0,
    GENERATIONS: 20.0,
    "birth years impossible for the roles in their cases": 20.0,
}


def two_given_names(f: RecordFacts, a: int, b: int, *groups: list[int]) -> bool:
    """JUAN and FERNANDO on one birth date are one child's two given names, not twins, when a record
    already in one of the two clusters is JUAN FERNANDO (or JUAN, middle name FERNANDO) on that birth
    date (one program records the first given name, another the second). Twins never share a record; two different SSNs still
    say two people."""
    dob, sa, sb = f.dob[a], f.ssn[a], f.ssn[b]
    if not dob or dob != f.dob[b] or (sa and sb and sa != sb):
        return False
    ta, tb = f.first_tokens[a], f.first_tokens[b]
    return any(
        f.dob[k] == dob and len(names := given_names(f, k)) >= 2 and shares(names, ta) and shares(names, tb)
        for group in groups
        for k in group
    )


# The rules about two children's families, each with its test of one pair of records placing the
# child in families that could be one (by its parents; by its brothers and sisters)
FAMILY_RULES = {OTHER_FAMILIES: one_family_stated, NO_SIBLING: one_family_of_children}


def one_family(f: RecordFacts, ga: list[int], gb: list[int], reason: str = OTHER_FAMILIES) -> bool:
    """Some record of each cluster places the child in a family the other could be, by the test of
    `reason` (one of FAMILY_RULES): the two families of one pair of records are then one child's two
    (a parent's records unlinked, a child moved to another household)."""
    stated = FAMILY_RULES[reason]
    return any(stated(f, a, b) for a in ga for b in gb)


def given_names(f: RecordFacts, k: int) -> list[str]:
    """A record's given names: the first name's tokens and the middle name (not an initial)."""
    middle = f.middle[k]
    return [*(f.first_tokens[k] or ()), *([middle] if middle and len(middle) > 1 else [])]


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Clustering holds millions of small lists and makes millions more, and no reference cycles:
    Python's cycle collector would walk all of them again and again for nothing (measured: 11 of 67
    seconds at 5 million records, 2 of 11 at 1 million). Reference counting still frees everything.
    A `with` block or a decorator (`@cyclic_gc_paused()`)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class Clusters:
    """Union-find over record uids, with each root holding its members."""

    facts: RecordFacts
    parent: list[int] = field(init=False)
    members: dict[int, list[int]] = field(init=False)
    refused: Counter = field(default_factory=Counter)  # reason -> edges not taken
    apart: dict[int, set[int]] = field(default_factory=dict)  # reviewed "not a match", both ways
    held: list[tuple[int, int]] = field(default_factory=list)  # scored links not taken, for a reviewer

    def __post_init__(self) -> None:
        n = len(self.facts)
        self.parent = list(range(n))
        self.members = {}

    def keep_apart(self, left: list[int], right: list[int]) -> None:
        """Pairs a reviewer said are not one person: their clusters are never joined."""
        for a, b in zip(left, right):
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)

    def _reviewed_apart(self, ra: int, rb: int) -> bool:
        other = set(self.group(rb))
        return any(not self.apart[a].isdisjoint(other) for a in self.group(ra) if a in self.apart)

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def group(self, root: int) -> list[int]:
        return self.members.get(root) or [root]

    def why_not(self, ra: int, rb: int, tolerated: frozenset[str] = frozenset(), facts: RecordFacts | None = None) -> str | None:
        """The first reason the two clusters cannot be one person, passing over `tolerated` ones;
        read with `facts` where given (the rules without "two people of one case")."""
        if self.apart and self._reviewed_apart(ra, rb):
            return REVIEWED_APART
        f = facts or self.facts
        ga, gb = self.group(ra), self.group(rb)
        passed: str | None = None
        family: dict[str, bool] = {}  # one_family(ga, gb) per reason, read once: it reads every pair itself
        for a in ga:
            for b in gb:
                reason = conflict(f, a, b)
                if reason in FAMILY_RULES and reason not in family:
                    family[reason] = one_family(f, ga, gb, reason)
                if not reason or (reason == TWINS and two_given_names(f, a, b, ga, gb)) or family.get(reason, False):
                    continue
                if reason not in tolerated:
                    return reason
                second = beyond_ssns(f, a, b) if reason == DIFFERENT_SSNS else None
                if second or (passed and reason != passed):
                    return second or reason  # two fields wholly wrong at once: two people
                passed = reason
        return None

    def try_merge(self, a: int, b: int, weight: float | None = None, excused: frozenset[str] = frozenset()) -> bool:
        """Join the clusters of a and b unless a never-merge rule forbids it. weight: the match
        weight of the link between a and b; at the bar of FIELD_CONFLICTS or more it outweighs
        that conflict in one field that can be wholly wrong, never one about people, never two
        such fields at once, and never where the weight rests on a shared SSN. excused: rules the
        caller's own evidence answers for a and b (family evidence: twins do not both parent one
        child); the one a and b themselves break is passed over as an outweighed one is (the
        other records of the two clusters that break it restate the same difference), never two
        at once, and none that a and b do not break."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        tolerated = (
            frozenset(r for r, bar in FIELD_CONFLICTS.items() if bar <= weight)
            if weight is not None and weight < float("inf") and not self._on_a_shared_number(a, b)
            else frozenset()
        )
        if excused and (own := conflict(self.facts, a, b)) in excused:
            tolerated |= {own}
        reason = self.why_not(ra, rb, tolerated)
        if reason:
            self.refused[reason] += 1
            return False
        ga, gb = self.group(ra), self.group(rb)
        if len(ga) < len(gb):
            ra, rb, ga, gb = rb, ra, gb, ga
        self.parent[rb] = ra
        self.members[ra] = ga + gb
        self.members.pop(rb, None)
        return True

    def _on_a_shared_number(self, a: int, b: int) -> bool:
        """Both records hold a number several people hold: the link's weight counts an SSN that
        agrees and says nothing, so it cannot outweigh a conflict."""
        shared = self.facts.shared_ssn
        return a in shared and b in shared

    def join_one_person(self, pairs: list[tuple[int, int]], checker: RecordFacts) -> int:
        """Join records known to be one person typed twice into one case (`entered_twice`),
        checked by `checker`: every rule but "two people of one case". A rule a and b themselves
        break was weighed by `entered_twice` (a parent's two SSNs) and is passed over as an
        outweighed one is. Returns the joins."""
        joined = 0
        for a, b in pairs:
            ra, rb = self.find(a), self.find(b)
            own = conflict(checker, a, b)
            if ra == rb or self.why_not(ra, rb, frozenset({own}) if own else frozenset(), checker):
                continue
            ga, gb = self.group(ra), self.group(rb)
            self.parent[rb] = ra
            self.members[ra] = ga + gb
            self.members.pop(rb, None)
            joined += 1
        return joined

    def labels(self) -> np.ndarray:
        """Cluster label per uid: the smallest uid of its cluster (deterministic)."""
        parent = np.asarray(self.parent, dtype=np.int64)
        while True:  # pointer jumping: every uid ends at its root
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
        n = len(parent)
        smallest = np.full(n, n, dtype=np.int64)
        np.minimum.at(smallest, parent, np.arange(n, dtype=np.int64))
        return smallest[parent]


def same_first_name_or_nickname(f: RecordFacts, a: int, b: int) -> bool:
    """Exact or nickname agreement: identity evidence a typo-level match should not pre-empt."""
    return (
        first_name_agreement(f.first[a], f.first[b], f.first_canon[a], f.first_canon[b], f.first_tokens[a], f.first_tokens[b])
        >= NameAgreement.NICKNAME
    )


def cluster_edges(clusters: Clusters, left: np.ndarray, right: np.ndarray, weight: np.ndarray) -> int:
    """Take edges whose first names agree first, each group strongest first, so that JAYDEN's records
    find each other before a JAYLEN typo-level link can reach across to his twin. Returns how many
    edges ended inside one cluster."""
    f = clusters.facts
    agree = np.fromiter(
        (same_first_name_or_nickname(f, a, b) for a, b in zip(left.tolist(), right.tolist())), dtype=bool, count=len(left)
    )
    reviewed = np.isposinf(weight)  # a reviewer's "match" comes before any score
    order = np.lexsort((right, left, -weight, ~agree, ~reviewed))  # ties by uid: same input, same persons
    taken = 0
    for l, r, w in zip(left[order].tolist(), right[order].tolist(), weight[order].tolist()):
        taken += clusters.try_merge(l, r, w)
    return taken
