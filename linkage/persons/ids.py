"""Stable person ids: a re-run keeps the id of every person whose records did not change.

Each new cluster inherits the previous id that most of its records carried, if no bigger share of
that id went elsewhere; other clusters get fresh ids. Merges (one cluster, several old ids) and
splits (one old id, several clusters) are reported so downstream systems can follow them.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

ID_PREFIX = "P"


def format_person_id(seq: int) -> str:
    return f"{ID_PREFIX}{seq:09d}"


@dataclass(frozen=True)
class PersonEvent:
    kind: str  # "merge" | "split"
    person_id: str  # the id that remains (merge) or the id that was split
    other_ids: tuple[str, ...]  # ids merged into it, or the ids the split parts now carry


@dataclass(frozen=True)
class IdAssignment:
    person_ids: list[str]  # one per record, in input order
    events: list[PersonEvent]
    next_seq: int
    kept: int  # clusters that kept an earlier id
    new: int


def assign_person_ids(record_ids: list[str], labels: np.ndarray, previous: dict[str, str],
                      next_seq: int) -> IdAssignment:
    clusters: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels.tolist()):
        clusters[label].append(i)
    overlap = []
    for label, idx in clusters.items():
        counts = Counter(previous[record_ids[i]] for i in idx if record_ids[i] in previous)
        overlap.extend((-n, old, label) for old, n in counts.items())
    overlap.sort()
    chosen: dict[int, str] = {}
    used: set[str] = set()
    for _, old, label in overlap:
        if label not in chosen and old not in used:
            chosen[label] = old
            used.add(old)
    kept = len(chosen)
    for label in sorted(clusters, key=lambda lb: min(clusters[lb])):
        if label not in chosen:
            chosen[label] = format_person_id(next_seq)
            next_seq += 1
    person_ids = [""] * len(record_ids)
    for label, idx in clusters.items():
        for i in idx:
            person_ids[i] = chosen[label]
    events = _events(record_ids, person_ids, previous)
    return IdAssignment(person_ids, events, next_seq, kept, len(clusters) - kept)


def _events(record_ids: list[str], person_ids: list[str], previous: dict[str, str]) -> list[PersonEvent]:
    old_to_new: dict[str, set[str]] = defaultdict(set)
    new_to_old: dict[str, set[str]] = defaultdict(set)
    for rid, pid in zip(record_ids, person_ids):
        old = previous.get(rid)
        if old is not None:
            old_to_new[old].add(pid)
            new_to_old[pid].add(old)
    events = [PersonEvent("merge", pid, tuple(sorted(olds - {pid})))
              for pid, olds in new_to_old.items() if len(olds) > 1]
    events += [PersonEvent("split", old, tuple(sorted(news - {old})))
               for old, news in old_to_new.items() if len(news) > 1]
    return sorted(events, key=lambda e: (e.kind, e.person_id))
