"""Why two records did or did not become one person, from a run's store.

The answer follows the run's own path: would blocking compare them (and by which rule), what the
model scores the pair (each comparison's level and weight), what clustering did with it (the chain of
links that joined them, or what kept them apart: a never-merge rule and the two records it rests on,
a reviewer's decision, a record that fits two people of one case, a score under the link threshold),
and which single change would flip the outcome.

Rules that read the whole data set (an SSN several people hold, a possible twin elsewhere) are read
here on the two persons' records only; the answer says which rule it found, as the run would have.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import asdict, dataclass, field

import numpy as np
import polars as pl

from blocking.index import keys_of
from linkage import columns as C
from linkage.errors import LookupFailedError
from linkage.model import SavedModel
from linkage.model.file_rates import as_run_scored
from linkage.model.inmemory import PairScorer
from linkage.persons.cluster import FAMILY_RULES, FIELD_CONFLICTS, one_family
from linkage.persons.constraints import CLUSTER_COLUMNS, GENERATIONS, RecordFacts, conflict
from linkage.persons.family import (
    ONE_FIELD_EXCUSES,
    only_child_of_the_name,
    only_children_of_their_day,
    only_children_of_their_name,
    parent_excuses,
)
from linkage.rules import DEFAULT_RULES, SAME_CASE
from linkage.store.review import NOT_A_MATCH

# What the explanation reads of the store's records.
EXPLAIN_COLUMNS = tuple(
    dict.fromkeys((C.RECORD_ID, C.PERSON_ID, *CLUSTER_COLUMNS, *(c for r in DEFAULT_RULES for c in r.columns)))
)
# The comparison a never-merge reason reads: a reader who may not see it is not told the reason.
READS = {"different SSNs": "ssn"}
HIDDEN_RULE = "a rule on a field this reader may not see"
# Never-merge reasons by the field that, changed, would lift them; the others are about people.
FIELD_OF = {
    "different SSNs": "the SSNs agreed",
    "different middle names": "the middle names agreed",
    "two-part surnames of two families": "the surnames agreed",
    "birth years a generation apart": "the birth dates agreed",
    "birth years impossible for the roles in their cases": "a birth date were known on both",
}


@dataclass
class Explanation:
    record_a: str
    record_b: str
    person_a: str
    person_b: str
    same_person: bool
    compared_by: list[str]  # blocking rules that pair the two records; empty: never compared
    weight: float
    probability: float
    link_threshold: float
    evidence: list[dict]  # {comparison, level, weight}
    decision: str  # the outcome in words
    chain: list[dict] = field(default_factory=list)  # links that joined them: {record_l, record_r, weight}
    rule_passed: str = ""  # one person: a never-merge rule between the two records and why it stood down
    kept_apart_by: str | None = None
    would_flip: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def explain(
    records: pl.DataFrame,
    pairs: pl.DataFrame,
    reviewed: pl.DataFrame,
    model: SavedModel | None,
    link_threshold: float,
    record_a: str,
    record_b: str,
    hide: frozenset[str] = frozenset(),
    file_rates: dict | None = None,
    scorer: PairScorer | None = None,
) -> Explanation:
    """records: the run's linked records (EXPLAIN_COLUMNS and the comparison columns); pairs: its scored
    pairs; reviewed: clerical decisions; hide: comparisons the reader may not learn about; file_rates:
    the run's reading of its input (the model scored as the run scored); scorer: one already built on
    these records (the service's; then `model` may be None)."""
    rows = records.filter(pl.col(C.RECORD_ID).is_in([record_a, record_b]))
    found = {r[C.RECORD_ID]: r for r in rows.iter_rows(named=True)}
    for rid in (record_a, record_b):
        if rid not in found:
            raise LookupFailedError(f"record_id {rid!r} is not in the linked records of the store")
    a, b = found[record_a], found[record_b]
    if scorer is None:
        if model is None:
            raise ValueError("explain needs the model the run scored with, or a scorer built from it")
        splink = as_run_scored(model, records.height, file_rates)
        scorer = PairScorer.from_records(splink, records)
    evidence = [e for e in scorer.explain(a, b) if e.comparison not in hide]
    weight = scorer.weight(a, b, skip=hide)
    out = Explanation(
        record_a,
        record_b,
        a[C.PERSON_ID],
        b[C.PERSON_ID],
        a[C.PERSON_ID] == b[C.PERSON_ID],
        compared_by(a, b),
        round(weight, 3),
        scorer.probability(weight),
        link_threshold,
        [{"comparison": e.comparison, "level": e.level, "weight": round(e.weight, 3)} for e in evidence],
        "",
    )
    link_weight = math.log2(link_threshold / (1 - link_threshold)) - scorer.prior_weight
    if out.same_person:
        out.chain = _chain(pairs, records, a[C.PERSON_ID], record_a, record_b, link_threshold)
        out.decision = f"one person ({a[C.PERSON_ID]}): joined " + (
            "directly"
            if len(out.chain) == 1
            else f"through {len(out.chain)} links"
            if out.chain
            else "through family evidence (their cases)"
        )
        out.rule_passed = _rule_passed(records, a, b, hide)
        if out.rule_passed:
            out.decision += f"; {out.rule_passed}"
        return out
    out.kept_apart_by = _kept_apart(records, pairs, reviewed, a, b, out, hide)
    out.decision = f"two persons ({a[C.PERSON_ID]}, {b[C.PERSON_ID]}): {out.kept_apart_by}"
    out.would_flip = _flips(scorer, a, b, evidence, weight, link_weight, out, hide)
    return out


def compared_by(a: dict, b: dict) -> list[str]:
    """The blocking rules under which the two records share a key (two records of one case: none)."""
    if all(a[c] == b[c] for c in SAME_CASE):
        return []
    names: dict[str, None] = {}
    for rule in DEFAULT_RULES:
        missing = rule.only_if_missing
        if missing and a.get(missing) is not None and b.get(missing) is not None:
            continue
        if set(keys_of(a, rule)) & set(keys_of(b, rule)):
            names[(rule.splits or rule).name] = None
    return list(names)


def _chain(pairs: pl.DataFrame, records: pl.DataFrame, person: str, start: str, goal: str, at: float) -> list[dict]:
    """The shortest path of links at or above the link threshold between two records of one person."""
    members = set(records.filter(pl.col(C.PERSON_ID) == person)[C.RECORD_ID].to_list())
    strong = pairs.filter(
        (pl.col("match_probability") >= at)
        & pl.col("record_id_l").is_in(list(members))
        & pl.col("record_id_r").is_in(list(members))
    )
    nxt: dict[str, list[tuple[str, float]]] = {}
    for l, r, w in strong.select("record_id_l", "record_id_r", "match_weight").iter_rows():
        nxt.setdefault(l, []).append((r, w))
        nxt.setdefault(r, []).append((l, w))
    came: dict[str, tuple[str, float] | None] = {start: None}
    todo = deque([start])
    while todo and goal not in came:
        x = todo.popleft()
        for y, w in nxt.get(x, []):
            if y not in came:
                came[y] = (x, w)
                todo.append(y)
    if goal not in came:
        return []
    path, node = [], goal
    while came[node] is not None:
        prev, w = came[node]  # type: ignore[misc]
        path.append({"record_l": prev, "record_r": node, "weight": round(w, 3)})
        node = prev
    return path[::-1]


def _kept_apart(
    records: pl.DataFrame, pairs: pl.DataFrame, reviewed: pl.DataFrame, a: dict, b: dict, out: Explanation, hide: frozenset[str]
) -> str:
    pa, pb = a[C.PERSON_ID], b[C.PERSON_ID]
    both = records.filter(pl.col(C.PERSON_ID).is_in([pa, pb])).sort(C.RECORD_ID)
    side = dict(zip(both[C.RECORD_ID].to_list(), both[C.PERSON_ID].to_list()))
    apart = reviewed.filter(
        (pl.col("decision") == NOT_A_MATCH) & pl.col("record_id_l").is_in(list(side)) & pl.col("record_id_r").is_in(list(side))
    )
    for l, r in apart.select("record_id_l", "record_id_r").iter_rows():
        if side[l] != side[r]:
            return f"a reviewer decided records {l} and {r} are not a match"
    rule = _rule_between(records, both, pa, pb, (out.record_a, out.record_b), hide)
    if rule:
        return rule
    held = pairs.filter(
        ((pl.col("record_id_l") == out.record_a) & (pl.col("record_id_r") == out.record_b))
        | ((pl.col("record_id_l") == out.record_b) & (pl.col("record_id_r") == out.record_a))
    )
    if "held" in held.columns and held.height and bool(held["held"][0]):
        return "a record of the pair fits two people of one case as well: held for a reviewer"
    if not out.compared_by:
        return (
            "never compared: two records of one case are two people"
            if all(a[c] == b[c] for c in SAME_CASE)
            else "never compared: no blocking rule gives them a common key"
        )
    return (
        f"the pair scores {out.probability:.3f}, under the link threshold {out.link_threshold}"
        if out.probability < out.link_threshold
        else "no link between the two persons was taken (their records were not scored together above the threshold)"
    )


def _rule_passed(records: pl.DataFrame, a: dict, b: dict, hide: frozenset[str]) -> str:
    """For two records of one person: a never-merge rule between them and why it stood down, read
    on the two records and their cases (the run read it between whole clusters)."""
    cases = pl.DataFrame({C.SOURCE_SYSTEM: [a[C.SOURCE_SYSTEM], b[C.SOURCE_SYSTEM]], C.CASE_ID: [a[C.CASE_ID], b[C.CASE_ID]]})
    members = records.join(cases.unique(), on=[C.SOURCE_SYSTEM, C.CASE_ID])
    asked = [a[C.RECORD_ID], b[C.RECORD_ID]]
    frame = pl.concat(
        [records.filter(pl.col(C.RECORD_ID).is_in(asked)).sort(C.RECORD_ID), members.filter(~pl.col(C.RECORD_ID).is_in(asked))]
    )
    frame, facts = _with_facts(frame)
    reason = conflict(facts, 0, 1)
    if not reason:
        return ""
    if READS.get(reason) in hide:
        return f"{HIDDEN_RULE} stood down"
    if reason in parent_excuses(facts, 0, 1) and facts.role_group[0] == "parent" and _share_a_child(frame, a, b):
        return (
            f"the rule '{reason}' stood down: both records are the {a[C.ROLE]} of a child their two cases share, "
            "born the same day with a name in common (twins do not both parent one child)"
        )
    if reason in ONE_FIELD_EXCUSES and facts.role_group[0] == "child" and (0, 1) in _only_of_their_day(frame):
        return (
            f"the rule '{reason}' stood down: each record is the only child born that day in its case, in two cases "
            "of one mother that share another child (or the father too), and neither case holds a child who could be "
            "a twin (the field typed wholly wrong in one program)"
        )
    if reason == GENERATIONS and facts.role_group[0] == "child" and _only_of_their_name(frame, facts):
        return (
            f"the rule '{reason}' stood down: each record is the only child of that first name in its case, in two "
            "cases of one mother that share another child, and a surname they share that is not their mother's "
            "says one program typed the birth date wholly wrong (two children are no generation apart)"
        )
    bar = FIELD_CONFLICTS.get(reason)
    if bar is not None:
        return f"the rule '{reason}' was outweighed: a link of {bar:g} bits or more between their records"
    if reason == "two people of one case":
        return "the rule 'two people of one case' stood down: one person typed twice into the case"
    return f"the rule '{reason}' stood down: other records of the person answer it"


def _only_of_their_day(frame: pl.DataFrame) -> set[tuple[int, int]]:
    """The frame's (uid, uid) pairs family evidence reads as the only child of their day, the second
    asked record (uid 1) read as a person of its own, as it was before the two were joined."""
    return only_children_of_their_day(frame, _apart(frame))


def _apart(frame: pl.DataFrame) -> np.ndarray:
    """The frame's persons as labels, the second asked record (uid 1) a person of its own."""
    labels = frame[C.PERSON_ID].rank("dense").cast(pl.Int64).to_numpy().copy()
    labels[1] = labels.max() + 1
    return labels


def _only_of_their_name(frame: pl.DataFrame, facts: RecordFacts) -> bool:
    """Family evidence reads the two asked records as the only child of a name, the second read as a
    person of its own, as it was before the two were joined."""
    return (0, 1) in only_children_of_their_name(frame, _apart(frame)) and only_child_of_the_name(facts, 0, 1)


def _with_facts(frame: pl.DataFrame) -> tuple[pl.DataFrame, RecordFacts]:
    """The frame numbered 0..n-1 as uids, and the rules' facts of its records."""
    frame = frame.with_columns(pl.int_range(0, pl.len(), dtype=pl.Int64).alias(C.UID))
    return frame, RecordFacts.from_frame(frame.select(CLUSTER_COLUMNS))


def _share_a_child(frame: pl.DataFrame, a: dict, b: dict) -> bool:
    """The two records' cases hold a child of one person, and the records stand on one side of it."""
    if (a[C.ROLE] == "CP") != (b[C.ROLE] == "CP"):
        return False
    kids = frame.filter(pl.col(C.ROLE_GROUP) == "child")
    of = [
        set(kids.filter((pl.col(C.SOURCE_SYSTEM) == r[C.SOURCE_SYSTEM]) & (pl.col(C.CASE_ID) == r[C.CASE_ID]))[C.PERSON_ID])
        for r in (a, b)
    ]
    return bool(of[0] & of[1])


def _rule_between(
    records: pl.DataFrame, both: pl.DataFrame, pa: str, pb: str, asked: tuple[str, str], hide: frozenset[str]
) -> str | None:
    """The never-merge rule between the two persons' records, with the records it rests on (the
    asked pair first). The other members of their cases come along: a rule reads who raises a child
    and who its brothers and sisters are."""
    members = records.join(both.select(C.SOURCE_SYSTEM, C.CASE_ID).unique(), on=[C.SOURCE_SYSTEM, C.CASE_ID]).filter(
        ~pl.col(C.PERSON_ID).is_in([pa, pb])
    )
    frame, facts = _with_facts(pl.concat([both, members.select(both.columns)]))
    ids, people = frame[C.RECORD_ID].to_list(), frame[C.PERSON_ID].to_list()
    ga, gb = ([i for i, p in enumerate(people) if p == x] for x in (pa, pb))
    first = [(ids.index(asked[0]), ids.index(asked[1]))]
    for i, j in first + [(i, j) for i in ga for j in gb]:
        reason = conflict(facts, i, j)
        if reason and not (reason in FAMILY_RULES and one_family(facts, ga, gb, reason)):
            if READS.get(reason) in hide:
                return f"never-merge rule: {HIDDEN_RULE}"
            bar = FIELD_CONFLICTS.get(reason)
            kind = (
                f"a field that can be wholly wrong: a link of {bar:g} bits or more would outweigh it"
                if bar is not None
                else "a rule about people: no score outweighs it"
            )
            return f"never-merge rule '{reason}' between records {ids[i]} and {ids[j]} ({kind})"
    return None


def _flips(
    scorer: PairScorer,
    a: dict,
    b: dict,
    evidence: list,
    weight: float,
    link_weight: float,
    out: Explanation,
    hide: frozenset[str],
) -> list[str]:
    """Single changes that would make the pair a link: a rule's field agreeing, or one comparison at
    its strongest level."""
    if out.kept_apart_by and out.kept_apart_by.startswith("never-merge rule"):
        named = out.kept_apart_by.split("'")
        reason = named[1] if len(named) > 1 else ""  # a hidden rule is not named, nor what would lift it
        return [f"would not be kept apart if {FIELD_OF[reason]}"] if reason in FIELD_OF else []
    flips = []
    for e in evidence:
        best = scorer.best_weight(e.comparison)
        if e.weight < best and weight - e.weight + best >= link_weight:
            flips.append(f"would link if the {e.comparison.replace('_', ' ')} agreed ({scorer.best_level(e.comparison)})")
    return flips
