"""The match path without HTTP: where a query's time goes, and which queries are slow.

    python -m benchmarks.service_inprocess --records 1000000 --seed 2024

Builds the service's index from the store `benchmarks.service_speed` uses, then times the same
2,000 generated queries through standardizing, candidate keys, scoring and gathering the answer.
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from benchmarks.service_speed import ensure_store, queries
from benchmarks.speed import ensure_data
from linkage import columns as C
from linkage.model import resolve_model
from linkage.standardize.one import standardize_one
from linkage.store import load_current, store_connection
from service.index import INDEX_COLUMNS, PersonIndex
from service.schemas import PersonQuery


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--data", type=Path, default=Path("data/bench"))
    a = ap.parse_args(argv)
    d = ensure_data(a.records, a.seed, a.data)
    con = store_connection(ensure_store(d), read_only=True)
    try:
        current = load_current(con, columns=INDEX_COLUMNS, with_pairs=False)
    finally:
        con.close()
    index = PersonIndex.build(current, resolve_model(None))
    gc.collect()
    gc.freeze()  # as the service does after loading
    bodies = queries(d, 2000, a.seed)
    standardize_one(PersonQuery(**bodies[0]).fields())  # first call loads the nickname table
    timed = []
    for body in bodies:
        q = PersonQuery(**body)
        t0 = time.perf_counter()
        std = standardize_one(q.fields())
        variants = [] if q.role else [{**std, C.ROLE_GROUP: "child"}]
        uids = index.candidates(std, variants)
        n = len(uids)
        hits = index.match(std, variants, q.min_probability, q.limit, q.ssn_last4, uids)
        index.records_of([h.person_id for h in hits])
        timed.append(((time.perf_counter() - t0) * 1000, n, body))
    timed.sort(key=lambda t: t[0])
    ms = [t[0] for t in timed]
    print(
        f"{len(ms)} queries in process: p50 {ms[len(ms) // 2]:.2f} ms, p99 {ms[int(len(ms) * 0.99)]:.2f} ms, max {ms[-1]:.2f} ms"
    )
    print("slowest: " + "; ".join(f"{t:.1f} ms, {n} candidates" for t, n, _ in timed[-5:]))


if __name__ == "__main__":
    main()
