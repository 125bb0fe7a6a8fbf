"""How time and memory grow with the data, per engine.

    python -m benchmarks.scale --records 1000000 --engine duckdb spark
    python -m benchmarks.scale --records 1000000 5000000 --engine duckdb
    python -m benchmarks.scale --records 1000000 --engine spark duckdb --command referrals
    python -m benchmarks.scale --records 1000000 5000000 --engine duckdb --geography state

Each run is `linkage dedupe` in its own process from the generated records file (the shipped
model), measured from outside (wall time, peak resident memory of the process tree, which for Spark
includes its JVM and Python workers); persons are scored against the generator's truth. With
both engines, their persons are compared (and with `--command referrals`, their decisions).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from benchmarks.speed import BIN, ensure_data, measure
from linkage.evaluate import score_clusters


def run_one(d: Path, engine: str, spark_partitions: int, spark_memory: str, command: str = "dedupe") -> tuple[float, float, str]:
    out = d / f"scale_{command}_{engine}.parquet"
    persons_out = d / f"scale_{command}_{engine}.persons.parquet"
    cmd = [str(BIN / "linkage"), command, str(d / "records.csv"), "--out", str(out), "--engine", engine]
    if command == "referrals":
        cmd += ["--persons", str(persons_out)]
    if engine == "spark":
        cmd += ["--spark-partitions", str(spark_partitions), "--spark-conf", f"spark.driver.memory={spark_memory}"]
    else:
        store = d / f"scale_{command}.duckdb"
        store.unlink(missing_ok=True)  # a first run at every size: a re-run also matches the previous ids
        Path(f"{store}.wal").unlink(missing_ok=True)
        cmd += ["--db", str(store)]
    m = measure(cmd)
    if m.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {m.returncode}")
    persons = _read(persons_out if command == "referrals" else out)
    truth = pl.read_csv(d / "truth.csv", infer_schema=False)
    return m.seconds, m.peak_gb, score_clusters(persons, truth).line()


def _read(path: Path) -> pl.DataFrame:
    return pl.read_parquet(path / "*.parquet" if path.is_dir() else path)


def engines_compared(d: Path, command: str) -> str:
    """The two engines' persons compared as partitions (pairwise F1), and for referrals their decisions."""
    persons = {
        e: _read(d / (f"scale_{command}_{e}.persons.parquet" if command == "referrals" else f"scale_{command}_{e}.parquet"))
        for e in ("duckdb", "spark")
    }
    f1 = score_clusters(persons["spark"], persons["duckdb"].select("record_id", pl.col("person_id").alias("person_key"))).f1
    line = f"persons: pairwise F1 {f1:.4f} between the engines"
    return line + ("; " + decision_agreement(d) if command == "referrals" else "")


def decision_agreement(d: Path) -> str:
    """How many referrals the two engines decide alike (decision and IV-D case), and which fields differ."""
    duck, spark = (_read(d / f"scale_referrals_{e}.parquet") for e in ("duckdb", "spark"))
    both = duck.join(spark, on=["source_system", "referral_id"], suffix="_spark")
    same = both.filter(
        (pl.col("decision") == pl.col("decision_spark")) & pl.col("ivd_case_id").eq_missing(pl.col("ivd_case_id_spark"))
    ).height
    differ = {c: both.filter(pl.col(c).ne_missing(pl.col(f"{c}_spark"))).height for c in ("score", "reasons")}
    return (
        f"{same:,} of {duck.height:,} referrals ({spark.height:,} on Spark) with the same decision and IV-D case; "
        f"differing: " + ", ".join(f"{c} {n:,}" for c, n in differ.items())
    )


def counties_for(records: int, geography: str) -> int:
    """How many counties' zips a generated file of this size spans."""
    return max(1, round(records / 1_000_000)) if geography == "state" else 1


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--engine", nargs="+", default=["duckdb"], choices=["duckdb", "spark"])
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--data", type=Path, default=Path("data/bench"))
    ap.add_argument("--spark-partitions", type=int, default=16)
    ap.add_argument("--spark-memory", default="8g")
    ap.add_argument("--command", choices=["dedupe", "referrals"], default="dedupe")
    ap.add_argument(
        "--geography",
        choices=["county", "state"],
        default="county",
        help="county: every size in one county's zips (denser as it grows); state: one more "
        "county per million records, as a statewide file spans more of the state",
    )
    a = ap.parse_args(argv)
    print("| engine | records | seconds | peak memory GB | accuracy against the truth |\n|---|---|---|---|---|")
    for n in a.records:
        d = ensure_data(n, a.seed, a.data, counties_for(n, a.geography))
        rows = pl.scan_csv(d / "records.csv", infer_schema=False).select(pl.len()).collect().item()
        for engine in a.engine:
            seconds, peak, line = run_one(d, engine, a.spark_partitions, a.spark_memory, a.command)
            print(f"| {engine} | {rows:,} | {seconds:.1f} | {peak:.2f} | {line} |", flush=True)
        if set(a.engine) == {"duckdb", "spark"}:
            print(f"\n{n:,} records, engines compared: {engines_compared(d, a.command)}")


if __name__ == "__main__":
    main()
