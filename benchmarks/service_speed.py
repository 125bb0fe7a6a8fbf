"""The on-demand service under load, with plain Splink's new-record matching beside it.

    python -m benchmarks.service_speed --records 1000000 --seed 2024

Starts `linkage serve` (uvicorn, 127.0.0.1) on a store of generated records, then drives POST
/v1/match from this separate process with 8 concurrent clients; reports p50/p99 latency, requests
per second and the server's resident memory. Plain Splink: `linker.inference.predict_between` for one
new record against the same records, with a model trained as the docs teach on a 100,000 sample.

`--before DIR`: also serve the same store from an older checkout of the project (its code first on
PYTHONPATH, its own keys-file format) and measure it the same way in the same run, so a change's
cost is read side by side. The bench key gets a rate limit above the load (the shipped default,
600 a minute, would answer most of a 200/s load with 429s).
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import polars as pl
import psutil

from benchmarks.speed import BIN, ensure_data, measure

FIELDS = ("first_name", "middle_name", "last_name", "suffix", "dob", "sex", "ssn", "street", "city", "state", "zip")
KEY = "bench-ivd-0123456789"
PURPOSE = "latency benchmark"


def ensure_store(d: Path) -> Path:
    db = d / "store.duckdb"
    if not db.exists():
        m = measure(
            [str(BIN / "linkage"), "dedupe", str(d / "records.csv"), "--out", str(d / "persons.parquet"), "--db", str(db)]
        )
        if m.returncode:
            raise SystemExit("linkage dedupe failed")
    return db


def api_person(row: dict, fields: tuple[str, ...] = FIELDS) -> dict:
    """A generator record as the API takes a person: given fields only, sex upper-case, the
    MM/DD/YYYY dates the generator writes as YYYY-MM-DD (the API accepts both; one spelling here)."""
    q = {k: row[k] for k in fields if row.get(k)}
    if q.get("sex"):
        q["sex"] = q["sex"].upper()
    if q.get("dob") and "/" in q["dob"]:
        mm, dd, yy = q["dob"].split("/")
        q["dob"] = f"{yy}-{mm}-{dd}"
    return q


def queries(d: Path, n: int, seed: int) -> list[dict]:
    raw = pl.read_csv(d / "records.csv", infer_schema=False).sample(n, seed=seed)
    return [api_person(row) for row in raw.iter_rows(named=True)]


def drive(
    url: str, bodies: list[dict], clients: int, seconds: float, rate: float | None = None
) -> tuple[list[float], int, float, list[float]]:
    """`clients` threads, each with its own keep-alive connection, posting bodies for `seconds`: as
    fast as answers come (closed loop), or at `rate` requests per second in all (paced, open loop:
    latency then counts from when a request was due, so queueing shows).

    The client is the standard library's http.client: with httpx the load generator's own Python
    (8 threads sharing one interpreter lock with 2 cores also running the server) added tens of ms
    at p99 that the server never saw (its Server-Timing said so). Connections are opened before the
    clock starts."""
    host, port = url.removeprefix("http://").split(":")
    payloads = [json.dumps(b).encode() for b in bodies]
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json", "X-Purpose": PURPOSE}
    latencies: list[float] = []
    in_app: list[float] = []  # the server's own time per request (its Server-Timing header), seconds
    errors = 0
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)

    def worker(i: int) -> None:
        nonlocal errors
        rng = random.Random(i)
        mine: list[float] = []
        app: list[float] = []
        bad = 0
        gap = clients / rate if rate else 0.0
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        ready.wait()
        start = time.perf_counter()
        stop, due = start + seconds, start + rng.random() * gap
        while time.perf_counter() < stop:
            if gap:
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
            t0 = due if gap else time.perf_counter()
            conn.request("POST", "/v1/match", body=rng.choice(payloads), headers=headers)
            r = conn.getresponse()
            r.read()
            mine.append(time.perf_counter() - t0)
            app.append(float((r.getheader("server-timing") or "app;dur=nan").split("dur=")[1]) / 1000)
            bad += r.status != 200
            due += gap
        conn.close()
        with lock:
            latencies.extend(mine)
            in_app.extend(app)
            errors += bad

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - t0, in_app


def start_server(db: Path, work: Path, port: int, source: Path | None = None):
    """The server of this checkout, or of the checkout at `source` (its keys in plain text, the
    format before keys were hashed)."""
    import os
    import subprocess

    from linkage.keysfile import hash_key

    work.mkdir(parents=True, exist_ok=True)
    keys = work / "keys.json"
    keys.write_text(json.dumps({(KEY if source else hash_key(KEY)): {"name": "bench", "role": "ivd"}}))
    os.chmod(keys, 0o600)
    env = {**os.environ, "PYTHONPATH": str(source)} if source else None
    limits = [] if source else ["--rate-per-minute", "1000000"]
    t0 = time.perf_counter()
    # cwd: `python -m` puts the working directory before PYTHONPATH, which would shadow `source`
    proc = subprocess.Popen(
        [
            str(BIN.resolve() / "python"),
            "-m",
            "linkage",
            "serve",
            "--db",
            str(db.resolve()),
            "--keys",
            str(keys.resolve()),
            "--port",
            str(port),
            "--audit",
            str((work / "audit.duckdb").resolve()),
            "--reload-seconds",
            "3600",
            *limits,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=work,
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        if proc.poll() is not None:
            raise SystemExit("the server exited while loading")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return proc, url, time.perf_counter() - t0


def page_timings(url: str, db: Path, n: int = 30) -> dict[str, list[float]]:
    """The page's requests for children of IV-D cases: the page itself, a person, a father look-up, a
    referral check of their IV-A case, and why two scored records are (or are not) one person."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    kids = con.execute(
        "SELECT person_id FROM records WHERE role = 'CH' AND source_system = 'IV-D' ORDER BY hash(record_id) LIMIT ?", [n]
    ).fetchall()
    cases = con.execute(
        "SELECT case_id FROM records WHERE source_system = 'IV-A' GROUP BY case_id ORDER BY hash(case_id) LIMIT ?", [n]
    ).fetchall()
    people = {
        c: con.execute(
            "SELECT role, first_name, last_name, strftime(dob_date, '%Y-%m-%d'), ssn FROM records "
            "WHERE source_system = 'IV-A' AND case_id = ?",
            [c],
        ).fetchall()
        for (c,) in cases
    }
    explained = con.execute("SELECT record_id_l, record_id_r FROM pairs ORDER BY hash(record_id_l) LIMIT ?", [n]).fetchall()
    con.close()
    out: dict[str, list[float]] = {
        "GET / (the page)": [],
        "GET /v1/persons/{id}": [],
        "GET /v1/children/{id}/father": [],
        "POST /v1/referrals/check": [],
        "POST /v1/explain": [],
    }
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}", "X-Purpose": PURPOSE}, timeout=30) as http:

        def timed(label: str, call) -> None:
            t0 = time.perf_counter()
            r = call()
            out[label].append(time.perf_counter() - t0)
            if r.status_code != 200:
                raise SystemExit(f"{label}: {r.status_code} {r.text[:200]}")

        for (pid,) in kids:
            timed("GET / (the page)", lambda: http.get("/"))
            timed("GET /v1/persons/{id}", lambda pid=pid: http.get(f"/v1/persons/{pid}"))
            father = f"/v1/children/{pid}/father"
            timed("GET /v1/children/{id}/father", lambda father=father: http.get(father, params={"purpose": "bench"}))
        for case, rows in people.items():
            body = {
                "referral_id": case,
                "source_system": "IV-A",
                "people": [{k: v for k, v in zip(("role", "first_name", "last_name", "dob", "ssn"), row) if v} for row in rows],
            }
            timed("POST /v1/referrals/check", lambda body=body: http.post("/v1/referrals/check", json=body))
        for a, b in explained:
            pair = {"record_a": a, "record_b": b}
            timed("POST /v1/explain", lambda pair=pair: http.post("/v1/explain", json=pair))
    return out


