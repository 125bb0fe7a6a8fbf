"""A real store, a real keys file and a real uvicorn server on 127.0.0.1 for the service tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from linkage.keysfile import hash_key
from tests.cli import LINKAGE, run

KEYS = {
    "ivd-0123456789abcdef": {"name": "worker-ivd", "role": "ivd"},
    "iva-0123456789abcdef": {"name": "worker-iva", "role": "iva"},
    "ive-0123456789abcdef": {"name": "worker-ive", "role": "ive"},
    "analyst-0123456789ab": {"name": "analyst-1", "role": "analyst"},
    "admin-0123456789abcd": {"name": "admin-1", "role": "admin"},
}
KEY = {v["role"]: k for k, v in KEYS.items()}
# The shared server lets tests make many requests; the adversarial tests start servers with the defaults.
GENEROUS = ("--rate-per-minute", "1000000", "--watched-per-hour", "1000000", "--enumeration-values", "1000")


def write_keys(path: Path, keys: dict = KEYS) -> Path:
    """A keys file as `linkage keys add` writes it: hashes only, readable by its owner only."""
    path.write_text(json.dumps({hash_key(k): v for k, v in keys.items()}))
    os.chmod(path, 0o600)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, alive, log=lambda: "", timeout: float = 90) -> None:
    """Until `url`/readyz answers 200; AssertionError (with the log) if the server dies or is slow."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not alive():
            raise AssertionError(f"server exited: {log()}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2, verify=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"server not ready: {log()}")


class Server:
    def __init__(
        self,
        db: Path,
        keys: Path,
        audit: Path,
        reload_seconds: float = 1.0,
        extra: tuple[str, ...] = GENEROUS,
        scheme: str = "http",
    ):
        self.port = free_port()
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.audit = audit
        self.log = audit.with_suffix(".log")
        self.proc = subprocess.Popen(
            [
                LINKAGE,
                "serve",
                "--db",
                str(db),
                "--keys",
                str(keys),
                "--port",
                str(self.port),
                "--audit",
                str(audit),
                "--reload-seconds",
                str(reload_seconds),
                *extra,
            ],
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 90) -> None:
        wait_ready(self.url, lambda: self.proc.poll() is None, self.log.read_text, timeout)

    def client(self, role: str | None = "ivd", purpose: str | None = "service test") -> httpx.Client:
        headers = {"Authorization": f"Bearer {KEY[role]}"} if role else {}
        if purpose:
            headers["X-Purpose"] = purpose
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, verify=False)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


@pytest.fixture(scope="session")
def store(small_data, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("service")
    run("dedupe", small_data / "records.csv", "--out", out / "persons.parquet", "--db", out / "store.duckdb")
    return out / "store.duckdb"


@pytest.fixture(scope="session")
def keys_file(tmp_path_factory) -> Path:
    return write_keys(tmp_path_factory.mktemp("keys") / "keys.json")


@pytest.fixture(scope="session")
def server(store, keys_file, tmp_path_factory):
    s = Server(store, keys_file, tmp_path_factory.mktemp("audit") / "audit.duckdb")
    yield s
    s.stop()
