"""Referral check at scale, with today's practice (exact SSN of the CP or a child) beside it, and the
duplicate-case and misdirected-support reports against the generator's truth.

    python -m benchmarks.referrals --families 240000 --seed 2025 --referrals 100000

The generated families are cut to `--referrals` IV-A/IV-E cases (every IV-D case is kept), then
`linkage referrals` runs in its own process from the file to decisions and reports; wall time and
peak memory of that process are measured from outside.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import polars as pl

from benchmarks.case_truth import duplicate_truth, misdirected_truth, referral_truth
from benchmarks.generate import generate, write
from benchmarks.referral_eval import score_duplicates, score_misdirected, score_referrals, ssn_rule
from benchmarks.speed import BIN, measure
from linkage.store import load_current, store_connection


def ensure_data(families: int, seed: int, referrals: int | None, root: Path) -> Path:
    out = root / f"ref_f{families}_s{seed}_r{referrals or 'all'}"
    if (out / "records.parquet").exists():
        return out
    data = generate(families, seed)
    if referrals:
        data = cut_referrals(data, referrals, seed)
    write(data, out, "parquet")
    return out


def cut_referrals(data: dict[str, pl.DataFrame], keep: int, seed: int) -> dict[str, pl.DataFrame]:
    """Keep `keep` IV-A/IV-E cases, drawn at random; every IV-D case stays."""
    cases = data["cases"]
    ref = cases.filter(pl.col("source_system") != "IV-D").select("source_system", "case_id").rows()
    kept = set(random.Random(seed).sample(ref, min(keep, len(ref))))
    drop = pl.DataFrame([r for r in ref if r not in kept], schema=["source_system", "case_id"], orient="row")
    records = data["records"].join(drop, on=["source_system", "case_id"], how="anti")
    return {
        **data,
        "records": records,
        "cases": cases.join(drop, on=["source_system", "case_id"], how="anti"),
        "truth": data["truth"].join(records.select("record_id"), on="record_id"),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", type=int, default=240_000)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--referrals", type=int, default=100_000)
    ap.add_argument("--data", type=Path, default=Path("data/bench"))
    a = ap.parse_args(argv)
    d = ensure_data(a.families, a.seed, a.referrals, a.data)
    db = d / f"referrals_{time.time_ns()}.duckdb"
    run = measure(
        [
            str(BIN / "linkage"),
            "referrals",
            str(d / "records.parquet"),
            "--out",
            str(d / "decisions.parquet"),
            "--db",
            str(db),
            "--reports",
            str(d / "reports"),
        ]
    )
    if run.returncode != 0:
        raise SystemExit(f"linkage referrals failed (exit {run.returncode})")
    cases = pl.read_csv(d / "cases.csv", infer_schema=False)
    truth = referral_truth(cases)
    decisions = pl.read_parquet(d / "decisions.parquet")
    con = store_connection(db, read_only=True)
    records = load_current(
        con, columns=("record_id", "source_system", "case_id", "role", "case_status", "ssn_std"), with_pairs=False
    ).records
    con.close()
    ivd = records.filter(pl.col("source_system") == "IV-D").height
    ours, baseline = score_referrals(decisions, truth), score_referrals(ssn_rule(records), truth)
    dup = score_duplicates(pl.read_parquet(d / "reports" / "duplicate_cases.parquet"), duplicate_truth(cases))
    mis = score_misdirected(
        pl.read_parquet(d / "reports" / "misdirected_support.parquet"),
        misdirected_truth(cases),
        pl.read_csv(d / "truth.csv", infer_schema=False),
    )
    print(
        f"{ours.referrals:,} referrals against {ivd:,} IV-D records ({records.height:,} records in all); "
        f"`linkage referrals` with reports: {run.seconds:.1f} s, peak memory {run.peak_gb:.2f} GB\n"
    )
    print("| method | existing_case precision | recall | review share | existing predicted |")
    print("|---|---|---|---|---|")
    for label, s in (("project (family evidence on persons)", ours), ("today's practice: exact SSN of CP or a child", baseline)):
        print(f"| {label} | {s.precision:.4f} | {s.recall:.4f} | {s.review_share:.2%} | {s.predicted_existing:,} |")
    print(f"\nreferrals whose family has an open IV-D case: {ours.with_case:,}")
    print(f"duplicate IV-D cases: {dup.line()}")
    print(f"misdirected support: {mis.line()}")


if __name__ == "__main__":
    main()