def plain_splink_per_query(d: Path, bodies: list[dict], n: int = 20) -> list[float]:
    """Seconds per `predict_between` of one new record against all records, plain Splink."""
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    from benchmarks.accuracy import plain_input
    from benchmarks.plain_splink import name_rule, prepare, settings

    data = prepare(plain_input(pl.read_csv(d / "records.csv", infer_schema=False)))
    con = duckdb.connect()
    db_api = DuckDBAPI(con)
    sample = db_api.register(data.sample(100_000, seed=1).to_arrow())
    trainer = Linker(sample, settings(data, name_rule(sample)), log_level=logging.ERROR)
    trainer.training.estimate_probability_two_random_records_match([block_on("first_name", "surname", "dob")], recall=0.7)
    trainer.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        try:
            trainer.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=1e6)
        except ValueError as e:  # an unobserved level underflows on a sample; keep the other session's m
            logging.warning("plain Splink EM on %s skipped: %s", rule, e)
    model = trainer.misc.save_model_to_json()
    big = db_api.register(data.to_arrow())
    linker = Linker(big, model, log_level=logging.ERROR)
    times = []
    for i, body in enumerate(bodies[:n]):
        one = pl.DataFrame(
            [
                {
                    "unique_id": f"new{i}",
                    **{c: None for c in data.columns if c != "unique_id"},
                    "first_name": body.get("first_name"),
                    "surname": body.get("last_name"),
                    "dob": body.get("dob"),
                    "ssn": (body.get("ssn") or "").replace("-", "") or None,
                    "zip": body.get("zip"),
                    "city": body.get("city"),
                    "street": body.get("street"),
                }
            ],
            schema=data.schema,
        )
        new = db_api.register(prepare(one).to_arrow())
        t0 = time.perf_counter()
        linker.inference.predict_between(new, big, threshold_match_probability=0.5).as_pandas_dataframe()
        times.append(time.perf_counter() - t0)
    con.close()
    return times


