"""The placement worklist against the generator's truth: the right father for each child in care, the
relatives found through the generations (with --generations), and the time for the whole worklist.

    python -m benchmarks.worklist_eval [--records 200000] [--seed 5] [--generations]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl

from benchmarks.generate import TODAY, generate, write
from linkage.cases.locate import with_sex
from linkage.cases.members import case_members
from linkage.cases.relatives import SAME_CHILD, relatives
from linkage.cases.worklist import children_in_care, worklist
from linkage.pipeline import LinkConfig, link


def person_keys(records: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """(person_id, person_key): the true person most of a linked person's records belong to."""
    return (
        records.select("record_id", "person_id")
        .join(truth.select("record_id", pl.col("person_key").cast(pl.Int64)), on="record_id")
        .group_by("person_id")
        .agg(pl.col("person_key").mode().sort().first())
    )


def fathers_found(rows: pl.DataFrame, records: pl.DataFrame, truth: pl.DataFrame, parents: pl.DataFrame) -> dict[str, int]:
    """Children in care whose father has any record; of them, those whose father is named (as the
    person holding his records); and named men who are not the child's father, by whether a case
    only alleges them (PF: named on purpose, to be tested) or holds them as established."""
    keys = person_keys(records, truth)
    by_key = records.select("record_id", "source_system", "case_id", "role").join(
        truth.select("record_id", pl.col("person_key").cast(pl.Int64)), on="record_id"
    )
    has_record = by_key.select("person_key").unique()
    # named as this child's father: an NCP or PF row of a case that holds one of the child's records
    named_on_case = (
        by_key.filter(pl.col("role").is_in(["NCP", "PF"]))
        .join(by_key.filter(pl.col("role") == "CH"), on=["source_system", "case_id"], suffix="_child")
        .select(pl.col("person_key").alias("father_key"), pl.col("person_key_child").alias("child_key"))
        .unique()
    )
    kids = (
        rows.select("child_person_id")
        .unique()
        .join(keys, left_on="child_person_id", right_on="person_id")
        .join(parents, left_on="person_key", right_on="child_key")
        .join(has_record, left_on="father_key", right_on="person_key", how="semi")
    )
    on_case = kids.join(named_on_case, left_on=["person_key", "father_key"], right_on=["child_key", "father_key"], how="semi")
    named = (
        rows.filter(pl.col("father_person_id").is_not_null())
        .join(keys, left_on="father_person_id", right_on="person_id")
        .select("child_person_id", pl.col("person_key").alias("named_key"), "paternity_status")
    )
    right = kids.join(named, left_on=["child_person_id", "father_key"], right_on=["child_person_id", "named_key"], how="semi")
    wrong = named.join(kids.select("child_person_id", "father_key"), on="child_person_id").filter(
        pl.col("named_key") != pl.col("father_key")
    )
    alleged = wrong.filter(pl.col("paternity_status").is_null() | (pl.col("paternity_status") == "ALLEGED"))
    return {
        "children_in_care": rows["child_person_id"].n_unique(),
        "with_father_on_record": kids.height,
        "father_named_on_a_case_of_theirs": on_case.height,
        "father_named": right.height,
        "father_named_of_those": right.join(on_case, on="child_person_id", how="semi").height,
        "other_men_named_alleged": alleged.height,
        "other_men_named_established": wrong.height - alleged.height,
    }


def true_relatives(parents: pl.DataFrame) -> Callable[[int], dict[int, str]]:
    """child key -> {relative key: kind} from the truth's parents: grandparents, the parents' siblings,
    siblings and half-siblings, and the mothers of the father's other children."""
    of = {r["child_key"]: (r["father_key"], r["mother_key"]) for r in parents.iter_rows(named=True)}
    children: dict[int, set[int]] = {}
    for c, pair in of.items():
        for p in pair:
            if p:
                children.setdefault(p, set()).add(c)

    def kin(c: int) -> dict[int, str]:
        out: dict[int, str] = {}
        father, mother = of.get(c, (0, 0))
        for side, p in (("paternal", father), ("maternal", mother)):
            if not p:
                continue
            for g in of.get(p, (0, 0)):
                if g:
                    out[g] = f"{side} grandparent"
                    out.update({s: f"{side} parent's sibling" for s in children.get(g, ()) if s != p and s not in out})
            for s in children.get(p, ()):
                if s != c:
                    out.setdefault(s, "sibling")
                    their_mother = of.get(s, (0, 0))[1]
                    if side == "paternal" and their_mother and their_mother != mother:
                        out.setdefault(their_mother, "custodial parent of the father's child")
        return out

    return kin


def named_together(records: pl.DataFrame, truth: pl.DataFrame) -> set[tuple[int, int]]:
    """(adult key, child key): the true person is an adult (CP, NCP, PF) of a case holding a record
    of the child: what a perfect linkage could read a parent from."""
    by_key = records.select("record_id", "source_system", "case_id", "role").join(
        truth.select("record_id", pl.col("person_key").cast(pl.Int64)), on="record_id"
    )
    adults, kids = by_key.filter(pl.col("role") != "CH"), by_key.filter(pl.col("role") == "CH")
    pairs = adults.join(kids, on=["source_system", "case_id"], suffix="_child").select("person_key", "person_key_child")
    return set(pairs.unique().iter_rows())


