"""Speed and memory, project against plain Splink, on the same generated file in the same run.

    python -m benchmarks.speed --records 1000000 --seed 2024

Each system runs in its own process from the records file to persons; wall time and the peak
resident memory of its process tree are measured from outside, accuracy against the truth after.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import psutil

from benchmarks.evaluate import evaluate, read_table
from benchmarks.generate import generate, write

BIN = Path(sys.executable).parent


@dataclass
class Measured:
    seconds: float
    peak_gb: float
    returncode: int


def measure(cmd: list[str]) -> Measured:
    """Run `cmd`, sampling the RSS of its whole process tree every 0.1 s."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        p = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                rss = p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    rc = proc.wait()
    done.set()
    t.join()
    return Measured(time.perf_counter() - t0, peak / 1e9, rc)


def ensure_data(records: int, seed: int, root: Path, counties: int = 1) -> Path:
    out = root / (f"g{records}_s{seed}" + (f"_c{counties}" if counties > 1 else ""))
    if not (out / "records.csv").exists():
        write(generate(records=records, seed=seed, counties=counties), out)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--data", type=Path, default=Path("data/bench"))
    ap.add_argument("--train", action="store_true", help="the project also trains on the input")
    ap.add_argument("--skip-plain", action="store_true")
    a = ap.parse_args(argv)
    d = ensure_data(a.records, a.seed, a.data)
    store = d / "speed.duckdb"  # a fresh store each time (a previous run's ids would change the work), kept after
    store.unlink(missing_ok=True)
    ours_cmd = [
        str(BIN / "linkage"),
        "dedupe",
        str(d / "records.csv"),
        "--out",
        str(d / "ours.parquet"),
        "--db",
        str(store),
    ] + (["--train"] if a.train else [])
    rows = []
    ours = measure(ours_cmd)
    label = "project (trains on the input)" if a.train else "project (shipped model)"
    rows.append((label, ours, d / "ours.parquet"))
    if not a.skip_plain:
        plain = measure(
            [str(BIN / "python"), "-m", "benchmarks.plain_splink", str(d / "records.csv"), "--out", str(d / "plain.parquet")]
        )
        rows.append(("plain Splink (trains on the input)", plain, d / "plain.parquet"))
    truth, hard = read_table(d / "truth.csv"), read_table(d / "hard_pairs.csv")
    n = pl.read_csv(d / "records.csv", infer_schema=False, columns=["record_id"]).height
    print("| system | records | seconds | peak memory GB | precision | recall | F1 | look-alikes merged |")
    print("|---|---|---|---|---|---|---|---|")
    for label, m, path in rows:
        if m.returncode != 0:
            print(f"| {label} | {n:,} | failed (exit {m.returncode}) | | | | | |")
            continue
        s, merges = evaluate(read_table(path), truth, hard)
        merged = int(merges["merged"].sum()) if merges is not None else 0
        print(
            f"| {label} | {n:,} | {m.seconds:.1f} | {m.peak_gb:.2f} | {s.precision:.4f} | {s.recall:.4f} | "
            f"{s.f1:.4f} | {merged} |"
        )
    if len(rows) == 2 and all(m.returncode == 0 for _, m, _ in rows):
        print(
            f"\ntime ratio project / plain Splink: {rows[0][1].seconds / rows[1][1].seconds:.2f}; "
            f"memory ratio: {rows[0][1].peak_gb / rows[1][1].peak_gb:.2f}"
        )


if __name__ == "__main__":
    main()