def measure_server(
    db: Path, work: Path, port: int, bodies: list[dict], a: argparse.Namespace, source: Path | None = None
) -> tuple[list, dict, float, float]:
    proc, url, load_s = start_server(db, work, port, source)
    try:
        drive(url, bodies, a.clients, 3)  # warm-up
        runs = [("closed loop: as fast as answered", *drive(url, bodies, a.clients, a.seconds))]
        runs.append((f"paced: {a.rate:.0f} requests/s in all", *drive(url, bodies, a.clients, a.seconds, a.rate)))
        pages = page_timings(url, db)
        rss = psutil.Process(proc.pid).memory_info().rss / 1e9
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return runs, pages, load_s, rss


def report(name: str, runs: list, clients: int) -> None:
    for label, lat, errors, wall, in_app in runs:
        ms, app = sorted(x * 1000 for x in lat), sorted(x * 1000 for x in in_app)
        p = lambda xs, q: xs[min(len(xs) - 1, int(q * len(xs)))]  # noqa: E731
        print(
            f"| {name}: POST /v1/match | {label} | {clients} | {len(ms):,} | {errors} | {p(ms, 0.5):.1f} | "
            f"{p(ms, 0.99):.1f} | {len(ms) / wall:.0f} | {p(app, 0.5):.1f} / {p(app, 0.99):.1f} |"
        )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--data", type=Path, default=Path("data/bench"))
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--port", type=int, default=8799)
    ap.add_argument("--rate", type=float, default=200, help="paced run: requests per second in all")
    ap.add_argument("--skip-plain", action="store_true")
    ap.add_argument("--before", type=Path, help="an older checkout of the project to measure in the same run")
    a = ap.parse_args(argv)
    d = ensure_data(a.records, a.seed, a.data)
    db = ensure_store(d)
    bodies = queries(d, 2000, a.seed)
    measured = []
    with tempfile.TemporaryDirectory() as tmp:
        if a.before:
            measured.append(
                (
                    f"before ({a.before.name})",
                    *measure_server(db, Path(tmp) / "before", a.port + 1, bodies, a, a.before.resolve()),
                )
            )
        measured.append(("project", *measure_server(db, Path(tmp) / "now", a.port, bodies, a)))
    print(f"index of {a.records:,} generated records (seed {a.seed})")
    for name, _, _, load_s, rss in measured:
        print(f"- {name}: server ready in {load_s:.1f} s; server memory after the runs {rss:.2f} GB")
    print("\n| system | load | clients | requests | errors | p50 ms | p99 ms | requests/s | in the app: p50 / p99 ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, runs, _, _, _ in measured:
        report(name, runs, a.clients)
    for name, _, pages, _, _ in measured:
        print(f"\nWhat the caseworker page asks, one request at a time ({name}, ms):\n")
        print("| request | n | p50 ms | max ms |")
        print("|---|---|---|---|")
        for label, times in pages.items():
            ms = sorted(t * 1000 for t in times)
            print(f"| {label} | {len(ms)} | {ms[len(ms) // 2]:.1f} | {ms[-1]:.1f} |")
    if not a.skip_plain:
        times = plain_splink_per_query(d, bodies)
        print(
            f"| plain Splink: predict_between, one record | one at a time | 1 | {len(times)} | 0 | "
            f"{statistics.median(times) * 1000:.0f} | {max(times) * 1000:.0f} | {1 / statistics.mean(times):.1f} | - |"
        )


if __name__ == "__main__":
    main()