def in_the_data(kind: str, child: int, relative: int, of: dict, named: set[tuple[int, int]]) -> bool:
    """Whether the cases hold the ties that make `relative` this child's `kind`: the parent it comes
    through named with the child, and (for grandparents and the parents' siblings) the grandparent
    named with the parent and the sibling. A relative that is not would need other data to be found."""
    father, mother = of.get(child, (0, 0))
    parent = mother if kind.startswith("maternal") else father
    if kind.endswith("grandparent"):
        return (parent, child) in named and (relative, parent) in named
    if kind.endswith("parent's sibling"):
        grand = [g for g in of.get(parent, (0, 0)) if g]
        return (parent, child) in named and any((g, parent) in named and (g, relative) in named for g in grand)
    if kind == "sibling":
        return any((p, child) in named and (p, relative) in named for p in (father, mother) if p)
    return (father, child) in named


def relatives_found(
    records: pl.DataFrame, truth: pl.DataFrame, parents: pl.DataFrame, as_of: date, first: int = 1000
) -> dict[str, tuple[int, int, int, int]]:
    """For the first `first` children in care (by person key), per kind of relative: (found, existing
    with a record, found of those the cases tie to the child, tied), and ("not relatives", ...):
    people listed who are not the child's relatives (the child itself, split into two persons and
    listed as a sibling, counts as not a relative); ("possibly the child itself", listed, truly the
    child, 0, 0): those listed as SAME_CHILD, counted apart from both."""
    keys = person_keys(records, truth)
    care = children_in_care(records, as_of).join(keys, left_on="child_person_id", right_on="person_id")
    care = care.sort("person_key").head(first)
    m = with_sex(case_members(records), records)
    kin = relatives(m, care["child_person_id"].to_list())
    own = kin.filter(pl.col("relationship") == SAME_CHILD).join(keys, left_on="child_person_id", right_on="person_id")
    own = own.join(keys.rename({"person_key": "relative_key"}), left_on="relative_person_id", right_on="person_id")
    kin = kin.filter(pl.col("relationship") != SAME_CHILD)
    listed = (
        kin.join(keys, left_on="child_person_id", right_on="person_id")
        .rename({"person_key": "child_key"})
        .join(keys, left_on="relative_person_id", right_on="person_id")
        .rename({"person_key": "relative_key"})
    )
    found: dict[int, set[int]] = {}
    for c, r in listed.select("child_key", "relative_key").iter_rows():
        found.setdefault(c, set()).add(r)
    with_record = set(truth["person_key"].cast(pl.Int64).to_list())
    truth_of = true_relatives(parents)
    of = {r["child_key"]: (r["father_key"], r["mother_key"]) for r in parents.iter_rows(named=True)}
    named = named_together(records, truth)
    counts: dict[str, tuple[int, int, int, int]] = {}
    wrong = 0
    for c in care["person_key"].unique().to_list():
        expected = truth_of(c)
        wrong += len(found.get(c, set()) - set(expected))
        for r, kind in expected.items():
            if r in with_record:
                f, n, tf, tn = counts.get(kind, (0, 0, 0, 0))
                hit, tied = r in found.get(c, set()), in_the_data(kind, c, r, of, named)
                counts[kind] = (f + hit, n + 1, tf + (hit and tied), tn + tied)
    counts["not relatives"] = (wrong, 0, 0, 0)
    counts["possibly the child itself"] = (own.height, own.filter(pl.col("person_key") == pl.col("relative_key")).height, 0, 0)
    return counts


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--generations", action="store_true", help="three-generation families, and the relatives table")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data = generate(records=a.records, seed=a.seed, generations=a.generations)
        write(data, Path(tmp))
        result = link([Path(tmp) / "records.csv"], LinkConfig())
        t0 = time.perf_counter()
        rows = worklist(result.records, TODAY)
        seconds = time.perf_counter() - t0
    found = fathers_found(rows, result.records, data["truth"], data["parents"])
    share = found["father_named"] / max(found["with_father_on_record"], 1)
    of_named = found["father_named_of_those"] / max(found["father_named_on_a_case_of_theirs"], 1)
    print(
        "| data | children in care | father has a record | his record names him on a case of the child | "
        "right father listed | of those named on a case | other men listed: alleged / established | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| generated {a.records:,} seed {a.seed} | {found['children_in_care']:,} | {found['with_father_on_record']:,} "
        f"| {found['father_named_on_a_case_of_theirs']:,} | {found['father_named']:,} ({share:.4f}) "
        f"| {found['father_named_of_those']:,} ({of_named:.4f}) | {found['other_men_named_alleged']} / "
        f"{found['other_men_named_established']} | {seconds:.2f} |"
    )
    if a.generations:
        kinds = relatives_found(result.records, data["truth"], data["parents"], TODAY)
        print(
            "\n| relatives of the first 1,000 children in care | found | existing with a record | share "
            "| of those the cases tie to the child: found / tied | share |\n|---|---|---|---|---|---|"
        )
        listed, truly = kinds.pop("possibly the child itself")[:2]
        for kind, (f, n, tf, tn) in sorted(kinds.items()):
            print(
                f"| {kind} | {f:,} | {n:,} | {f / n:.4f} | {tf:,} / {tn:,} | {tf / max(tn, 1):.4f} |"
                if n
                else f"| {kind} | {f:,} | | | | |"
            )
        print(f"| listed apart as possibly the child itself | {listed:,} | (truly the child: {truly:,}) | | | |")


if __name__ == "__main__":
    main()
