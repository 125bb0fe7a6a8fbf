"""What the person linkage misses: true pairs split across persons, by what their records hold.

python -m benchmarks.generate --families 8000 --seed 5 --out data/g54
.venv/bin/linkage dedupe data/g54/records.csv --out data/g54/persons.csv --db data/g54/s.duckdb
python -m benchmarks.missed --db data/g54/s.duckdb --truth data/g54/truth.csv
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import polars as pl

from linkage import columns as C
from linkage.store import load_current, store_connection

SHOWN = (C.RECORD_ID, C.PERSON_ID, C.ROLE, C.FN, C.SN, C.DOB_STR, C.SSN_STD)


def kind(r: dict) -> str:
    """A split pair's shape: which identifiers each side has, whether names agree, the roles."""
    da, db = r[f"{C.DOB_STR}_a"], r[f"{C.DOB_STR}_b"]
    dob = "dob both " + ("equal" if da == db else "differ") if da and db else ("dob one side" if da or db else "no dob")
    sa, sb = r[f"{C.SSN_STD}_a"], r[f"{C.SSN_STD}_b"]
    ssn = "ssn equal" if sa and sa == sb else "ssn differ" if sa and sb else "ssn missing"
    names = (
        ("first equal" if r[f"{C.FN}_a"] == r[f"{C.FN}_b"] else "first differ")
        + ", "
        + ("surname equal" if r[f"{C.SN}_a"] == r[f"{C.SN}_b"] else "surname differ")
    )
    return f"{dob}; {ssn}; {names}; {r[f'{C.ROLE}_a']}/{r[f'{C.ROLE}_b']}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--top", type=int, default=15)
    a = ap.parse_args(argv)
    con = store_connection(a.db, read_only=True)
    try:
        current = load_current(con, SHOWN)
    finally:
        con.close()
    truth = pl.read_csv(a.truth, infer_schema=False).select(C.RECORD_ID, "person_key")
    df = current.records.join(truth, on=C.RECORD_ID)
    pairs = (
        df.rename({c: f"{c}_a" for c in SHOWN})
        .join(df.rename({c: f"{c}_b" for c in SHOWN}), on="person_key")
        .filter(pl.col(f"{C.RECORD_ID}_a") < pl.col(f"{C.RECORD_ID}_b"))
    )
    split = pairs.filter(pl.col(f"{C.PERSON_ID}_a") != pl.col(f"{C.PERSON_ID}_b"))
    scored = current.pairs.select(
        pl.min_horizontal("record_id_l", "record_id_r").alias(f"{C.RECORD_ID}_a"),
        pl.max_horizontal("record_id_l", "record_id_r").alias(f"{C.RECORD_ID}_b"),
        "match_probability",
    )
    split = split.join(scored, on=[f"{C.RECORD_ID}_a", f"{C.RECORD_ID}_b"], how="left")
    print(
        f"true pairs {pairs.height:,}; split across persons {split.height:,} "
        f"({split['person_key'].n_unique():,} persons); never scored at or above the review threshold: "
        f"{split['match_probability'].is_null().sum():,}; scored at or above the link threshold "
        f"(kept apart by a rule): {(split['match_probability'] >= current.link_threshold).sum():,}"
    )
    for text, n in Counter(kind(r) for r in split.iter_rows(named=True)).most_common(a.top):
        print(f"{n:>6}  {text}")


if __name__ == "__main__":
    main()
