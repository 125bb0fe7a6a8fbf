"""Why relatives of children in care are missed or listed wrongly, against the generator's truth.

python -m benchmarks.generate --records 100000 --seed 5 --generations --out data/w5
.venv/bin/linkage dedupe data/w5/records.csv --out data/w5/persons.csv --db data/w5/s.duckdb
python -m benchmarks.missed_relatives --db data/w5/s.duckdb --truth data/w5/truth.csv --parents data/w5/parents.csv

For the first 1,000 children in care (as `benchmarks.worklist_eval` counts them): each paternal
grandparent, father's sibling and sibling the cases tie to the child but the relatives do not list,
by the tie that broke; and each person listed who is not a relative, by what the linkage did to the
person it came through (the tables in benchmarks/RESULTS.md, 2026-12-07).
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import date
from pathlib import Path

import polars as pl

from benchmarks.generate import TODAY
from benchmarks.worklist_eval import in_the_data, named_together, person_keys, true_relatives
from linkage import columns as C
from linkage.cases.locate import with_sex
from linkage.cases.members import case_members
from linkage.cases.relatives import SAME_CHILD, parent_edges, relatives
from linkage.cases.worklist import WORKLIST_COLUMNS, children_in_care
from linkage.store import load_current, store_connection

KINDS = ("paternal grandparent", "paternal parent's sibling", "sibling")


class Truth:
    """The linked records read against the truth: each true person's person ids, each child's parents."""

    def __init__(self, records: pl.DataFrame, truth: pl.DataFrame, parents: pl.DataFrame) -> None:
        by_key = records.join(truth.select(C.RECORD_ID, pl.col("person_key").cast(pl.Int64)), on=C.RECORD_ID)
        self.persons: dict[int, set[str]] = {}
        for k, p in by_key.select("person_key", C.PERSON_ID).unique().iter_rows():
            self.persons.setdefault(k, set()).add(p)
        self.people_in = dict(by_key.group_by(C.PERSON_ID).agg(pl.col("person_key").n_unique()).iter_rows())
        self.parents = {r["child_key"]: (r["father_key"], r["mother_key"]) for r in parents.iter_rows(named=True)}
        self.named = named_together(records, truth)


def missed(records: pl.DataFrame, truth: pl.DataFrame, parents: pl.DataFrame, as_of: date, first: int = 1000) -> Counter:
    """(kind, why) -> count over the tied relatives of KINDS not listed (a relative counts as listed
    when a person holding any of its records is)."""
    t, care, edges, found = _read(records, truth, parents, as_of, first)
    kin = true_relatives(parents)
    out: Counter = Counter()
    for child, key in care.select("child_person_id", "person_key").iter_rows():
        for rel, kind in kin(key).items():
            if kind not in KINDS or rel not in t.persons or t.persons[rel] & found.get(child, set()):
                continue
            if in_the_data(kind, key, rel, t.parents, t.named):
                out[kind, _why(t, edges, child, key, rel, kind)] += 1
    return out


def _why(t: Truth, edges: dict, child: str, key: int, rel: int, kind: str) -> str:
    """The first tie that broke, through the father (or, for a sibling the cases tie only through
    the mother, through her)."""
    father, mother = t.parents.get(key, (0, 0))
    side, parent = "father", father
    if kind == "sibling" and not ((father, rel) in t.named and (father, key) in t.named):
        side, parent = "mother", mother
    his = t.persons.get(parent, set())
    as_parent = [p for p in his if (p, child) in edges]
    if not as_parent:
        return f"the {side} is not taken as the child's parent" + (
            " (several absent parents, or no surname of his)" if side == "father" else ""
        )
    if kind == "sibling":
        to_sibling = [(p, edges[p, s]) for p in his for s in t.persons[rel] if (p, s) in edges]
        if not to_sibling:
            return f"the {side} is not taken as the sibling's parent"
        if not any(p in as_parent for p, _ in to_sibling):
            return f"the {side}'s records split: one person the child's parent, another the sibling's"
        if all(alleged for p, alleged in to_sibling if p in as_parent):
            return "a IV-D case only alleges him as the sibling's father (not followed down)"
        return "other"
    grand = [g for g in t.parents.get(parent, (0, 0)) if g]
    childhood = {p for p in his if any((gp, p) in edges for g in grand for gp in t.persons.get(g, set()))}
    if not childhood & set(as_parent):
        return "the father's records split: his record on the child's case not joined to his childhood record"
    return "other"


def wrongly_listed(records: pl.DataFrame, truth: pl.DataFrame, parents: pl.DataFrame, as_of: date, first: int = 1000) -> Counter:
    """why -> count over the persons listed who are not the child's relatives."""
    t, care, _, _ = _read(records, truth, parents, as_of, first)
    keys = person_keys(records, truth)
    kin = relatives(with_sex(case_members(records), records), care["child_person_id"].to_list())
    listed = (
        kin.filter(pl.col("relationship") != SAME_CHILD)
        .join(keys.rename({"person_key": "child_key"}), left_on="child_person_id", right_on=C.PERSON_ID)
        .join(keys.rename({"person_key": "relative_key"}), left_on="relative_person_id", right_on=C.PERSON_ID)
    )
    truly = true_relatives(parents)
    out: Counter = Counter()
    for r in listed.iter_rows(named=True):
        if r["relative_key"] in truly(r["child_key"]):
            continue
        if r["relative_key"] == r["child_key"]:
            out["the child itself, its records split into two persons"] += 1
        elif t.people_in.get(r["through_person_id"], 1) > 1:
            out["through a person holding records of several people (merged)"] += 1
        elif t.people_in.get(r["relative_person_id"], 1) > 1:
            out["a person holding records of several people (merged)"] += 1
        else:
            out["other"] += 1
    return out


def _read(records: pl.DataFrame, truth: pl.DataFrame, parents: pl.DataFrame, as_of: date, first: int):
    """The truth, the first `first` children in care, the parent edges {(parent, child): alleged and
    not read from a surname}, and each child's listed relatives (as `worklist_eval` counts them: not
    those listed apart as possibly the child itself)."""
    t = Truth(records, truth, parents)
    care = (
        children_in_care(records, as_of)
        .join(person_keys(records, truth), left_on="child_person_id", right_on=C.PERSON_ID)
        .sort("person_key")
        .head(first)
    )
    m = with_sex(case_members(records), records)
    edges = {(p, c): a and not rd for p, c, _, a, rd in parent_edges(m).iter_rows()}
    found: dict[str, set[str]] = {}
    kin = relatives(m, care["child_person_id"].to_list()).filter(pl.col("relationship") != SAME_CHILD)
    for c, r in kin.select("child_person_id", "relative_person_id").iter_rows():
        found.setdefault(c, set()).add(r)
    return t, care, edges, found


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--parents", type=Path, required=True)
    a = ap.parse_args(argv)
    con = store_connection(a.db, read_only=True)
    try:
        records = load_current(con, columns=WORKLIST_COLUMNS, with_pairs=False).records
    finally:
        con.close()
    truth = pl.read_csv(a.truth, infer_schema=False)
    parents = pl.read_csv(a.parents)
    print("tied relatives of the first 1,000 children in care not listed, by the tie that broke:")
    for (kind, why), n in sorted(missed(records, truth, parents, TODAY).items()):
        print(f"{n:>6}  {kind}: {why}")
    print("listed but not a relative:")
    for why, n in wrongly_listed(records, truth, parents, TODAY).most_common():
        print(f"{n:>6}  {why}")


if __name__ == "__main__":
    main()
