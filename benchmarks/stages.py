"""Where a batch run spends its time and memory, stage by stage.

    python -m benchmarks.stages --records 1000000 --seed 2024
    python -m benchmarks.stages --records 5000000 --seed 2024 --memory-limit 3GB   # DuckDB's limit

Runs `linkage.pipeline.link` in this process on a generated file (the shipped model, nothing
written to a store) and samples this process's resident memory every 50 ms; prints each stage's
seconds and the peak memory reached during it. The scale benchmark measures the whole command from
outside; this says which stage to work on.
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import psutil

import linkage.cli  # noqa: F401 - sets the allocator's setting as the command does, before polars loads
from benchmarks.speed import ensure_data
from linkage.pipeline import LinkConfig, link


class StagePeaks:
    """A sampler thread that keeps the highest RSS seen since the last `mark`."""

    def __init__(self, interval: float = 0.05) -> None:
        self._proc = psutil.Process()
        self._interval = interval
        self._stage = "start"
        self._peaks: dict[str, int] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> StagePeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def mark(self, stage: str) -> None:
        self._sample()
        self._stage = stage

    def peaks_gb(self) -> dict[str, float]:
        return {k: v / 1e9 for k, v in self._peaks.items()}

    def _sample(self) -> None:
        rss = self._proc.memory_info().rss
        self._peaks[self._stage] = max(self._peaks.get(self._stage, 0), rss)

    def _run(self) -> None:
        while not self._done.is_set():
            self._sample()
            time.sleep(self._interval)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--data", type=Path, default=Path("data/bench"))
    ap.add_argument("--memory-limit", help="DuckDB's, for blocking and scoring (default: the pipeline's)")
    a = ap.parse_args(argv)
    d = ensure_data(a.records, a.seed, a.data)
    t0 = time.perf_counter()
    with StagePeaks() as peaks:
        result = link([d / "records.csv"], LinkConfig(memory_limit=a.memory_limit), progress=peaks.mark)
        peaks.mark("after the run")
    total = time.perf_counter() - t0
    gb = peaks.peaks_gb()
    print(
        f"{result.rows_read:,} records, {result.blocking.total_pairs:,} candidate pairs, "
        f"{result.summary()['persons']:,} persons; {total:.1f} s, peak {max(gb.values()):.2f} GB"
    )
    print("| stage | seconds | peak memory GB |\n|---|---|---|")
    for stage, seconds in result.timings.items():
        print(f"| {stage} | {seconds:.1f} | {gb.get(stage, 0):.2f} |")


if __name__ == "__main__":
    main()
