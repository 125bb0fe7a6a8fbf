"""The audit trail fails closed and shows tampering; TLS through uvicorn's own flags; nothing added
is lost while the index is reloaded."""

from __future__ import annotations

import dataclasses
import gc
import os
import shutil
import ssl
import subprocess
import threading
import time

import httpx
import pytest
import uvicorn

from service.app import create_app
from service.settings import ServiceSettings
from tests.cli import LINKAGE
from tests.service.conftest import KEY, Server, free_port, wait_ready


class InProcess:
    """The app under a real uvicorn server on 127.0.0.1, in this process, so a test can break a
    part of it (the audit store) as it would break in production."""

    def __init__(self, settings: ServiceSettings):
        self.app = create_app(settings, watch=False)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        wait_ready(self.url, self.thread.is_alive)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        gc.unfreeze()  # the holder froze the index out of the collector, as the service does


QUERY = {"first_name": "MARIA", "last_name": "GARCIA", "min_probability": 0.0}


def headers(role: str) -> dict:
    return {"Authorization": f"Bearer {KEY[role]}", "X-Purpose": "audit test"}


def test_no_answer_leaves_when_its_audit_row_cannot_be_written(store, keys_file, tmp_path):
    served = InProcess(ServiceSettings(db=store, keys=keys_file, audit=tmp_path / "audit.duckdb"))
    try:
        ok = httpx.post(f"{served.url}/v1/match", json=QUERY, headers=headers("ivd"))
        assert ok.status_code == 200 and ok.json()["candidates"]
        full = os.open("/dev/full", os.O_WRONLY)  # the audit log's disk is full: every write fails (ENOSPC)
        os.dup2(full, served.app.state.db.log._fd)
        for _ in range(2):  # and stays refused
            failed = httpx.post(f"{served.url}/v1/match", json=QUERY, headers=headers("ivd"))
            assert failed.status_code == 503 and "audit" in failed.json()["detail"]
            assert "candidates" not in failed.text
        person = ok.json()["candidates"][0]["person_id"]
        assert httpx.get(f"{served.url}/v1/persons/{person}", headers=headers("ive")).status_code == 503
        assert httpx.get(f"{served.url}/healthz").status_code == 200
    finally:
        served.stop()


def test_audit_verify_finds_a_changed_or_removed_row(server, tmp_path):
    with server.client("ivd", purpose="verify test") as http:
        for name in ("GARCIA", "LOPEZ", "SMITH", "JONES"):
            assert http.post("/v1/match", json={"first_name": "MARIA", "last_name": name}).status_code == 200
    log = server.audit.with_suffix(".log.jsonl")
    copy = tmp_path / "audit.log.jsonl"
    shutil.copy(log, copy)
    good = subprocess.run([LINKAGE, "audit", "verify", "--db", str(copy)], capture_output=True, text=True, timeout=60)
    assert good.returncode == 0 and "intact" in good.stdout, good.stdout + good.stderr
    lines = copy.read_text().splitlines(keepends=True)
    assert len(lines) >= 4 and "verify test" in lines[-1]
    copy.write_text(
        "".join([lines[0], lines[1].replace("verify test", "nothing to see").replace("service test", "nothing"), *lines[2:]])
    )
    changed = subprocess.run([LINKAGE, "audit", "verify", "--db", str(copy)], capture_output=True, text=True, timeout=60)
    assert changed.returncode == 1 and "row 2" in changed.stdout
    copy.write_text("".join([lines[0], *lines[2:]]))
    removed = subprocess.run([LINKAGE, "audit", "verify", "--db", str(copy)], capture_output=True, text=True, timeout=60)
    assert removed.returncode == 1 and "NOT intact" in removed.stdout and "row 2 is missing" in removed.stdout


def test_https_with_uvicorns_own_certificate_flags(store, keys_file, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    served = Server(
        store,
        keys_file,
        tmp_path / "audit.duckdb",
        scheme="https",
        extra=("--ssl-certfile", str(cert), "--ssl-keyfile", str(key)),
    )
    try:
        with httpx.Client(
            base_url=served.url, verify=ssl.create_default_context(cafile=str(cert)), headers=headers("ivd")
        ) as http:
            assert http.post("/v1/match", json={"last_name": "GARCIA"}).status_code == 200
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{served.port}/healthz", timeout=5).raise_for_status()
    finally:
        served.stop()
    half = subprocess.run(
        [LINKAGE, "serve", "--db", str(store), "--keys", str(keys_file), "--ssl-certfile", str(cert)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert half.returncode == 2 and "go together" in half.stderr


def test_records_added_while_the_index_reloads_are_not_lost(store, keys_file, small_data, tmp_path):
    db = tmp_path / "live.duckdb"
    shutil.copy(store, db)
    served = Server(db, keys_file, tmp_path / "service.duckdb", reload_seconds=0.2)
    posted = []
    try:
        with served.client("ive", purpose="reload race") as http:
            before = http.get("/readyz").json()["index_run_id"]
            batch = subprocess.Popen(
                [LINKAGE, "dedupe", str(small_data / "records.csv"), "--out", str(tmp_path / "p.csv"), "--db", str(db)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            i = 0
            deadline = time.time() + 180
            while time.time() < deadline:
                i += 1
                rec = {
                    "record_id": f"RACE-{i}",
                    "source_system": "IV-E",
                    "case_id": f"E-RACE-{i}",
                    "role": "CH",
                    "first_name": f"RACER{i:04d}",
                    "last_name": "ZQUIRRELTON",
                    "dob": "2019-02-03",
                }
                r = http.post("/v1/records", json={"records": [rec]})
                assert r.status_code == 200, r.text
                posted.append((rec["record_id"], r.json()["records"][0]["person_id"]))
                if batch.poll() is not None and http.get("/readyz").json()["index_run_id"] > before:
                    break
            assert batch.returncode == 0, batch.stderr.read()
            assert http.get("/readyz").json()["index_run_id"] == before + 1
            for record_id, person_id in posted:
                found = http.get(f"/v1/persons/{person_id}")
                assert found.status_code == 200 and record_id in found.text, record_id
    finally:
        served.stop()
    assert len(posted) > 10
    restarted = Server(db, keys_file, tmp_path / "service.duckdb")
    try:
        with restarted.client("ive", purpose="after restart") as http:
            missing = [rid for rid, pid in posted if rid not in http.get(f"/v1/persons/{pid}").text]
        assert not missing
    finally:
        restarted.stop()


def test_the_reload_thread_outlives_an_unexpected_error(store, keys_file, tmp_path):
    settings = ServiceSettings(db=store, keys=keys_file, audit=tmp_path / "audit.duckdb", reload_seconds=0.1)
    served = InProcess(settings)
    try:
        holder = served.app.state.holder
        assert httpx.get(f"{served.url}/readyz").status_code == 200
        holder.start_watching()
        holder.settings = dataclasses.replace(settings, db=12345)  # every refresh now fails with a TypeError
        time.sleep(0.5)
        assert holder._thread.is_alive() and holder.last_error  # it survives and says why
        assert httpx.get(f"{served.url}/readyz").status_code == 200
    finally:
        holder._stop.set()
        served.stop()
