"""What family evidence cannot take: one child's records split across persons, and the child pairs
of cases already tied through the family, by what their dates and names say, one child or two.

python -m benchmarks.generate --records 50000 --seed 21 --errors admin --out data/a21
.venv/bin/linkage dedupe data/a21/records.csv --out data/a21/persons.csv --db data/a21/s.duckdb
python -m benchmarks.missed_children --db data/a21/s.duckdb --truth data/a21/truth.csv

The counts are what a rule on these fields alone would take and what it would merge wrongly (the
tables in benchmarks/RESULTS.md, 2026-12-07).
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

import polars as pl

from linkage import columns as C
from linkage.persons import family as F
from linkage.persons.constraints import RecordFacts, conflict
from linkage.store import load_current, store_connection


def split_children(recs: pl.DataFrame, f: RecordFacts) -> Counter:
    """True pairs of one child's records in two persons: same case, cases tied (a child or a
    custodial parent in common, by the run's persons), or not tied."""
    person, case, role = recs[C.PERSON_ID].to_list(), f.case_key, recs[C.ROLE].to_list()
    members: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for i in range(len(f)):
        members[case[i]][role[i]].add(person[i])
    kids = recs.filter(pl.col(C.ROLE) == "CH").select(C.UID, "person_key", C.PERSON_ID)
    pairs = kids.join(kids, on="person_key", suffix="_b").filter(
        (pl.col(C.UID) < pl.col(f"{C.UID}_b")) & (pl.col(C.PERSON_ID) != pl.col(f"{C.PERSON_ID}_b"))
    )
    out: Counter = Counter()
    for a, b in zip(pairs[C.UID].to_list(), pairs[f"{C.UID}_b"].to_list()):
        if case[a] == case[b]:
            out["one case"] += 1
            continue
        ma, mb = members[case[a]], members[case[b]]
        tied = (ma["CH"] - {person[a]}) & (mb["CH"] - {person[b]}) or ma["CP"] & mb["CP"]
        out["cases tied" if tied else "cases not tied"] += 1
    return out


def _kind(f: RecordFacts, a: int, b: int) -> str:
    da, db = f.dob[a], f.dob[b]
    if not (da and db):
        dates = "thin"
    elif F.identifiers_agree(f, a, b):
        dates = "identifiers agree"
    elif da[:6] == db[:6]:
        dates = "same month"
    elif da[:4] == db[:4]:
        dates = "same year"
    else:
        dates = "dates differ"
    first = "equal" if f.first[a] and f.first[a] == f.first[b] else "agree" if F.first_names_agree(f, a, b) else "differ"
    return f"{dates}; first name {first}; surname {'agrees' if F.surnames_agree(f, a, b) else 'differs'}"


def refused_child_pairs(recs: pl.DataFrame, f: RecordFacts, labels) -> tuple[Counter, Counter]:
    """Child pairs of tied cases that family evidence refuses with no rule against them, by kind and
    one child or two; and those the twins rule refuses, by whether each case holds no other child
    born that day."""
    key = recs["person_key"].to_list()
    pairs = F.family_pairs(recs, labels).filter(pl.col("kind") == "child")
    born: Counter[tuple[str, str | None]] = Counter(
        (f.case_key[i], f.dob[i]) for i, r in enumerate(recs[C.ROLE].to_list()) if r == "CH" and f.dob[i]
    )
    refused: Counter = Counter()
    twins: Counter = Counter()
    for a, b in zip(pairs["uid_a"].to_list(), pairs["uid_b"].to_list()):
        one = "one child" if key[a] == key[b] else "two"
        why = conflict(f, a, b)
        if why is None and not F.same_child(f, a, b):
            refused[_kind(f, a, b), one] += 1
        elif why is not None and "twins" in why:
            alone = born[f.case_key[a], f.dob[a]] == 1 and born[f.case_key[b], f.dob[b]] == 1
            twins["no other child born that day in either case" if alone else "another child born that day", one] += 1
    return refused, twins


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--truth", type=Path, required=True)
    a = ap.parse_args(argv)
    con = store_connection(a.db, read_only=True)
    try:
        current = load_current(con, with_pairs=False)
    finally:
        con.close()
    truth = pl.read_csv(a.truth, infer_schema=False).select(C.RECORD_ID, "person_key")
    recs = current.records.sort(C.UID).join(truth, on=C.RECORD_ID, how="left", maintain_order="left")
    f = RecordFacts.from_frame(recs)
    labels = recs[C.PERSON_ID].rank("dense").cast(pl.Int64).to_numpy()
    print("one child's records split across persons:")
    for text, n in split_children(recs, f).most_common():
        print(f"{n:>6}  {text}")
    refused, twins = refused_child_pairs(recs, f, labels)
    print("child pairs of tied cases that family evidence refuses (no rule against them): one child / two")
    for kind in sorted({k for k, _ in refused}, key=lambda k: -(refused[k, "one child"] + refused[k, "two"])):
        print(f"{refused[kind, 'one child']:>6} / {refused[kind, 'two']:<6} {kind}")
    print("child pairs of tied cases born the same day under two first names (twins rule): one child / two")
    for kind in sorted({k for k, _ in twins}):
        print(f"{twins[kind, 'one child']:>6} / {twins[kind, 'two']:<6} {kind}")


if __name__ == "__main__":
    main()
