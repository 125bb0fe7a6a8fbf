"""Threshold tuning and clerical review, measured on generated data with truth.

    python -m benchmarks.tuning --families 8000 --seed 5 --review 300

1. `linkage dedupe` with the accepted model; the workbench re-clusters the run at several link
   thresholds and scores each against the truth (what the notebook shows an analyst).
2. A simulated reviewer decides `--review` grey-zone pairs by the truth; the precision the decisions
   give for the grey zone is set beside the true precision of all grey-zone pairs (the sample's error).
3. One threshold is saved as a version through the workbench and the batch is re-run with it: the
   persons it gives are compared with what the workbench predicted.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import polars as pl

from benchmarks.generate import generate, write
from linkage.model.files import default_models_dir
from linkage.store import store_connection
from linkage.store.review import add_decisions, next_batch
from linkage.tune import Workbench

LINKAGE = str(Path(sys.executable).parent / "linkage")
THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999)


def dedupe(records: Path, db: Path, out: Path, models_dir: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [LINKAGE, "dedupe", str(records), "--out", str(out), "--db", str(db), "--models-dir", str(models_dir)],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - t0


def simulated_review(db: Path, truth: dict[str, str], n: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Decide `n` queued pairs by the truth; returns (the decided pairs, the whole grey zone marked)."""
    con = store_connection(db)
    try:
        everything = next_batch(con, 10**9)
        batch = everything.head(n)
        decided = batch.select(
            "record_id_l",
            "record_id_r",
            pl.Series(
                "decision",
                [
                    "match" if truth[a] == truth[b] else "not a match"
                    for a, b in batch.select("record_id_l", "record_id_r").iter_rows()
                ],
            ),
            pl.lit("simulated").alias("reviewer"),
            pl.lit(datetime.now(), pl.Datetime("us")).alias("decided_at"),
            pl.lit(None, pl.String).alias("note"),
        )
        add_decisions(con, decided, "benchmarks.tuning")
    finally:
        con.close()
    marked = everything.with_columns(
        pl.Series("same", [truth[a] == truth[b] for a, b in everything.select("record_id_l", "record_id_r").iter_rows()])
    )
    return decided, marked


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--families", type=int, default=8000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--review", type=int, default=300)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tuning-"))
    try:
        write(generate(args.families, args.seed), work)
        models = work / "models"
        shutil.copytree(default_models_dir() / "default", models / "default")
        db = work / "s.duckdb"
        seconds = dedupe(work / "records.csv", db, work / "persons.csv", models)
        truth_df = pl.read_csv(work / "truth.csv", infer_schema=False)
        truth = dict(zip(truth_df["record_id"], truth_df["person_key"]))
        print(f"{truth_df.height:,} records; dedupe {seconds:.1f} s\n")

        t0 = time.perf_counter()
        wb = Workbench.open(db, models_dir=models, truth=work / "truth.csv")
        rows = [wb.outcome(t, min(0.5, t)) for t in THRESHOLDS]
        sweep = time.perf_counter() - t0
        print("| link at | persons | pairs linked | review queue | precision | recall | F1 |\n|---|---|---|---|---|---|---|")
        for o in rows:
            print(
                f"| {o['link']} | {o['persons']:,} | {o['pairs_linked']:,} | {o['review_queue']:,} | "
                f"{o['precision']:.4f} | {o['recall']:.4f} | {o['f1']:.4f} |"
            )
        print(f"\nworkbench open + {len(THRESHOLDS)} outcomes: {sweep:.1f} s")

        decided, grey = simulated_review(db, truth, args.review)
        est = float((decided["decision"] == "match").to_numpy().mean())
        print(
            f"\nreview: {decided.height:,} of {grey.height:,} grey-zone pairs decided; share that are matches: "
            f"{est:.3f} from the decisions, {float(grey['same'].to_numpy().mean()):.3f} over the whole grey zone "
            f"(the export sends the most uncertain first, so the sample is not uniform)"
        )

        chosen = 0.99
        predicted = Workbench.open(db, models_dir=models).persons_at(chosen)
        wb.save("bench-0.99", chosen, 0.5, by="benchmark")
        dedupe(work / "records.csv", db, work / "again.csv", models)
        again = pl.read_csv(work / "again.csv", infer_schema=False)
        part = lambda df: {frozenset(g) for g in df.group_by("person_id").agg("record_id")["record_id"].to_list()}  # noqa: E731
        same = part(again) == part(predicted)
        print(
            f"saved link {chosen} as a version, re-ran the batch (with the {decided.height} decisions): "
            f"persons {again['person_id'].n_unique():,}; identical to the workbench's prediction: {same}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
