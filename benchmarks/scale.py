"""How time and memory grow with the data, per engine.

    python -m benchmarks.scale --records 1000000 --engine duckdb spark
    python -m benchmarks.scale --records 1000000 5000000 --engine duckdb

Each run is `linkage dedupe` in its own process from the generated records file (the shipped
model), measured from outside (wall time, peak resident memory of the process tree, which for Spark
includes its JVM and Python workers); persons are scored against the generator's truth.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from benchmarks.speed import BIN, ensure_data, measure
from linkage.evaluate import score_clusters


def run_one(d: Path, engine: str, spark_partitions: int, spark_memory: str) -> tuple[float, float, str]:
    out = d / f"scale_{engine}.parquet"
    cmd = [str(BIN / "linkage"), "dedupe", str(d / "records.csv"), "--out", str(out), "--engine", engine]
    if engine == "spark":
        cmd += ["--spark-partitions", str(spark_partitions), "--spark-conf", f"spark.driver.memory={spark_memory}"]
    else:
        cmd += ["--db", str(d / "scale.duckdb")]
    m = measure(cmd)
    if m.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {m.returncode}")
    persons = pl.read_parquet(out / "*.parquet" if out.is_dir() else out)
    truth = pl.read_csv(d / "truth.csv", infer_schema=False)
    return m.seconds, m.peak_gb, score_clusters(persons, truth).line()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--engine", nargs="+", default=["duckdb"], choices=["duckdb", "spark"])
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--data", type=Path, default=Path("data/bench"))
    ap.add_argument("--spark-partitions", type=int, default=16)
    ap.add_argument("--spark-memory", default="8g")
    a = ap.parse_args(argv)
    print("| engine | records | seconds | peak memory GB | accuracy against the truth |\n|---|---|---|---|---|")
    for n in a.records:
        d = ensure_data(n, a.seed, a.data)
        for engine in a.engine:
            seconds, peak, line = run_one(d, engine, a.spark_partitions, a.spark_memory)
            print(f"| {engine} | {n:,} | {seconds:.1f} | {peak:.2f} | {line} |", flush=True)


if __name__ == "__main__":
    main()
