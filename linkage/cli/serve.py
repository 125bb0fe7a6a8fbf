"""`linkage serve`: the on-demand service under uvicorn. The service package is named to uvicorn as
a string (it imports linkage, never the other way round) and configured through the environment."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Annotated

import typer

from linkage.cli.common import DbOpt, ModelOpt, ModelsDirOpt, fail, read_store
from linkage.errors import ModelError
from linkage.keysfile import KeysError, read_keys
from linkage.model import resolve_model
from linkage.store import latest_complete_run, run_model

ENV_PREFIX = "LINKAGE_SERVICE_"  # read by service.settings.ServiceSettings.from_env


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    db: DbOpt = Path("linkage.duckdb"),
    keys: Annotated[Path, typer.Option("--keys", help="JSON file: API key -> role (ivd, iva, ive, analyst, admin)")] = Path(
        "keys.json"
    ),
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    audit: Annotated[Path | None, typer.Option(help="the service's audit DuckDB file (default: next to --db)")] = None,
    model: ModelOpt = None,
    models_dir: ModelsDirOpt = None,
    reload_seconds: Annotated[float, typer.Option(help="how often to look for a newer batch run")] = 30.0,
    ssl_certfile: Annotated[Path | None, typer.Option(help="serve HTTPS with this certificate (PEM)")] = None,
    ssl_keyfile: Annotated[Path | None, typer.Option(help="the certificate's private key (PEM)")] = None,
    rate_per_minute: Annotated[float, typer.Option(min=1, help="requests a minute per key (429 past it)")] = 600,
    watched_per_hour: Annotated[
        float,
        typer.Option(min=1, help="searches an hour per key by an identifier its role may not see (an SSN for TANF, foster care)"),
    ] = 120,
    enumeration_values: Annotated[
        int, typer.Option(min=2, help="values of such an identifier one key may try against one person before it is locked")
    ] = 4,
    max_added_per_key: Annotated[int, typer.Option(min=1, help="added records per key waiting for a batch run")] = 5000,
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
    # a run that trained its model on its input (a person list) is answered with that model, from
    # the store, unless a version is named
    follow_store = model is None and read_store(db, run_model, code=2) is not None
    try:
        read_keys(keys)
    except KeysError as e:
        fail(f"--keys: {e}", 2)
    if (ssl_certfile is None) != (ssl_keyfile is None):
        fail("--ssl-certfile and --ssl-keyfile go together", 2)
    for given in (ssl_certfile, ssl_keyfile):
        if given is not None and not given.is_file():
            fail(f"{given}: no such file", 2)
    os.environ.update(
        {
            ENV_PREFIX + "DB": str(db),
            ENV_PREFIX + "KEYS": str(keys),
            ENV_PREFIX + "AUDIT": str(audit or db.with_suffix(".audit.duckdb")),
            ENV_PREFIX + "MODEL": "" if follow_store else str(version.path),
            ENV_PREFIX + "RELOAD_SECONDS": str(reload_seconds),
            ENV_PREFIX + "RATE_PER_MINUTE": str(rate_per_minute),
            ENV_PREFIX + "RATE_BURST": str(max(20, int(rate_per_minute / 5))),
            ENV_PREFIX + "WATCHED_PER_HOUR": str(watched_per_hour),
            ENV_PREFIX + "ENUMERATION_VALUES": str(enumeration_values),
            ENV_PREFIX + "MAX_ADDED_PER_KEY": str(max_added_per_key),
        }
    )
    import uvicorn

    uvicorn.run(
        "service.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        log_level="info",
        access_log=False,
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
    )
