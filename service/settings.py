"""The service's one settings object, read from the environment `linkage serve` sets
(`linkage/cli/serve.py` names the same variables: the CLI does not import the service)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_PREFIX = "LINKAGE_SERVICE_"


@dataclass(frozen=True)
class ServiceSettings:
    db: Path  # the batch store the index is loaded from (opened read-only, briefly)
    keys: Path  # JSON: {"API KEY": {"name": "...", "role": "ivd"}} or {"API KEY": "ivd"}
    audit: Path  # the service's own DuckDB file for the audit trail and added records
    model: str | None = None  # a version name or directory; None: the latest accepted version
    max_body_bytes: int = 64 * 1024
    reload_seconds: float = 30.0

    @classmethod
    def from_env(cls) -> "ServiceSettings":
        def get(name: str, default: str | None = None) -> str:
            value = os.environ.get(ENV_PREFIX + name, default)
            if value is None:
                raise RuntimeError(f"{ENV_PREFIX}{name} is not set: start the service with `linkage serve`")
            return value

        db = Path(get("DB"))
        return cls(db=db, keys=Path(get("KEYS")), audit=Path(get("AUDIT", str(db.with_suffix(".audit.duckdb")))),
                   model=get("MODEL", "") or None, max_body_bytes=int(get("MAX_BODY_BYTES", str(64 * 1024))),
                   reload_seconds=float(get("RELOAD_SECONDS", "30")))
