"""`linkage serve`: the on-demand service under uvicorn. The service package is named to uvicorn as
a string (it imports linkage, never the other way round) and configured through the environment."""
from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from linkage.cli.common import DbOpt, ModelOpt, ModelsDirOpt, fail, read_store
from linkage.errors import ModelError
from linkage.model import resolve_model
from linkage.store import latest_complete_run

ENV_PREFIX = "LINKAGE_SERVICE_"  # read by service.settings.ServiceSettings.from_env


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    db: DbOpt = Path("linkage.duckdb"),
    keys: Annotated[Path, typer.Option("--keys", help="JSON file: API key -> role (ivd, iva, ive, analyst, admin)")] = Path("keys.json"),
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    audit: Annotated[Optional[Path], typer.Option(help="the service's audit DuckDB file (default: next to --db)")] = None,
    model: ModelOpt = None,
    models_dir: ModelsDirOpt = None,
    reload_seconds: Annotated[float, typer.Option(help="how often to look for a newer batch run")] = 30.0,
) -> None:
    """Answer match, person, referral and locate queries from an in-memory index of the store."""
    if importlib.util.find_spec("uvicorn") is None or importlib.util.find_spec("fastapi") is None:
        fail("the service needs its extra: pip install '.[service]'", 1)
    if read_store(db, latest_complete_run, code=2) is None:
        fail(f"the store {db} holds no complete run: run `linkage dedupe RECORDS --db {db}` first", 2)
    try:
        version = resolve_model(model, models_dir)  # fixed for the life of the process
    except ModelError as e:
        fail(str(e), 2)
    try:
        parsed = json.loads(keys.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        fail(f"--keys {keys}: cannot be read as JSON ({e})", 2)
    if not isinstance(parsed, dict) or not parsed:
        fail(f"--keys {keys}: expected a JSON object mapping API keys to roles", 2)
    os.environ.update({
        ENV_PREFIX + "DB": str(db), ENV_PREFIX + "KEYS": str(keys),
        ENV_PREFIX + "AUDIT": str(audit or db.with_suffix(".audit.duckdb")), ENV_PREFIX + "MODEL": str(version.path),
        ENV_PREFIX + "RELOAD_SECONDS": str(reload_seconds),
    })
    import uvicorn

    uvicorn.run("service.app:create_app_from_env", factory=True, host=host, port=port, log_level="info",
                access_log=False)
