"""A batch run writing the store while the service is up: queries keep being answered from the last
complete index, and the new run's index is swapped in when it is complete."""

from __future__ import annotations

import shutil
import subprocess
import time

import duckdb

from tests.cli import LINKAGE
from tests.service.conftest import Server


def test_batch_run_during_service(store, keys_file, small_data, tmp_path):
    db = tmp_path / "live.duckdb"
    shutil.copy(store, db)
    server = Server(db, keys_file, tmp_path / "service.duckdb", reload_seconds=0.5)
    try:
        with server.client("ivd") as http:
            before = http.get("/readyz").json()["index_run_id"]
            batch = subprocess.Popen(
                [LINKAGE, "dedupe", str(small_data / "records.csv"), "--out", str(tmp_path / "p.csv"), "--db", str(db)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            answered = 0
            while batch.poll() is None:
                r = http.post("/v1/match", json={"first_name": "MARIA", "last_name": "GARCIA", "min_probability": 0.0})
                assert r.status_code == 200
                answered += 1
                time.sleep(0.05)
            assert batch.returncode == 0, batch.stderr.read()
            deadline = time.time() + 60
            while http.get("/readyz").json()["index_run_id"] == before and time.time() < deadline:
                time.sleep(0.3)
            assert http.get("/readyz").json()["index_run_id"] == before + 1
            assert answered > 0 and http.post("/v1/match", json={"last_name": "GARCIA"}).status_code == 200
    finally:
        server.stop()


def test_keys_file_problems_stop_the_start_with_a_message(store, tmp_path):
    bad = tmp_path / "keys.json"
    bad.write_text("[1, 2]")
    bad.chmod(0o600)
    p = subprocess.run([LINKAGE, "serve", "--db", str(store), "--keys", str(bad)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "JSON object" in p.stderr
    p = subprocess.run(
        [LINKAGE, "serve", "--db", str(tmp_path / "none.duckdb"), "--keys", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert p.returncode == 2 and "no store" in p.stderr
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    p = subprocess.run(
        [LINKAGE, "serve", "--db", str(tmp_path / "empty.duckdb"), "--keys", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert p.returncode == 2 and "no complete run" in p.stderr
